package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/**
 * Distributed mode: a job's exclude patterns travel to the workers, and a running worker's
 * limits change on SIGUSR1 (config read again) and SIGUSR2 (lifted), without a restart.
 */
class ExcludeAndLimitsIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void excludesTravelToTheWorkers() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("a.txt"), "a");
            Fx.write(c.src.resolve("x.log"), "source log");
            Fx.write(c.src.resolve("sub/y.log"), "source log");
            Fx.write(c.src.resolve("sub/b.txt"), "b");
            Fx.write(c.src.resolve("cache/big"), "cached");
            Fx.write(c.dst.resolve("x.log"), "the target's own log");
            c.startWorker();
            c.awaitConnected(1);
            String[] rules = {"--exclude", "*.log", "--exclude", "/cache/", "--wait", "--json"};

            Cluster.Run sync = c.run(args("sync", c, rules));
            Cluster.Run verify = c.run(args("verify", c, rules));
            String keptLog = Files.readString(c.dst.resolve("x.log"));
            Cluster.Run delete = c.run(args("delete", c, "--exclude", "*.log", "--delete-excluded", "--wait", "--json"));

            assertThat(sync.exit()).as(sync.stderr()).isZero();
            assertThat(keptLog).isEqualTo("the target's own log");
            assertThat(c.dst.resolve("sub/y.log")).doesNotExist();
            assertThat(c.dst.resolve("cache")).doesNotExist();
            assertThat(c.dst.resolve("sub/b.txt")).hasContent("b");
            assertThat(verify.exit()).as(verify.stdout()).isZero();
            assertThat(delete.exit()).as(delete.stderr()).isZero();
            assertThat(delete.json().path("files_removed").asLong()).isEqualTo(1);
            assertThat(c.dst.resolve("x.log")).doesNotExist();
        }
    }

    @Test
    void aRunningWorkersLimitsChangeOnSignalsWithoutARestart() throws Exception {
        try (Cluster c = new Cluster(tmp, "bwlimit = \"8M\"", false)) {
            Process w = c.startWorker();
            c.awaitConnected(1);
            assertThat(c.workerLog(1)).contains("limits of this worker process: bwlimit 8.0 MiB/s, max_files_per_second none");
            String config = Files.readString(c.config);

            Files.writeString(c.config, config.replace("bwlimit = \"8M\"", "bwlimit = \"16M\"\nmax_files_per_second = 100"));
            Cluster.signal(w, "USR1");
            awaitLog(c, "SIGUSR1: limits read again from the config: bwlimit 16.0 MiB/s, max_files_per_second 100");
            Cluster.signal(w, "USR2");
            awaitLog(c, "SIGUSR2: limits lifted until the next SIGUSR1: bwlimit none, max_files_per_second none");
            Files.writeString(c.config, config.replace("bwlimit = \"8M\"", "bwlimit = \"lots\""));
            Cluster.signal(w, "USR1");
            awaitLog(c, "SIGUSR1: cannot read the config, the limits stay as they were (bwlimit none,");

            assertThat(w.isAlive()).as(c.workerLog(1)).isTrue();
            Files.writeString(c.config, config);
            Fx.write(c.src.resolve("f"), Fx.random(1 << 20, 3));
            Cluster.Run copy = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(copy.exit()).as(copy.stderr()).isZero();
            assertThat(c.dst.resolve("f")).hasSameBinaryContentAs(c.src.resolve("f"));
            Cluster.Run refused = c.run("copy", c.srcName, c.tgtName, "/", "--bwlimit", "1M");
            assertThat(refused.exit()).isEqualTo(2);
            assertThat(refused.stderr()).contains("give them to pdm worker");
        }
    }

    private static void awaitLog(Cluster c, String line) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(c.workerLog(1)).contains(line));
    }

    private static String[] args(String command, Cluster c, String... more) {
        String[] a = new String[4 + more.length];
        a[0] = command;
        a[1] = c.srcName;
        a[2] = c.tgtName;
        a[3] = "/";
        System.arraycopy(more, 0, a, 4, more.length);
        return a;
    }
}

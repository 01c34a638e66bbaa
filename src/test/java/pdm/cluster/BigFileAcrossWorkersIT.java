package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * One big file's ranges copied by several worker processes (docs/distributed-design.md, "Big
 * files across workers"): two workers on two hosts share them; a worker SIGKILLed mid-file, or
 * the broker restarted mid-file, still gives an exact file and no temp file; a file that grows
 * during its copy is failed (never placed mixed) and copied exactly by the next pass. Workers
 * run at --bwlimit so that the file takes seconds to copy; nothing here asserts a time.
 */
class BigFileAcrossWorkersIT {
    private static final int CHUNK = 256 << 10;
    private static final String[] SPLIT = {"--split-size", "1M", "--chunk-size", "256K", "--wait", "--json"};

    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void twoWorkersOnTwoHostsShareOneFilesRanges() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            byte[] data = Fx.random(40 * CHUNK + 777, 1);
            Fx.write(c.src.resolve("d/big"), data);
            Instant start = Instant.now().minusSeconds(5);
            c.startWorkerOnHost("pdm-big-1", "--bwlimit", "2M");
            c.startWorkerOnHost("pdm-big-2", "--bwlimit", "2M");
            c.awaitConnected(1);
            c.awaitConnected(2);

            Cluster.Run copy = finish(c, c.start(args("copy", c, SPLIT)));

            assertThat(copy.exit()).as(copy.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();
            assertThat(copy.json().path("bytes").asLong()).as("each range once").isEqualTo(data.length);
            String job = copy.json().path("job").asText();
            assertThat(RangeHosts.of(job, start)).containsExactly("pdm-big-1", "pdm-big-2");
        }
    }

    @Test
    void aWorkerKilledMidFileLeavesAnExactFileAndNoTempFile() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("d/big"), Fx.random(48 * CHUNK + 5, 2));
            c.startWorker("--bwlimit", "2M");
            c.startWorker("--bwlimit", "2M");
            c.awaitConnected(1);
            c.awaitConnected(2);

            Process client = c.start(args("copy", c, SPLIT));
            awaitTempWith(c.dst.resolve("d"), 3L << 20);
            c.workers().get(0).destroyForcibly(); // SIGKILL, ranges in hand
            c.startWorker("--bwlimit", "4M");
            Cluster.Run r = finish(c, client);

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();
        }
    }

    @Test
    void aWorkerStoppedMidRangeNeverWritesIntoThePlacedFile() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Path big = Fx.write(c.src.resolve("d/big"), Fx.random(48 * CHUNK + 11, 6));
            Files.setLastModifiedTime(big, java.nio.file.attribute.FileTime.fromMillis(1_577_836_800_000L));
            c.startWorker("--bwlimit", "1M");
            c.startWorker("--bwlimit", "4M");
            c.awaitConnected(1);
            c.awaitConnected(2);

            Process client = c.start(args("copy", c, SPLIT));
            // (a worker in the middle of a range: it has the temp file open once ranges are being
            // written; stopped past the broker's heartbeat, its ranges go to the other worker,
            // which then runs the finish)
            awaitTempWith(c.dst.resolve("d"), 2L << 20);
            Process stopped = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> c.workers().stream().filter(w -> holdsTemp(w.pid())).findFirst().orElse(null),
                            w -> w != null);
            int other = c.workers().indexOf(stopped) == 0 ? 2 : 1;
            signal("-STOP", stopped.pid());
            try {
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(200))
                        .conditionEvaluationListener(e -> {
                            if (e.getRemainingTimeInMS() <= 200) {
                                System.err.println(logs(c));
                            }
                        })
                        .until(() -> c.workerLog(other).contains("waiting for a range of it still being written"));
            } finally {
                signal("-CONT", stopped.pid()); // (its range done, it lets go, and the finish places the file)
            }
            Cluster.Run r = finish(c, client);

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            Thread.sleep(3000); // (what the stopped worker did once woken is done by now)
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(Files.getLastModifiedTime(c.dst.resolve("d/big"))).isEqualTo(Files.getLastModifiedTime(big));
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();
        }
    }

    private static String logs(Cluster c) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= c.workers().size(); i++) {
            try {
                b.append("--- worker ").append(i).append('\n').append(c.workerLog(i));
            } catch (IOException e) {
                b.append(e);
            }
        }
        return b.toString();
    }

    /** Whether process {@code pid} has a pdm temp file open now. */
    private static boolean holdsTemp(long pid) {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).getFileName().toString().startsWith(".pdm-tmp-");
                } catch (IOException | RuntimeException gone) {
                    return false;
                }
            });
        } catch (IOException gone) {
            return false;
        }
    }

    private static void signal(String which, long pid) throws IOException, InterruptedException {
        assertThat(new ProcessBuilder("kill", which, Long.toString(pid)).start().waitFor()).isZero();
    }

    @Test
    void aBrokerRestartMidFileLeavesAnExactFileAndNoTempFile() throws Exception {
        Broker.requireControl();
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("d/big"), Fx.random(48 * CHUNK + 9, 3));
            c.startWorker("--bwlimit", "2M");
            c.startWorker("--bwlimit", "2M");
            c.awaitConnected(1);
            c.awaitConnected(2);

            Process client = c.start(args("copy", c, SPLIT));
            awaitTempWith(c.dst.resolve("d"), 3L << 20);
            Broker.ctl("stop_app");
            Broker.ctl("start_app");
            Cluster.Run r = finish(c, client);

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();
            assertThat(c.workerLog(1)).contains("reconnecting");
        }
    }

    @Test
    void aFileThatGrowsDuringItsCopyFailsThenTheNextPassCopiesItExactly() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Path big = Fx.write(c.src.resolve("d/big"), Fx.random(24 * CHUNK, 4));
            c.startWorker("--bwlimit", "2M");
            c.awaitConnected(1);

            Process client = c.start(args("copy", c, SPLIT));
            awaitTempWith(c.dst.resolve("d"), 1L << 20);
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.seek(f.length());
                f.write(Fx.random(CHUNK + 3, 5)); // grows (size and mtime move) between its first range and its last
            }
            Cluster.Run r = finish(c, client);

            assertThat(r.exit()).as(r.stdout()).isEqualTo(1);
            assertThat(r.stdout()).contains("/d/big").contains("size or mtime moved between its first range");
            // its ranges were written, but a file not placed is no bytes copied; one failure, its finish's
            assertThat(r.json().path("files_failed").asLong()).as(r.stdout()).isEqualTo(1);
            assertThat(r.json().path("files_copied").asLong()).as(r.stdout()).isZero();
            assertThat(r.json().path("bytes").asLong()).as(r.stdout()).isZero();
            assertThat(r.json().path("bytes_written").asLong()).as(r.stdout()).isZero();
            assertThat(Files.exists(c.dst.resolve("d/big"))).as("never placed mixed").isFalse();
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();

            Cluster.Run again = finish(c, c.start(args("copy", c, SPLIT)));
            assertThat(again.exit()).as(again.stdout()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
        }
    }

    /** Waits until the big file's temp file holds at least {@code bytes} of data: the copy is mid-file. */
    private static void awaitTempWith(Path dir, long bytes) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
            if (!Files.isDirectory(dir)) {
                return false;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.filter(p -> p.getFileName().toString().startsWith(".pdm-tmp-")).toList()) {
                    try {
                        if (Fx.allocatedBlocks(p) * 512 >= bytes) {
                            return true;
                        }
                    } catch (IOException gone) {
                        // (placed or removed meanwhile)
                    }
                }
            }
            return false;
        });
    }

    private static Cluster.Run finish(Cluster c, Process p) throws Exception {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the job ends").isTrue();
        return new Cluster.Run(p.exitValue(), c.stdout(p), c.stderr(p));
    }

    private static String[] args(String command, Cluster c, String... more) {
        String[] out = new String[4 + more.length];
        out[0] = command;
        out[1] = c.srcName;
        out[2] = c.tgtName;
        out[3] = "/";
        System.arraycopy(more, 0, out, 4, more.length);
        return out;
    }
}

package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/** {@code pdm copy --wait} with no worker for the pair: says so once, and keeps waiting. */
class NoWorkerHintIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void waitingForAJobNoWorkerServesSaysSoOnceAndKeepsWaiting() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("a/file"), "data");
            String queue = Topology.dirQueue(c.srcName, c.tgtName);
            Process wait = c.startAt(Broker.URI, Map.of("JAVA_TOOL_OPTIONS", "-D" + JobLog.NO_WORKER_HINT_MS + "=1000"),
                    "copy", c.srcName, c.tgtName, "/", "--wait");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> c.stderr(wait).contains("no worker is consuming") || !wait.isAlive());
            String hint = "pdm: no worker is consuming " + queue + " (0 consumers); start pdm worker on a node with "
                    + "write = true for '" + c.tgtName + "', or Ctrl-C (the job stays queued)";
            assertThat(c.stderr(wait)).contains(hint);

            // later checks (every 5 s) find it unserved still, and say nothing more
            Thread.sleep(6000);
            assertThat(wait.isAlive()).as(c.stderr(wait)).isTrue();
            assertThat(c.stderr(wait).split(Pattern.quote(hint), -1)).hasSize(2);
        }
    }
}

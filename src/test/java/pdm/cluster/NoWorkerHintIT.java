package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /**
     * Found by a hunt: a job whose queued tasks were purged waited forever with no word. Its
     * worker is killed (its unacked tasks go back to the queues), the queues purged: the wait says
     * once that the tasks are likely lost and how to end the job, and waits on.
     */
    @Test
    void aJobWhoseTasksWerePurgedSaysTheyAreLikelyLost() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            for (int d = 0; d < 6; d++) {
                for (int f = 0; f < 20; f++) {
                    Fx.write(c.src.resolve("d" + d + "/f" + f), "data " + f);
                }
            }
            Process worker = c.startWorker("--max-files-per-second", "2");
            c.awaitConnected(1);
            Process wait = c.startAt(Broker.URI, Map.of("JAVA_TOOL_OPTIONS", "-D" + JobLog.LOST_TASKS_MS + "=3000"),
                    "copy", c.srcName, c.tgtName, "/", "--wait");
            // (files copied at 2 a second for a few seconds: the wait has heard the worker run the job's tasks)
            await().atMost(Duration.ofSeconds(60)).until(() -> copied(c) >= 6 || !wait.isAlive() || !worker.isAlive());
            assertThat(wait.isAlive()).as(c.stderr(wait)).isTrue();
            assertThat(worker.isAlive()).as(c.workerLog(1)).isTrue();
            worker.destroyForcibly().waitFor();
            try (com.rabbitmq.client.Connection conn = Broker.connect()) {
                List<String> queues = Topology.pairQueues(c.srcName, c.tgtName, 1);
                // (its unacked tasks back in the queues first, or they would come back after the purge)
                await().atMost(Duration.ofSeconds(60)).until(() -> ready(conn, queues) > 0);
                for (String q : queues) {
                    com.rabbitmq.client.Channel ch = conn.createChannel();
                    try {
                        ch.queuePurge(q);
                        ch.close();
                    } catch (java.io.IOException e) {
                        // not there
                    }
                }
            }
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> c.stderr(wait).contains("likely lost") || !wait.isAlive());
            String job = c.submittedJob(wait);
            assertThat(c.stderr(wait)).contains("waits for").contains("pdm cancel " + job);
            assertThat(wait.isAlive()).as("the wait goes on").isTrue();
            assertThat(c.run("cancel", job).exit()).isZero();
        }
    }

    private static long copied(Cluster c) throws java.io.IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(c.dst)) {
            return s.filter(Files::isRegularFile).count();
        } catch (java.io.UncheckedIOException e) {
            return 0; // (a directory made or renamed as it was walked)
        }
    }

    private static long ready(com.rabbitmq.client.Connection conn, List<String> queues) throws Exception {
        long n = 0;
        for (String q : queues) {
            n += QueueDepths.ready(conn, q);
        }
        return n;
    }
}

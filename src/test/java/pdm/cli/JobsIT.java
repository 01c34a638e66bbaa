package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.Hosts;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/**
 * A job means the same in both modes (issue 19), told with a real broker and real worker
 * processes: the README's recipes, status of a job, Ctrl-C on a waiting client.
 */
class JobsIT {
    @TempDir
    Path tmp;

    @Test
    void syncAndThenVerifyMeansTheSameWithAndWithoutABroker() throws Exception {
        try (Cluster c = new Cluster(tmp, "", true)) {
            RichTree.build(c.src, false);
            for (int d = 0; d < 8; d++) {
                for (int f = 0; f < 40; f++) {
                    Fx.write(c.src.resolve("bulk/d" + d + "/f" + f), Fx.random(2000 + f, d * 100L + f));
                }
            }
            c.startConnectedWorkers(2);

            // the README's recipe, word for word but for --json on the verify
            Cluster.Run embedded = sh(c, c.runEmbeddedLine("sync", c.srcName, c.tgt2Name, "/"),
                    c.runEmbeddedLine("verify", c.srcName, c.tgt2Name, "/", "--json"), true);
            Cluster.Run distributed = sh(c, c.pdm("sync", c.srcName, c.tgtName, "/"),
                    c.pdm("verify", c.srcName, c.tgtName, "/", "--json"), false);
            // sync's own process has returned: its job is over, not merely submitted
            TreeComparer.assertSameTree(c.src, c.dst);

            assertThat(embedded.exit()).as(embedded.stderr()).isZero();
            assertThat(distributed.exit()).as(distributed.stderr()).isEqualTo(embedded.exit());
            assertThat(comparable(lastLine(distributed))).isEqualTo(comparable(lastLine(embedded)));
            assertThat(lastLine(distributed).path("action").asText()).isEqualTo("verify");
            assertThat(distributed.stdout()).doesNotContainPattern("(?m)^\\d{8}-\\d{6}-[0-9a-z]+$");

            // a difference: the same exit 1 in both modes
            Fx.write(c.src.resolve("bulk/d0/new"), "new");
            Cluster.Run verifyE = c.runEmbedded("verify", c.srcName, c.tgt2Name, "/", "--json");
            Cluster.Run verifyD = c.run("verify", c.srcName, c.tgtName, "/", "--json");
            assertThat(verifyE.exit()).isEqualTo(1);
            assertThat(verifyD.exit()).as(verifyD.stderr()).isEqualTo(1);
            assertThat(comparable(verifyD.json())).isEqualTo(comparable(verifyE.json()));

            // --detach (and --async): the job id at once, the job runs on
            Cluster.Run detached = c.run("copy", c.srcName, c.tgtName, "/", "--async");
            assertThat(detached.exit()).as(detached.stderr()).isZero();
            assertThat(detached.stdout().strip()).matches("\\d{8}-\\d{6}-[0-9a-z]+");
            Cluster.Run both = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--detach");
            assertThat(both.exit()).isEqualTo(2);
            assertThat(both.stderr()).contains("--wait and --detach");
            Cluster.Run embeddedDetach = c.runEmbedded("copy", c.srcName, c.tgt2Name, "/", "--detach");
            assertThat(embeddedDetach.exit()).isEqualTo(2);
            assertThat(embeddedDetach.stderr()).contains("--detach is for distributed mode");
            assertThat(c.runEmbedded("copy", c.srcName, c.tgt2Name, "/", "--wait").exit()).isZero();
        }
    }

    @Test
    void statusAnswersAnIdFromTheFutureAtOnce() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Cluster.Run r = c.run("status", "20991231-000000-abcd");
            assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
            assertThat(r.stderr()).contains("no job '20991231-000000-abcd'").doesNotContain("could not read");
        }
    }

    @Test
    void ctrlCOnAWaitingClientOnlyDetachesAndStatusFollowsTheJob() throws Exception {
        try (Cluster c = new Cluster(tmp, "files_per_task = 5", false)) {
            slowTree(c.src);
            c.startWorker("--bwlimit", "1M");
            c.awaitConnected(1);
            Process client = c.start("copy", c.srcName, c.tgtName, "/");
            String job = c.submittedJob(client);
            Fx.awaitRegularFiles(c.dst, 5);

            Cluster.signal(client, "INT");
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).isEqualTo(130);
            assertThat(c.stderr(client)).contains("the job goes on: pdm status " + job + ", pdm cancel " + job);

            Cluster.Run running = c.run("status", job);
            assertThat(running.exit()).as(running.stdout() + running.stderr()).isEqualTo(3);
            assertThat(running.stdout()).contains("state: running").contains("in the queue)").contains("so far: ");
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> c.run("status", job).exit() != 3);
            Cluster.Run done = c.run("status", job, "--json");
            assertThat(done.exit()).isZero();
            assertThat(done.json().path("state").asText()).isEqualTo("done");
            TreeComparer.assertSameTree(c.src, c.dst);
        }
    }

    @Test
    void cancelMidCopyStopsTheJobLeavesNoTempFileAndTheNextCopyFinishesExactly() throws Exception {
        try (Cluster c = new Cluster(tmp, "files_per_task = 5", false)) {
            slowTree(c.src);
            c.startWorker("--bwlimit", "2M");
            c.awaitConnected(1);
            Process client = c.start("copy", c.srcName, c.tgtName, "/", "--json");
            String job = c.submittedJob(client);
            Fx.awaitRegularFiles(c.dst, 5);

            Cluster.Run cancel = c.run("cancel", job);
            assertThat(cancel.exit()).as(cancel.stderr()).isZero();
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).isEqualTo(130);
            assertThat(c.stderr(client)).contains("cancelled by ").contains("@" + Hosts.name());

            Cluster.Run status = c.run("status", job, "--json");
            assertThat(status.exit()).isEqualTo(4);
            assertThat(status.json().path("state").asText()).isEqualTo("cancelled");
            assertThat(status.json().path("cancelled_by").asText()).endsWith("@" + Hosts.name());
            assertThat(status.json().path("files_copied").asLong()).isPositive();
            assertThat(c.run("cancel", job).exit()).as("already over").isEqualTo(1);
            assertThat(c.run("cancel", "20991231-000000-abcd").exit()).isEqualTo(2);

            // the worker drops what is queued of it, the running task finishes: no temp file, the copy stops short
            await().atMost(Duration.ofMinutes(2)).until(() -> c.workerLog(1).contains("the job is cancelled"));
            await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> Fx.pdmTempFiles(c.dst) == 0);
            assertThat(Fx.count(c.dst)).isLessThan(Fx.count(c.src));

            Cluster.Run again = c.run("copy", c.srcName, c.tgtName, "/", "--json");
            assertThat(again.exit()).as(again.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();
        }
    }

    /** 36 dirs of 20 files of 24 KiB: about 17 MiB, several seconds at the worker's --bwlimit. */
    private static void slowTree(Path root) throws IOException {
        for (int d = 0; d < 36; d++) {
            for (int f = 0; f < 20; f++) {
                Fx.write(root.resolve("d" + d + "/f" + f), Fx.random(24 << 10, d * 100L + f));
            }
        }
    }

    /** {@code sh -c 'A && B'}, as a user's script runs them. */
    private static Cluster.Run sh(Cluster c, List<String> first, List<String> second, boolean noBroker)
            throws IOException, InterruptedException {
        String script = quote(first) + " && " + quote(second);
        Path out = Files.createTempFile(c.dir, "sh", ".out");
        Path err = Files.createTempFile(c.dir, "sh", ".err");
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (noBroker) {
            pb.environment().remove("PDM_RABBITMQ");
        }
        return Cluster.finish(pb.start(), out, err);
    }

    private static String quote(List<String> cmd) {
        return cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }

    private static JsonNode lastLine(Cluster.Run r) throws IOException {
        List<String> lines = new ArrayList<>(r.stdout().lines().toList());
        assertThat(lines).as(r.stderr()).isNotEmpty();
        return new ObjectMapper().readTree(lines.get(lines.size() - 1));
    }

    private static JsonNode comparable(JsonNode summary) {
        ObjectNode o = summary.deepCopy();
        o.remove(List.of("job", "target", "seconds"));
        return o;
    }
}

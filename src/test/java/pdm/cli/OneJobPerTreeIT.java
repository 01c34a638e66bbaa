package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * One job at a time per tree, and a cancel that stops a running copy (issue 19), with a real
 * broker and real worker processes: the broker's log decides the order, not the submitters.
 */
class OneJobPerTreeIT {
    @TempDir
    Path tmp;

    @Test
    void overlappingJobsRunOneAfterTheOtherAndNoQueueRefuses() throws Exception {
        try (Cluster c = new Cluster(tmp, "files_per_task = 5", false)) {
            tree(c.src.resolve("a"), 20);
            tree(c.src.resolve("b"), 6);
            c.startWorker("--bwlimit", "1M");
            c.awaitConnected(1);
            Process a = c.start("copy", c.srcName, c.tgtName, "/a");
            String jobA = c.submittedJob(a);
            Fx.awaitRegularFiles(c.dst.resolve("a"), 3);

            Cluster.Run refused = c.run("copy", c.srcName, c.tgtName, "/", "--no-queue");
            assertThat(refused.exit()).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("job " + jobA + " (copy /a) runs on an overlapping tree")
                    .contains("--no-queue");

            Process b = c.start("copy", c.srcName, c.tgtName, "/");
            String jobB = c.submittedJob(b);
            String waiting = "waiting for job " + jobA + " (copy /a) to finish";
            await().atMost(Duration.ofMinutes(1)).until(() -> c.stderr(b).contains(waiting));
            Cluster.Run queued = c.run("status", jobB, "--json");
            assertThat(queued.exit()).as(queued.stderr()).isEqualTo(3);
            assertThat(queued.json().path("state").asText()).isEqualTo("queued");
            assertThat(queued.json().path("queued_behind").asText()).isEqualTo(jobA);

            assertThat(a.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(a.exitValue()).as(c.stderr(a)).isZero();
            assertThat(b.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(b.exitValue()).as(c.stderr(b)).isZero();
            assertThat(c.stderr(b).split(Pattern.quote(waiting), -1)).as("said once").hasSize(2);
            TreeComparer.assertSameTree(c.src, c.dst);

            JsonNode sa = c.run("status", jobA, "--json").json();
            JsonNode sb = c.run("status", jobB, "--json").json();
            assertThat(sb.path("queued_behind").asText()).isEqualTo(jobA);
            assertThat(time(sb, "started")).as("B's first task came after A's last").isAfterOrEqualTo(time(sa, "ended"));
        }
    }

    @Test
    void disjointJobsRunSideBySide() throws Exception {
        try (Cluster c = new Cluster(tmp, "files_per_task = 5", false)) {
            tree(c.src.resolve("a"), 8);
            tree(c.src.resolve("b"), 8);
            c.startWorker("--bwlimit", "1M");
            c.awaitConnected(1);
            Process a = c.start("copy", c.srcName, c.tgtName, "/a");
            Process b = c.start("copy", c.srcName, c.tgtName, "/b");
            String jobA = c.submittedJob(a);
            String jobB = c.submittedJob(b);
            assertThat(a.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(b.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(a.exitValue()).as(c.stderr(a)).isZero();
            assertThat(b.exitValue()).as(c.stderr(b)).isZero();
            assertThat(c.stderr(a) + c.stderr(b)).doesNotContain("waiting for job");
            TreeComparer.assertSameTree(c.src.resolve("a"), c.dst.resolve("a"));
            TreeComparer.assertSameTree(c.src.resolve("b"), c.dst.resolve("b"));

            JsonNode sa = c.run("status", jobA, "--json").json();
            JsonNode sb = c.run("status", jobB, "--json").json();
            assertThat(sa.has("queued_behind") || sb.has("queued_behind")).isFalse();
            // each began before the other ended: they ran at once
            assertThat(time(sa, "started")).isBefore(time(sb, "ended"));
            assertThat(time(sb, "started")).isBefore(time(sa, "ended"));
        }
    }

    @Test
    void cancelStopsACopyMidFileRemovesWhatItWroteAndTheNextCopyFinishesExactly() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("d/big"), Fx.random(64 << 20, 7));
            Fx.write(c.src.resolve("d/small"), "small");
            c.startWorker("--bwlimit", "2M"); // 32 s for the big file: the cancel comes long before
            c.awaitConnected(1);
            Process client = c.start("copy", c.srcName, c.tgtName, "/");
            String job = c.submittedJob(client);
            // (a new file below split_size is written under its own name: docs/spec.md, safety rule 3)
            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions().until(() -> Files.exists(c.dst.resolve("d/big")));

            Cluster.Run cancel = c.run("cancel", job);
            assertThat(cancel.exit()).as(cancel.stderr()).isZero();
            assertThat(client.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(client.exitValue()).isEqualTo(130);

            await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions().until(() -> Fx.pdmTempFiles(c.dst) == 0);
            assertThat(c.dst.resolve("d/big")).as("stopped mid-file, not finished").doesNotExist();
            Cluster.Run status = c.run("status", job, "--json");
            assertThat(status.exit()).isEqualTo(4);
            assertThat(status.json().path("state").asText()).isEqualTo("cancelled");

            Cluster.Run again = c.run("copy", c.srcName, c.tgtName, "/", "--json");
            assertThat(again.exit()).as(again.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(Fx.pdmTempFiles(c.dst)).isZero();
        }
    }

    @Test
    void embeddedPassesWithABrokerConfiguredTakeTheirTurnAndADeadOneFreesItsTree() throws Exception {
        try (Cluster c = new Cluster(tmp, "files_per_task = 5\n[rabbitmq]\nconnect_string = \"" + Broker.URI + "\"",
                false)) {
            tree(c.src.resolve("a"), 20);
            tree(c.src.resolve("b"), 24); // about 20 s for the embedded pass at 500k/s: killed long before
            c.startWorker("--bwlimit", "1M");
            c.awaitConnected(1);
            Process a = c.start("copy", c.srcName, c.tgtName, "/a");
            String jobA = c.submittedJob(a);
            Fx.awaitRegularFiles(c.dst.resolve("a"), 3);

            // directories, the broker from the config: an embedded pass, on the tree of the filesystem holding them
            Map<String, String> noEnv = Map.of("PDM_RABBITMQ", "");
            Process e = c.startAt(null, noEnv, "copy", c.src.toString(), c.dst.toString(), "/a/d3", "--json");
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> c.stderr(e).contains("waiting for job " + jobA + " (copy /a) to finish"));
            assertThat(e.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(e.exitValue()).as(c.stderr(e)).isZero();
            String jobE = new ObjectMapper().readTree(c.stdout(e).strip()).path("job").asText();
            JsonNode se = c.run("status", jobE, "--json").json();
            assertThat(se.path("state").asText()).isEqualTo("done");
            assertThat(se.path("queued_behind").asText()).isEqualTo(jobA);
            assertThat(time(se, "started")).isAfterOrEqualTo(time(c.run("status", jobA, "--json").json(), "ended"));
            assertThat(a.waitFor(3, TimeUnit.MINUTES)).isTrue();

            // an embedded pass killed mid-copy holds its tree no longer: the tracker sees its process gone
            Process f = c.startAt(null, noEnv, "copy", c.src.toString(), c.dst.toString(), "/b", "--bwlimit", "500k");
            Fx.awaitRegularFiles(c.dst.resolve("b"), 3);
            String jobF = null;
            for (JsonNode j : c.run("status", "--json").json()) {
                if (j.path("embedded").asBoolean() && j.path("state").asText().equals("running")) {
                    jobF = j.path("job").asText();
                }
            }
            assertThat(jobF).as("the running embedded pass is in the log").isNotNull();
            Cluster.Run notHere = c.run("cancel", jobF);
            assertThat(notHere.exit()).isEqualTo(1);
            assertThat(notHere.stderr()).contains("is an embedded pass");
            // a distributed job waits behind the live embedded pass, and goes on once that process is killed
            Process all = c.start("copy", c.srcName, c.tgtName, "/");
            String waitingForF = "waiting for job " + jobF + " (copy /b) to finish";
            await().atMost(Duration.ofMinutes(1)).until(() -> c.stderr(all).contains(waitingForF));
            f.destroyForcibly().waitFor();
            assertThat(all.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(all.exitValue()).as(c.stderr(all)).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            JsonNode sf = c.run("status", jobF, "--json").json();
            assertThat(sf.path("state").asText()).isEqualTo("cancelled");
            assertThat(sf.path("cancelled_by").asText()).contains("is gone");
        }
    }

    /** {@code dirs} dirs of 20 files of 24 KiB, several seconds at the worker's --bwlimit. */
    private static void tree(Path root, int dirs) throws IOException {
        for (int d = 0; d < dirs; d++) {
            for (int f = 0; f < 20; f++) {
                Fx.write(root.resolve("d" + d + "/f" + f), Fx.random(24 << 10, root.hashCode() + d * 100L + f));
            }
        }
    }

    private static Instant time(JsonNode status, String field) {
        assertThat(status.has(field)).as(field + " in " + status).isTrue();
        return Instant.parse(status.path(field).asText());
    }

}

package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.Hosts;
import pdm.metrics.Exposition;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/**
 * Distributed mode against the real RabbitMQ, with real worker processes from target/pdm.jar:
 * exact copies by several workers, a worker SIGKILLed and the broker restarted mid-job, poison
 * messages, graceful stops, hard links across workers, and embedded/distributed equality.
 */
class DistributedIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void threeWorkersCopyARichTreeExactly() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            RichTree.build(c.src, true);
            c.startConnectedWorkers(3);

            Cluster.Run r = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.json().path("files_failed").asLong()).isZero();
            assertThat(r.json().path("files_copied").asLong()).isPositive();
            TreeComparer.assertSameTree(c.src, c.dst);

            Cluster.Run again = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(again.json().path("files_copied").asLong()).as("a second copy copies nothing").isZero();
        }
    }

    @Test
    void aWorkerKilledMidJobLosesNothing() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            bulkTree(c.src, 40, 60, 64 * 1024);
            c.startConnectedWorkers(3);

            Process job = c.start("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            awaitFilesIn(c.dst, 300);
            c.workers().get(0).destroyForcibly(); // SIGKILL, mid-task
            c.startWorker(); // and one joins while the job runs
            Cluster.Run r = Cluster.finish(job, lastOut(c), lastErr(c));

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
        }
    }

    @Test
    void theJobCompletesAcrossABrokerRestart() throws Exception {
        Broker.requireControl();
        try (Cluster c = new Cluster(tmp)) {
            bulkTree(c.src, 40, 60, 64 * 1024);
            c.startConnectedWorkers(2);

            Process job = c.start("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            awaitFilesIn(c.dst, 300);
            Broker.ctl("stop_app");
            Broker.ctl("start_app");
            Cluster.Run r = Cluster.finish(job, lastOut(c), lastErr(c));

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(c.workerLog(1)).contains("reconnecting");
        }
    }

    /** Issue 8's guards hold for the whole job, whichever worker runs which task. */
    @Test
    void removalGuardsHoldForTheWholeJob() throws Exception {
        try (Cluster c = new Cluster(tmp); Connection conn = Broker.connect()) {
            Fx.write(c.src.resolve("keep/a.txt"), "a");
            Fx.write(c.src.resolve("x"), "now a file");
            Fx.mkdirs(c.src.resolve("empty"));
            c.startConnectedWorkers(2);
            assertThat(c.run("copy", c.srcName, c.tgtName, "/keep", "--wait").exit()).isZero();
            for (int i = 0; i < 30; i++) {
                Fx.write(c.dst.resolve("keep/gone" + i), "g");
            }
            Fx.write(c.dst.resolve("x/sub/p.txt"), "precious");
            Fx.write(c.dst.resolve("empty/full"), "f");

            Cluster.Run copy = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(copy.exit()).as(copy.stderr()).isEqualTo(1);
            assertThat(copy.json().path("not_replaced").asLong()).isEqualTo(1);
            assertThat(c.dst.resolve("x/sub/p.txt")).hasContent("precious");

            Cluster.Run capped = c.run("delete", c.srcName, c.tgtName, "/keep", "--max-delete", "5", "--wait", "--json");

            assertThat(capped.exit()).as(capped.stderr()).isEqualTo(1);
            assertThat(capped.json().path("files_removed").asLong()).isEqualTo(5);
            assertThat(capped.json().path("removals_skipped").asLong()).isPositive();
            assertThat(Fx.count(c.dst.resolve("keep"))).isEqualTo(1 + 30 - 5);
            String budget = RemovalBudgets.queue(capped.json().path("job").asText());
            await().atMost(Duration.ofSeconds(30)).until(() -> !queueExists(conn, budget));

            Cluster.Run empty = c.run("sync", c.srcName, c.tgtName, "/empty", "--wait");

            assertThat(empty.exit()).as(empty.stderr()).isEqualTo(2);
            assertThat(empty.stderr()).contains("is empty but the target's is not");
            assertThat(c.dst.resolve("empty/full")).exists();
        }
    }

    private static boolean queueExists(Connection conn, String queue) throws IOException {
        try (Channel ch = conn.createChannel()) {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false;
        } catch (TimeoutException e) {
            throw new IOException(e);
        }
    }

    @Test
    void poisonMessagesGoToTheDeadLetterQueueWithTheirReason() throws Exception {
        try (Cluster c = new Cluster(tmp); Connection conn = Broker.connect()) {
            Channel ch = conn.createChannel();
            Topology.declareCommon(ch);
            Topology.declarePair(ch, c.srcName, c.tgtName, 1);
            // A private copy of everything dead-lettered (pdm.dead is a fanout exchange).
            String mine = ch.queueDeclare().getQueue();
            ch.queueBind(mine, Topology.DEAD, "");
            String dirQueue = Topology.dirQueue(c.srcName, c.tgtName);
            publish(ch, dirQueue, "{not json at all".getBytes(StandardCharsets.UTF_8));
            publish(ch, dirQueue, validDirTask(c, "../../etc"));
            publish(ch, dirQueue, validDirTask(c, "x").replace("\"v\":1", "\"v\":99"));
            String otherPair = validDirTask(c, "x").replace("\"src\":\"" + c.srcName + "\"", "\"src\":\"elsewhere\"");
            publish(ch, dirQueue, otherPair);
            c.startConnectedWorkers(1);

            List<String> reasons = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                GetResponse g = ch.basicGet(mine, true);
                if (g != null) {
                    reasons.add(String.valueOf(g.getProps().getHeaders().get(Topology.REASON_HEADER)));
                    assertThat(String.valueOf(g.getProps().getHeaders().get(Topology.QUEUE_HEADER))).isEqualTo(dirQueue);
                }
                return reasons.size() == 4;
            });

            assertThat(reasons).anyMatch(r -> r.startsWith("not JSON"))
                    .anyMatch(r -> r.contains("'..'"))
                    .anyMatch(r -> r.contains("version 99 is not supported"))
                    .anyMatch(r -> r.contains("acts only on its own filesystems"));
            assertThat(c.workers().get(0).isAlive()).as("no crash loop: the worker carries on").isTrue();
            assertThat(ch.queueDeclarePassive(dirQueue).getMessageCount()).isZero();
        }
    }

    @Test
    void sighupAndSigtermStopAWorkerGracefullyWithExit0EvenMidJob() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            bulkTree(c.src, 20, 60, 64 * 1024);
            c.startConnectedWorkers(2);

            Process job = c.start("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            awaitFilesIn(c.dst, 200);
            Process first = c.workers().get(0);
            Cluster.signal(first, "HUP");
            assertThat(first.waitFor(120, TimeUnit.SECONDS)).as("worker stops after SIGHUP").isTrue();
            assertThat(first.exitValue()).isZero();
            assertThat(c.workerLog(1)).contains("stopped");

            Cluster.Run r = Cluster.finish(job, lastOut(c), lastErr(c));
            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);

            Process second = c.workers().get(1);
            Cluster.signal(second, "TERM");
            assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(second.exitValue()).isZero();
        }
    }

    @Test
    void embeddedAndDistributedRunsGiveIdenticalTreesAndSummaries() throws Exception {
        try (Cluster c = new Cluster(tmp, "", true)) {
            RichTree.build(c.src, false);
            c.startConnectedWorkers(2);

            Cluster.Run embedded = c.runEmbedded("sync", c.srcName, c.tgt2Name, "/", "--json");
            Cluster.Run distributed = c.run("sync", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(embedded.exit()).as(embedded.stderr()).isZero();
            assertThat(distributed.exit()).as(distributed.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            TreeComparer.assertSameTree(c.dst2, c.dst);
            assertThat(comparable(distributed.json())).isEqualTo(comparable(embedded.json()));

            Cluster.Run verifyE = c.runEmbedded("verify", c.srcName, c.tgt2Name, "/", "--json");
            Cluster.Run verifyD = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(verifyD.exit()).as(verifyD.stdout()).isZero();
            assertThat(comparable(verifyD.json())).isEqualTo(comparable(verifyE.json()));
        }
    }

    @Test
    void hardLinksAcrossTopLevelDirsSurviveAThreeWorkerCopy() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            for (int g = 0; g < 40; g++) {
                Path first = Fx.write(c.src.resolve("top-" + (g % 5) + "/group-" + g), Fx.random(1000 + g, g));
                for (int n = 1; n < 4; n++) {
                    Path other = c.src.resolve("top-" + ((g + n) % 5) + "/sub-" + n + "/link-" + g);
                    Files.createDirectories(other.getParent());
                    Files.createLink(other, first);
                }
            }
            bulkTree(c.src.resolve("bulk"), 10, 30, 4096);
            c.startConnectedWorkers(3);

            Cluster.Run r = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst); // compares hard-link groups too
            assertThat(Fx.inode(c.dst.resolve("top-1/sub-1/link-0"))).isEqualTo(Fx.inode(c.dst.resolve("top-0/group-0")));
            try (Stream<Path> s = Files.list(c.dst)) {
                assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pdm-"));
            }
        }
    }

    @Test
    void statusShowsAJobAfterItsClientHasGoneAndListsItsFailures() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("ok/a"), "a");
            Fx.write(c.src.resolve("ok/b"), "b");
            Path locked = Fx.write(c.src.resolve("locked/secret"), "s");
            Fx.chmod(locked, 0);
            Fx.write(c.dst.resolve("locked/secret"), "old and different");
            exec("chattr", "+i", c.dst.resolve("locked/secret").toString());
            try {
                c.startConnectedWorkers(1);
                // (--no-flags: with flags kept, pdm unlocks an immutable target to update it, AttributesDistributedIT)
                Cluster.Run submitted = c.run("copy", c.srcName, c.tgtName, "/", "--no-flags", "--detach");
                assertThat(submitted.exit()).as(submitted.stderr()).isZero();
                String job = submitted.stdout().strip();
                assertThat(job).matches("\\d{8}-\\d{6}-[0-9a-z]+");

                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500))
                        .until(() -> c.run("status", job).exit() != 3);
                Cluster.Run status = c.run("status", job, "--json");
                JsonNode s = status.json();
                assertThat(s.path("state").asText()).isEqualTo("done");
                assertThat(s.path("files_copied").asLong()).isEqualTo(2);
                assertThat(s.path("files_failed").asLong()).isEqualTo(1);
                assertThat(status.exit()).isEqualTo(1);

                Cluster.Run failures = c.run("status", job, "--failures");
                assertThat(failures.stdout()).contains("locked/secret").contains("ermi"); // Operation not permitted
                Cluster.Run all = c.run("status");
                assertThat(all.stdout()).contains(job);
            } finally {
                exec("chattr", "-i", c.dst.resolve("locked/secret").toString());
            }
        }
    }

    @Test
    void aWorkerTakesNoWorkWhileAMountTrueFilesystemIsNotMounted() throws Exception {
        Path target = Files.createDirectories(tmp.resolve("mnt"));
        try (Cluster c = new Cluster(tmp.resolve("c"), "", false, target)) {
            Fx.write(c.src.resolve("a/file"), "data");
            int metrics = Exposition.freePort();
            c.startWorker("--metrics-port", Integer.toString(metrics));
            c.awaitConnected(1);

            // a client that sees the unmounted target refuses the job itself, before submitting it
            Cluster.Run here = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(here.exit()).as(here.stderr()).isEqualTo(2);
            assertThat(here.stderr()).contains("is not a mount point on this node").doesNotContain("submitted");

            // a client that does not see it (a submit node without the filesystems) leaves it to the workers
            Path clientConfig = tmp.resolve("client.toml");
            Files.writeString(clientConfig, Files.readString(c.config)
                    .replace("\"" + target + "\"", "\"" + tmp.resolve("not-on-this-client") + "\""));
            List<String> cmd = new ArrayList<>(c.pdm("copy", c.srcName, c.tgtName, "/", "--wait", "--json"));
            cmd.set(cmd.indexOf(c.config.toString()), clientConfig.toString());
            Path out = tmp.resolve("client.out");
            Path err = tmp.resolve("client.err");
            Process job = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            await().atMost(Duration.ofSeconds(30)).until(() -> c.workerLog(1).contains("is not mounted"));
            assertThat(Exposition.scrape(metrics)).as("the worker's metrics say why it is idle")
                    .containsEntry("pdm_worker_pairs_paused{node=\"" + Hosts.name() + "\",worker=\""
                            + Hosts.name() + ":" + c.workers().get(0).pid() + "\"}", 1.0);
            Thread.sleep(3000);
            assertThat(job.isAlive()).as("nothing is done while the target is not mounted").isTrue();
            try (Stream<Path> s = Files.list(target)) {
                assertThat(s).isEmpty();
            }

            exec("mount", "-t", "tmpfs", "-o", "size=16m", "pdm-test", target.toString());
            try {
                Cluster.Run r = Cluster.finish(job, out, err);
                assertThat(r.exit()).as(r.stderr()).isZero();
                assertThat(c.workerLog(1)).contains("mounted again");
                TreeComparer.assertSameTree(c.src, target);
            } finally {
                exec("umount", target.toString());
            }
        }
    }

    @Test
    void amqpsSpeaksTlsAndChecksTheCertificate() {
        // The test broker has no TLS listener: a TLS handshake with its plain port must fail as TLS.
        String plain = Broker.URI.replaceFirst("^amqp://", "amqps://");
        Assertions.assertThatThrownBy(() -> Rabbit.connect(BrokerUri.parse(plain), "tls test", null).close())
                .satisfies(e -> assertThat(rootCause(e)).isInstanceOfAny(SSLException.class,
                        EOFException.class, SocketException.class));
        assertThat(BrokerUri.parse(plain).tls()).isTrue();
        assertThat(BrokerUri.parse(plain).toString()).doesNotContain("guest:guest");
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    /** {@code dirs} directories of {@code files} files each, of up to {@code size} bytes. */
    static void bulkTree(Path root, int dirs, int files, int size) throws IOException {
        for (int d = 0; d < dirs; d++) {
            Path dir = Files.createDirectories(root.resolve("d" + (d % 7) + "/dir-" + d));
            for (int f = 0; f < files; f++) {
                Fx.write(dir.resolve("f" + f), Fx.random(1 + (d * 131 + f * 977) % size, d * 1000L + f));
            }
        }
    }

    private static void awaitFilesIn(Path dst, int n) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> countFiles(dst) >= n);
    }

    private static long countFiles(Path root) throws IOException {
        return Fx.regularFilesWhileChanging(root);
    }

    private Path lastOut(Cluster c) throws IOException {
        return newest(c, ".out");
    }

    private Path lastErr(Cluster c) throws IOException {
        return newest(c, ".err");
    }

    private static Path newest(Cluster c, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(c.dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith("cmd-") && p.toString().endsWith(suffix))
                    .max(Comparator.comparingInt(p -> Integer.parseInt(
                            p.getFileName().toString().replaceAll("\\D", ""))))
                    .orElseThrow();
        }
    }

    private static void exec(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", cmd) + ": " + out).isZero();
    }

    private static void publish(Channel ch, String queue, byte[] body) throws IOException {
        ch.basicPublish(Topology.TASKS, queue, MessageProperties.PERSISTENT_BASIC, body);
    }

    private static void publish(Channel ch, String queue, String body) throws IOException {
        publish(ch, queue, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String validDirTask(Cluster c, String path) {
        return "{\"v\":1,\"job\":\"poison-test\",\"task\":\"00000000000000aa\",\"action\":\"copy\",\"src\":\""
                + c.srcName + "\",\"tgt\":\"" + c.tgtName + "\",\"job_path\":\"\",\"options\":{\"dry_run\":false,"
                + "\"checksum\":false,\"single_file\":false,\"fsync\":false},\"dir\":{\"path\":\"" + path
                + "\",\"src_id\":null,\"tgt_id\":null}}";
    }

    /** A summary without what must differ between two runs: the job id, the target's name, the time. */
    private static JsonNode comparable(JsonNode summary) {
        ObjectNode o = summary.deepCopy();
        o.remove(List.of("job", "target", "seconds"));
        return o;
    }
}

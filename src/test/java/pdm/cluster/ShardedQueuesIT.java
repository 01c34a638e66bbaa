package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.RabbitNodes;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/**
 * {@code [rabbitmq] queue_shards} against a RabbitMQ cluster of two nodes of the test's own on
 * this machine: a job's tasks spread over the shards, the shards over both nodes, two workers
 * (one connected to each node) copy exactly, and a node configured with another shard count is
 * refused before it can leave shards unserved.
 */
class ShardedQueuesIT {
    @TempDir
    static Path shared;
    private static RabbitNodes rabbits;

    @BeforeAll
    static void twoClusteredNodes() throws Exception {
        rabbits = RabbitNodes.start(shared.resolve("rabbit"), 2);
    }

    @AfterAll
    static void stopThem() throws Exception {
        if (rabbits != null) {
            rabbits.close();
        }
    }

    @Test
    void twoWorkersOnTwoNodesCopyExactlyOverFourShardsOnBothNodes(@TempDir Path tmp) throws Exception {
        try (Cluster c = new Cluster(tmp, "files_per_task = 40\n[rabbitmq]\nqueue_shards = 4", false);
             Connection conn = Rabbit.connect(BrokerUri.parse(rabbits.uri(0)), "pdm test", null)) {
            RichTree.build(c.src, false);
            DistributedIT.bulkTree(c.src, 30, 40, 4096);
            // The firehose copies every publish to amq.rabbitmq.trace, with the routing keys it had.
            rabbits.ctl(rabbits.node(0), "trace_on");
            rabbits.ctl(rabbits.node(1), "trace_on");
            Channel trace = conn.createChannel();
            String traced = trace.queueDeclare("", false, true, true, null).getQueue();
            trace.queueBind(traced, "amq.rabbitmq.trace", "publish." + Topology.TASKS);
            c.startWorkerAt(rabbits.uri(0));
            c.startWorkerAt(rabbits.uri(1));
            c.awaitConnected(1);
            c.awaitConnected(2);

            Cluster.Run r = c.runAt(rabbits.uri(1), Map.of(), "copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(r.exit()).as(r.stderr()).isZero();
            assertThat(r.json().path("files_failed").asLong()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);

            // Shards on both nodes of the RabbitMQ cluster.
            List<String> shards = new ArrayList<>(Topology.dirQueues(c.srcName, c.tgtName, 4));
            shards.addAll(Topology.fileQueues(c.srcName, c.tgtName, 4));
            Map<String, String> nodeOf = queueNodes();
            assertThat(nodeOf).containsKeys(shards.toArray(String[]::new))
                    .doesNotContainKeys(Topology.dirQueue(c.srcName, c.tgtName), Topology.fileQueue(c.srcName, c.tgtName));
            TreeSet<String> hosting = new TreeSet<>();
            shards.forEach(q -> hosting.add(nodeOf.get(q)));
            assertThat(hosting).as("nodes hosting the shards: %s", nodeOf)
                    .containsExactlyInAnyOrder(rabbits.node(0), rabbits.node(1));

            // Messages went to several shards, and none to an unsharded dir or file queue.
            Map<String, Integer> published = new TreeMap<>();
            for (GetResponse g; (g = trace.basicGet(traced, true)) != null; ) {
                Object keys = g.getProps().getHeaders().get("routing_keys");
                for (Object k : (List<?>) keys) {
                    published.merge(k.toString(), 1, Integer::sum);
                }
            }
            System.out.println("shard queues on nodes: " + nodeOf + "; task messages per routing key: " + published);
            assertThat(published.keySet()).as("routing keys of task messages")
                    .doesNotContain(Topology.dirQueue(c.srcName, c.tgtName), Topology.fileQueue(c.srcName, c.tgtName));
            assertThat(published.keySet().stream().filter(shards::contains).count()).as("shards used: %s", published)
                    .isGreaterThanOrEqualTo(3);
        }
    }

    @Test
    void aNodeWithAnotherShardCountIsRefused(@TempDir Path tmp) throws Exception {
        try (Cluster c = new Cluster(tmp, "[rabbitmq]\nqueue_shards = 4", false)) {
            c.startWorkerAt(rabbits.uri(0)); // records 4 for the pair
            c.awaitConnected(1);
            Path two = Files.writeString(tmp.resolve("two.toml"),
                    Files.readString(c.config).replace("queue_shards = 4", "queue_shards = 2"));
            Path one = Files.writeString(tmp.resolve("one.toml"),
                    Files.readString(c.config).replace("queue_shards = 4", ""));

            Cluster.Run worker = run(c, two, "worker");
            assertThat(worker.exit()).as(worker.stdout() + worker.stderr()).isEqualTo(2);
            assertThat(worker.stdout() + worker.stderr()).contains("queue_shards = 2", "sharded 4 way",
                    Topology.shardsMarker(c.srcName, c.tgtName));

            Cluster.Run submit = run(c, one, "copy", c.srcName, c.tgtName, "/", "--wait");
            assertThat(submit.exit()).as(submit.stderr()).isEqualTo(2);
            assertThat(submit.stderr()).contains("queue_shards = 1", "sharded 4 way");
            assertThat(c.workers().get(0).isAlive()).as("the worker that agrees serves on").isTrue();
        }
    }

    @Test
    void tasksLeftInTheUnshardedQueuesRefuseAShardedStart(@TempDir Path tmp) throws Exception {
        try (Cluster c = new Cluster(tmp, "[rabbitmq]\nqueue_shards = 4", false);
             Connection conn = Rabbit.connect(BrokerUri.parse(rabbits.uri(0)), "pdm test", null)) {
            Channel ch = conn.createChannel();
            String old = Topology.fileQueue(c.srcName, c.tgtName); // as queue_shards = 1 left it
            ch.queueDeclare(old, true, false, false, null);
            ch.basicPublish("", old, null, "a batch of an older job".getBytes(StandardCharsets.UTF_8));

            Cluster.Run worker = run(c, c.config, "worker");

            assertThat(worker.exit()).as(worker.stdout() + worker.stderr()).isEqualTo(2);
            assertThat(worker.stdout() + worker.stderr()).contains(old + " still holds 1 task message");
        }
    }

    @Test
    void waitingForAShardedJobNoWorkerServesNamesAShardWithoutConsumer(@TempDir Path tmp) throws Exception {
        try (Cluster c = new Cluster(tmp, "[rabbitmq]\nqueue_shards = 4", false)) {
            Files.writeString(c.src.resolve("file"), "data");
            Process wait = c.startAt(rabbits.uri(0), Map.of("JAVA_TOOL_OPTIONS", "-D" + JobLog.NO_WORKER_HINT_MS
                    + "=1000"), "copy", c.srcName, c.tgtName, "/", "--wait");
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> c.stderr(wait).contains("no worker is consuming") || !wait.isAlive());

            assertThat(c.stderr(wait)).contains("pdm: no worker is consuming "
                    + Topology.dirQueues(c.srcName, c.tgtName, 4).get(0) + " (0 consumers)");
        }
    }

    /** {@code pdm ARGS} against node 1 with another config file than the cluster's, bounded. */
    private static Cluster.Run run(Cluster c, Path config, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(c.pdmAt(rabbits.uri(1), args));
        cmd.set(cmd.indexOf(c.config.toString()), config.toString());
        Path out = Files.createTempFile(c.dir, "refused", ".out");
        Path err = Files.createTempFile(c.dir, "refused", ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return Cluster.finish(p, out, err);
    }

    /** Each queue's node, from where its process runs ({@code pid} is {@code <node.x.y.z>}). */
    private static Map<String, String> queueNodes() throws Exception {
        Map<String, String> out = new TreeMap<>();
        for (String line : rabbits.ctl(rabbits.node(0), "list_queues", "--quiet", "--no-table-headers", "name", "pid")
                .split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 2 && f[1].startsWith("<")) {
                out.put(f[0], f[1].substring(1, f[1].indexOf('.')));
            }
        }
        return out;
    }
}

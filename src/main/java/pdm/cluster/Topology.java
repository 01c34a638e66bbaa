package pdm.cluster;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pdm.config.PdmConfig;
import pdm.task.FileTask;

/**
 * The broker objects pdm uses, as in sdsc/pdm (the Go tool pdm replaces) plus what exactness needs: topic exchange
 * {@code tasks} with durable queues {@code dir.SRC.TGT}, {@code file.SRC.TGT} and the hard-link
 * queues {@code link.SRC.TGT.0..3} (single active consumer, so one consumer sees every name of
 * an inode); {@code pdm.dead} for messages no worker can act on; the stream {@code pdm.events}
 * that job tracking folds; {@code pdm.tracker}, an exclusive queue held by the one worker
 * that acts as tracker; and {@code pdm.tracker.checkpoint}, where that worker notes from which
 * offset of the log a successor must read.
 *
 * <p>With {@code [rabbitmq] queue_shards = N > 1} the dir and file queues of a pair are
 * {@code dir.SRC.TGT.0..N-1} and {@code file.SRC.TGT.0..N-1}, durable classic queues like the others,
 * placed so that a RabbitMQ cluster spreads them over its nodes (see {@link #PLACEMENTS});
 * a message goes to shard {@link #shardOf} of its first task's id. N is the broker's, per pair:
 * the empty queue {@code pdm.shards.SRC.TGT} is declared with {@code x-max-length = N}, and a node
 * whose config says otherwise is refused (see {@link #requireShards}), since a worker consuming
 * fewer shards than the others publish to would leave tasks unserved.
 */
public final class Topology {
    public static final String TASKS = "tasks";
    public static final String DEAD = "pdm.dead";
    public static final String EVENTS = "pdm.events";
    public static final String TRACKER_LOCK = "pdm.tracker";
    /** The newest tracker checkpoint only (max length 1): where in the event log a new tracker starts. */
    public static final String CHECKPOINT = "pdm.tracker.checkpoint";
    /** The monitors' saved fold (max-length 1), so a restarted monitor need not read the whole log. */
    public static final String MONITOR_SNAPSHOT = "pdm.monitor.snapshot";
    /** Fanout exchange of worker heartbeats; each monitor binds a queue of its own. */
    public static final String STATS = "pdm.stats";
    /** Dead-letter headers: why, from which queue, on which worker. */
    public static final String REASON_HEADER = "x-pdm-reason";
    public static final String QUEUE_HEADER = "x-pdm-queue";
    public static final String NODE_HEADER = "x-pdm-node";

    /** Prefix of the per-pair marker queues that hold the pair's shard count as their x-max-length. */
    public static final String SHARDS_MARKER = "pdm.shards.";
    /** A shard of a dir or file queue: group 1 is the unsharded name (filesystem names have no dots). */
    private static final Pattern SHARD = Pattern.compile("((?:dir|file)\\.[^.]+\\.[^.]+)\\.(\\d+)");

    private Topology() {
    }

    /** The dir queues of a pair: today's one name when {@code shards} is 1. */
    public static List<String> dirQueues(String src, String tgt, int shards) {
        return sharded(dirQueue(src, tgt), shards);
    }

    /** The file queues of a pair: today's one name when {@code shards} is 1. */
    public static List<String> fileQueues(String src, String tgt, int shards) {
        return sharded(fileQueue(src, tgt), shards);
    }

    /** Every task queue of a pair: its dir and file queues (or their shards) and its link queues. */
    public static List<String> pairQueues(String src, String tgt, int shards) {
        List<String> out = new ArrayList<>(dirQueues(src, tgt, shards));
        out.addAll(fileQueues(src, tgt, shards));
        for (int i = 0; i < FileTask.LINK_SHARDS; i++) {
            out.add(linkQueue(src, tgt, i));
        }
        out.add(rangeQueue(src, tgt));
        return out;
    }

    private static List<String> sharded(String queue, int shards) {
        if (shards == 1) {
            return List.of(queue);
        }
        List<String> out = new ArrayList<>(shards);
        for (int k = 0; k < shards; k++) {
            out.add(queue + "." + k);
        }
        return out;
    }

    /**
     * The shard, 0..shards-1, of a message whose first task has this id: a murmur3 finalizer over
     * Java's {@link String#hashCode()} (which the language fixes), so every node and every version
     * picks the same shard, and ids that differ only in their last characters still spread.
     */
    public static int shardOf(String taskId, int shards) {
        int h = taskId.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return Math.floorMod(h, shards);
    }

    /**
     * The queue a message goes to: its dir or file queue's shard for the message's first task id;
     * link queues (routed by inode, one consumer each) and unsharded pairs keep their one name.
     */
    public static String shardedKey(String queue, String firstTaskId, int shards) {
        if (shards == 1 || queue.startsWith("link.") || queue.startsWith("range.")) {
            return queue;
        }
        return queue + "." + shardOf(firstTaskId, shards);
    }

    /** The unsharded name of a shard queue ({@code file.a.b.3} is {@code file.a.b}); other names as they are. */
    public static String unsharded(String queue) {
        Matcher m = SHARD.matcher(queue);
        return m.matches() ? m.group(1) : queue;
    }

    public static String shardsMarker(String src, String tgt) {
        return SHARDS_MARKER + src + "." + tgt;
    }

    public static String dirQueue(String src, String tgt) {
        return "dir." + src + "." + tgt;
    }

    public static String fileQueue(String src, String tgt) {
        return "file." + src + "." + tgt;
    }

    public static String linkQueue(String src, String tgt, int shard) {
        return "link." + src + "." + tgt + "." + shard;
    }

    /**
     * The ranges of big files (never sharded): every file consumer of every worker takes one
     * range at a time from it (prefetch 1), so one file's ranges spread over all workers
     * instead of one worker's prefetch holding them all.
     */
    public static String rangeQueue(String src, String tgt) {
        return "range." + src + "." + tgt;
    }

    /** The routing key (= queue name) a file task goes to. */
    public static String fileKey(String src, String tgt, FileTask t) {
        int shard = t.linkShard();
        return shard < 0 ? fileQueue(src, tgt) : linkQueue(src, tgt, shard);
    }

    /** Exchanges, the dead-letter queue and the event stream. */
    public static void declareCommon(Channel ch) throws IOException {
        ch.exchangeDeclare(TASKS, BuiltinExchangeType.TOPIC, true);
        ch.exchangeDeclare(DEAD, BuiltinExchangeType.FANOUT, true);
        declareQueue(ch, DEAD, Map.of());
        ch.queueBind(DEAD, DEAD, "");
        declareQueue(ch, EVENTS, Map.of("x-queue-type", "stream"));
        declareQueue(ch, CHECKPOINT, Map.of("x-max-length", 1));
        ch.exchangeDeclare(STATS, BuiltinExchangeType.FANOUT, true);
    }

    /** Whether a queue is one of pdm's: the task queues of every pair and the dead-letter queue. */
    public static boolean isPdmQueue(String name) {
        return name.equals(DEAD) || name.startsWith("dir.") || name.startsWith("file.") || name.startsWith("link.")
                || name.startsWith("range.");
    }

    /**
     * The task queues of one source/target pair, bound to {@code tasks} by their own names, once
     * {@link #requireShards} agreed on the pair's shard count.
     */
    public static void declarePair(Channel ch, String src, String tgt, int shards) throws IOException {
        requireShards(ch.getConnection(), src, tgt, shards);
        if (shards == 1) {
            // (no new argument on the unsharded queues: they must stay equivalent to those deployed)
            declareBound(ch, dirQueue(src, tgt), Map.of());
            declareBound(ch, fileQueue(src, tgt), Map.of());
        } else {
            List<String> all = new ArrayList<>(dirQueues(src, tgt, shards));
            all.addAll(fileQueues(src, tgt, shards));
            declareShards(ch.getConnection(), all);
        }
        for (int i = 0; i < FileTask.LINK_SHARDS; i++) {
            declareBound(ch, linkQueue(src, tgt, i), Map.of("x-single-active-consumer", true));
        }
        declareBound(ch, rangeQueue(src, tgt), Map.of());
    }

    /**
     * Makes sure every node of the broker uses the same shard count for a pair: the first
     * declares the marker {@code pdm.shards.SRC.TGT} with {@code x-max-length = shards}, and the
     * broker refuses a declare with another value (PRECONDITION_FAILED), which becomes a
     * {@link ShardsMismatch}. Before the marker is first made, tasks waiting in queues of another
     * layout (an older deployment, a marker deleted to change N) refuse it too: nobody would serve them.
     */
    static void requireShards(Connection conn, String src, String tgt, int shards) throws IOException {
        if (shards < 1 || shards > PdmConfig.MAX_QUEUE_SHARDS) {
            throw new IllegalArgumentException("queue_shards " + shards + " is not from 1 to " + PdmConfig.MAX_QUEUE_SHARDS);
        }
        String marker = shardsMarker(src, tgt);
        Channel ch = conn.createChannel();
        try {
            if (!exists(ch, marker)) {
                ch = conn.createChannel(); // (the broker closed the other one)
                refuseLeftovers(conn, src, tgt, shards);
            }
            ch.queueDeclare(marker, true, false, false, Map.of("x-max-length", shards));
        } catch (IOException e) {
            String why = Rabbit.reason(e);
            if (why.contains("PRECONDITION_FAILED")) {
                Matcher m = Pattern.compile("current is (?:the value )?'(\\d+)'").matcher(why);
                throw new ShardsMismatch(src, tgt, shards, m.find() ? m.group(1) : "another number", marker);
            }
            throw e;
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /** Whether a queue exists (passive declare); when not, the broker has closed {@code ch}. */
    private static boolean exists(Channel ch, String queue) throws IOException {
        try {
            ch.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s && !s.isHardError()
                    && s.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    private static void refuseLeftovers(Connection conn, String src, String tgt, int shards) throws IOException {
        List<String> other = new ArrayList<>();
        if (shards > 1) {
            other.add(dirQueue(src, tgt));
            other.add(fileQueue(src, tgt));
        }
        for (int k = shards == 1 ? 0 : shards; k < PdmConfig.MAX_QUEUE_SHARDS; k++) {
            other.add(dirQueue(src, tgt) + "." + k);
            other.add(fileQueue(src, tgt) + "." + k);
        }
        Channel ch = conn.createChannel();
        try {
            for (String q : other) {
                try {
                    long waiting = ch.queueDeclarePassive(q).getMessageCount();
                    if (waiting > 0) {
                        throw new ShardsMismatch(src, tgt, shards, q, waiting);
                    }
                } catch (IOException e) {
                    if (!(e.getCause() instanceof ShutdownSignalException s) || s.isHardError()) {
                        throw e;
                    }
                    ch = conn.createChannel(); // not there: the broker closed the channel
                }
            }
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /**
     * Shard queues are placed over the nodes of a RabbitMQ cluster: {@code x-queue-leader-locator =
     * balanced} where the broker takes it for classic queues, else (RabbitMQ 3.10 and 3.11 refuse it
     * for them) {@code x-queue-master-locator = min-masters}, the node with the fewest queue leaders.
     * Either is tried in turn; what one broker took is tried first from then on.
     */
    private static final List<Map<String, Object>> PLACEMENTS = List.of(
            Map.of("x-queue-leader-locator", "balanced"), Map.of("x-queue-master-locator", "min-masters"));
    private static volatile Map<String, Object> placement = PLACEMENTS.get(0);

    private static void declareShards(Connection conn, List<String> queues) throws IOException {
        Channel ch = conn.createChannel();
        try {
            for (String q : queues) {
                ch = declareShard(conn, ch, q);
            }
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    /** Declares and binds one shard queue; returns the channel to go on with (a refusal closes one). */
    private static Channel declareShard(Connection conn, Channel ch, String queue) throws IOException {
        List<Map<String, Object>> order = new ArrayList<>(PLACEMENTS);
        Map<String, Object> first = placement;
        order.remove(first);
        order.addFirst(first);
        IOException refused = null;
        for (Map<String, Object> args : order) {
            try {
                ch.queueDeclare(queue, true, false, false, args);
                ch.queueBind(queue, TASKS, queue);
                placement = args;
                return ch;
            } catch (IOException e) {
                if (!Rabbit.reason(e).contains("PRECONDITION_FAILED")) {
                    throw e;
                }
                refused = e;
                ch = conn.createChannel();
            }
        }
        throw new IOException("queue '" + queue + "' exists on the broker with other settings; when it is empty, "
                + "delete it (rabbitmqctl delete_queue " + queue + ") and start again: " + Rabbit.reason(refused),
                refused);
    }

    private static void declareBound(Channel ch, String queue, Map<String, Object> args) throws IOException {
        declareQueue(ch, queue, args);
        ch.queueBind(queue, TASKS, queue);
    }

    private static void declareQueue(Channel ch, String queue, Map<String, Object> args) throws IOException {
        try {
            ch.queueDeclare(queue, true, false, false, args);
        } catch (IOException e) {
            String why = Rabbit.reason(e);
            if (why.contains("PRECONDITION_FAILED")) {
                throw new IOException("queue '" + queue + "' exists on the broker with other settings (sdsc/pdm, "
                        + "the Go pdm this one replaces, declared its queues non-durable); when it is empty, delete it (rabbitmqctl delete_queue "
                        + queue + ") and start again: " + why, e);
            }
            throw e;
        }
    }
}

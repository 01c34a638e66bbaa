package pdm.cluster;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Map;
import pdm.task.FileTask;

/**
 * The broker objects pdm uses, as in the seed plus what exactness needs: topic exchange
 * {@code tasks} with durable queues {@code dir.SRC.TGT}, {@code file.SRC.TGT} and the hard-link
 * queues {@code link.SRC.TGT.0..3} (single active consumer, so one consumer sees every name of
 * an inode); {@code pdm.dead} for messages no worker can act on; the stream {@code pdm.events}
 * that job tracking folds; {@code pdm.tracker}, an exclusive queue held by the one worker
 * that acts as tracker; and {@code pdm.tracker.checkpoint}, where that worker notes from which
 * offset of the log a successor must read.
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

    private Topology() {
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
        return name.equals(DEAD) || name.startsWith("dir.") || name.startsWith("file.") || name.startsWith("link.");
    }

    /** The task queues of one source/target pair, bound to {@code tasks} by their own names. */
    public static void declarePair(Channel ch, String src, String tgt) throws IOException {
        declareBound(ch, dirQueue(src, tgt), Map.of());
        declareBound(ch, fileQueue(src, tgt), Map.of());
        for (int i = 0; i < FileTask.LINK_SHARDS; i++) {
            declareBound(ch, linkQueue(src, tgt, i), Map.of("x-single-active-consumer", true));
        }
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
                throw new IOException("queue '" + queue + "' exists on the broker with other settings (the seed "
                        + "declared its queues non-durable); when it is empty, delete it (rabbitmqctl delete_queue "
                        + queue + ") and start again: " + why, e);
            }
            throw e;
        }
    }
}

package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import pdm.job.EventCodec;
import pdm.job.JobEvent;
import pdm.task.DirMetaTask;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.FinishTask;
import pdm.task.RangeTask;
import pdm.task.TaskCodec;
import pdm.task.TaskMessage;

/**
 * One channel in confirm mode: persistent messages, and {@link #await()} returns only when
 * the broker has taken everything published so far (or throws). Not thread-safe: one per thread.
 */
public final class Publisher implements TaskDelivery.Outbox, AutoCloseable {
    private static final long CONFIRM_TIMEOUT_MS = 120_000;
    private final Channel ch;
    private final int shards;
    private final Set<String> declaredPairs = new HashSet<>();

    private volatile String returned;

    /** @param shards this node's {@code [rabbitmq] queue_shards}: how many dir and file queues each pair has */
    public Publisher(Connection c, int shards) throws IOException {
        this.shards = shards;
        this.ch = c.createChannel();
        ch.confirmSelect();
        // A message no queue took is returned and then confirmed: without this it would count as delivered.
        ch.addReturnListener(r -> returned = "the broker routed a message to no queue (" + r.getExchange() + " "
                + r.getRoutingKey() + ": " + r.getReplyText() + ")");
    }

    /** Makes sure a pair's queues exist: a message routed to no queue would be dropped by the exchange. */
    public void declarePair(String src, String tgt) throws IOException {
        if (declaredPairs.add(src + "\0" + tgt)) {
            Topology.declarePair(ch, src, tgt, shards);
        }
    }

    /**
     * One message with the batch: tasks of one job and pass for one queue, to its shard for the
     * first task's id (the same shard whichever node sends it again).
     */
    @Override
    public void tasks(List<TaskMessage> batch) throws IOException {
        TaskMessage m = batch.get(0);
        declarePair(m.src(), m.tgt());
        ch.basicPublish(Topology.TASKS, Topology.shardedKey(routingKey(m), m.taskId(), shards), true,
                MessageProperties.PERSISTENT_BASIC, TaskCodec.encode(batch));
    }

    /** The unsharded queue of a task: what a batch gathers by; {@link #tasks} picks the shard. */
    public static String routingKey(TaskMessage m) {
        if (m.task() instanceof FileTask f) {
            return Topology.fileKey(m.src(), m.tgt(), f);
        }
        if (m.task() instanceof RangeTask) {
            return Topology.rangeQueue(m.src(), m.tgt());
        }
        if (m.task() instanceof DirMetaTask || m.task() instanceof FinishTask) {
            return Topology.fileQueue(m.src(), m.tgt()); // short work; keeps the walk's queue for the walk
        }
        if (m.task() instanceof DirTask) {
            return Topology.dirQueue(m.src(), m.tgt());
        }
        throw new IllegalArgumentException("no queue for " + m.task());
    }

    @Override
    public void event(JobEvent e) throws IOException {
        ch.basicPublish("", Topology.EVENTS, true, MessageProperties.PERSISTENT_BASIC, EventCodec.encode(e));
    }

    /** A message no worker can act on, kept with the reason (and where it came from) in pdm.dead. */
    @Override
    public void deadLetter(byte[] body, AMQP.BasicProperties original, String queue, String node, String reason)
            throws IOException {
        Map<String, Object> headers = new HashMap<>();
        if (original != null && original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        headers.put(Topology.REASON_HEADER, reason);
        headers.put(Topology.QUEUE_HEADER, queue);
        headers.put(Topology.NODE_HEADER, node);
        AMQP.BasicProperties props = MessageProperties.PERSISTENT_BASIC.builder().headers(headers).build();
        ch.basicPublish(Topology.DEAD, "", true, props, body);
    }

    @Override
    public void await() throws IOException, InterruptedException {
        try {
            ch.waitForConfirmsOrDie(CONFIRM_TIMEOUT_MS);
        } catch (TimeoutException e) {
            throw new IOException("the broker did not confirm within " + CONFIRM_TIMEOUT_MS / 1000 + " s", e);
        }
        String r = returned;
        if (r != null) {
            returned = null;
            declaredPairs.clear(); // a queue was deleted: declare again on the next publish
            throw new IOException(r);
        }
    }

    public Channel channel() {
        return ch;
    }

    @Override
    public void close() {
        Rabbit.closeQuietly(ch);
    }
}

package pdm.cluster;

import pdm.job.LogPosition;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.job.EventCodec;
import pdm.job.JobEvent;

/**
 * Reads the event stream from an offset and hands each event to a callback, on one thread,
 * in order. Before it starts it writes a mark of its own, so it can tell when it has read
 * everything that was in the log when it started ({@link #awaitCaughtUp}).
 */
public final class EventReader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventReader.class);

    private final Channel ch;
    private final String mark = UUID.randomUUID().toString();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final CountDownLatch ended = new CountDownLatch(1);

    /** An event and its offset in the stream. */
    public interface Listener {
        void onEvent(JobEvent e, long offset);
    }

    /**
     * @param from where to start: the first event, an offset, or a time (events from the stream
     *             chunk written at or just before it, the stream's own timestamp offset)
     */
    public EventReader(Connection c, LogPosition from, Consumer<JobEvent> onEvent, Runnable onCaughtUp)
            throws IOException, InterruptedException {
        this(c, from, (e, offset) -> onEvent.accept(e), onCaughtUp);
    }

    public EventReader(Connection c, LogPosition from, Listener onEvent, Runnable onCaughtUp)
            throws IOException, InterruptedException {
        // A time after the mark below would skip the mark (the stream starts at the first chunk
        // written at or after it), and the reader would wait for ever for an end it has passed:
        // a future time reads from a minute ago (a margin for the broker's clock) instead.
        Instant latest = Instant.now().minusSeconds(60);
        if (from instanceof LogPosition.Since since && since.time().isAfter(latest)) {
            from = LogPosition.since(latest);
        }
        try (Publisher p = new Publisher(c, 1)) { // (events only: the shard count is of task queues)
            Topology.declareCommon(p.channel());
            p.event(new JobEvent.Mark(mark));
            p.await();
        }
        ch = c.createChannel();
        // Below amqp-client's per-channel dispatch queue (1000): with more in flight, a slow callback
        // would block the connection's I/O thread, and with it the confirms the callback waits for.
        ch.basicQos(500);
        Object offset = from instanceof LogPosition.At at ? (Object) at.offset()
                : from instanceof LogPosition.Since since ? Date.from(since.time()) : "first";
        ch.basicConsume(Topology.EVENTS, false, Map.of("x-stream-offset", offset),
                (tag, d) -> deliver(d, onEvent, onCaughtUp), tag -> ended.countDown(),
                (tag, sig) -> ended.countDown());
    }

    private int unacked;
    private volatile long firstOffset = -1;

    /**
     * Whether a reader asked to start at {@code offset} is reading past the end of the log (a
     * log deleted and made anew, under an old checkpoint): the broker delivered something from
     * before that offset, or nothing at all, not even the reader's own mark, for a minute since
     * {@code sinceMs}. A slow replay delivers from the offset on all along: not past the end.
     */
    public boolean pastTheEnd(long offset, long sinceMs) {
        long first = firstOffset;
        return first >= 0 ? first < offset : System.currentTimeMillis() - sinceMs > 60_000;
    }

    private void deliver(Delivery d, Listener onEvent, Runnable onCaughtUp) throws IOException {
        if (firstOffset < 0) { // (one consumer thread writes it)
            Object o = d.getProperties().getHeaders() == null ? null
                    : d.getProperties().getHeaders().get("x-stream-offset");
            firstOffset = o instanceof Number n ? n.longValue() : 0;
        }
        JobEvent e;
        try {
            e = EventCodec.decode(d.getBody());
        } catch (IOException | RuntimeException ex) {
            // (a writer of another version, a hand-made message): one bad event must not stop the reader
            log.warn("skipping an event pdm cannot read in {}: {}", Topology.EVENTS, ex.toString());
            e = null;
        }
        if (e instanceof JobEvent.Mark m) {
            if (m.id().equals(mark)) {
                caughtUp.countDown();
                if (onCaughtUp != null) {
                    onCaughtUp.run();
                }
            }
        } else if (e != null) {
            Object offset = d.getProperties().getHeaders() == null ? null
                    : d.getProperties().getHeaders().get("x-stream-offset");
            try {
                onEvent.onEvent(e, offset instanceof Number n ? n.longValue() : -1);
            } catch (RuntimeException ex) {
                log.warn("skipping an event of job {} that pdm cannot apply: {}", e.job(), ex.toString());
            }
        }
        try {
            // Acks only give the stream credit: one per 100 deliveries (well inside the prefetch) is enough.
            if (++unacked >= 100 || e instanceof JobEvent.Mark) {
                ch.basicAck(d.getEnvelope().getDeliveryTag(), true);
                unacked = 0;
            }
        } catch (AlreadyClosedException closed) {
            // closed meanwhile (a reader that is done, or a tracker that lost its role): nothing to ack
        }
    }

    public boolean awaitCaughtUp(long millis) throws InterruptedException {
        return caughtUp.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether the consumer was cancelled or its channel closed (the broker went away). */
    public boolean ended() {
        return ended.getCount() == 0 || !ch.isOpen();
    }

    @Override
    public void close() {
        Rabbit.closeQuietly(ch);
    }
}

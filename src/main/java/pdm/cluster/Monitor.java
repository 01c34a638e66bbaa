package pdm.cluster;

import pdm.job.LogPosition;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.config.PdmConfig;
import pdm.job.ResumableFold;
import pdm.metrics.ClusterView;

/**
 * {@code pdm monitor}: keeps a {@link ClusterView} up to date from RabbitMQ. It folds the
 * whole event log (so its counters are exact and the same after a restart), listens to the
 * workers' heartbeats, and asks for the queue depths every {@code monitor_interval}. When the
 * broker goes away it reconnects with backoff and reads the log again, serving the last
 * complete state meanwhile.
 */
public final class Monitor {
    private static final Logger log = LoggerFactory.getLogger(Monitor.class);

    private final BrokerUri uri;
    private final ClusterView view;
    private final int intervalSeconds;
    private final QueueDepths depths;
    private final boolean retryAuth;
    private final CountDownLatch stop = new CountDownLatch(1);
    private static final long SAVE_EVERY_MS = 60_000;
    /** Well below RabbitMQ 4's default max_message_size (16 MiB). */
    private static final int MAX_SAVE_BYTES = 8 << 20;

    /**
     * @param management the RabbitMQ management API (for unacked counts), or null for AMQP only
     * @param retryAuth  keep retrying when the broker refuses the user, instead of ending with {@link AccessRefused}
     */
    public Monitor(PdmConfig config, BrokerUri uri, URI management, ClusterView view, boolean retryAuth) {
        this.uri = uri;
        this.retryAuth = retryAuth;
        this.view = view;
        this.intervalSeconds = Math.max(1, config.monitorInterval());
        List<String> queues = new ArrayList<>();
        for (FsPair p : FsPair.servedBy(config)) {
            String s = p.src().name();
            String t = p.tgt().name();
            queues.addAll(Topology.pairQueues(s, t, config.queueShards()));
        }
        queues.add(Topology.DEAD);
        this.depths = new QueueDepths(management, uri, queues);
    }

    /** Serves until {@link #stop()}; throws {@link AccessRefused} when the broker refuses the user and retryAuth is off. */
    public void run() throws InterruptedException {
        Reconnect.loop(uri, retryAuth, stop, () -> {
            try (Connection c = Rabbit.connect(uri, "pdm monitor", null)) {
                view.connected(true);
                session(c);
            } finally {
                view.connected(false);
            }
        });
    }

    public void stop() {
        stop.countDown();
    }

    /** The fold a monitor saved last, or a new one (read from the start) when there is none or it is unreadable. */
    private static ResumableFold saved(Channel ch) throws IOException {
        GetResponse g = ch.basicGet(Topology.MONITOR_SNAPSHOT, false);
        if (g == null) {
            return new ResumableFold();
        }
        ch.basicReject(g.getEnvelope().getDeliveryTag(), true); // left for the next monitor
        try {
            return ResumableFold.resume(g.getBody());
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring the saved fold in {} ({}); reading the event log from its start",
                    Topology.MONITOR_SNAPSHOT, e.getMessage());
            return new ResumableFold();
        }
    }

    private static void save(Channel ch, ResumableFold fold, AtomicLong savedAt) {
        savedAt.set(System.currentTimeMillis()); // (first: a save that fails is tried again next time, not per event)
        byte[] body = fold.save();
        if (body.length > MAX_SAVE_BYTES) {
            // (above the broker's message size limit the channel would close, and with it the session)
            log.warn("the monitor's fold is {} MB, too big to save in {}; a restart will read the whole event log "
                    + "(delete pdm.events between migrations)", body.length >> 20, Topology.MONITOR_SNAPSHOT);
            return;
        }
        try {
            ch.basicPublish("", Topology.MONITOR_SNAPSHOT, MessageProperties.PERSISTENT_BASIC, body);
        } catch (IOException | RuntimeException e) {
            log.warn("cannot save the monitor's fold: {}", Rabbit.reason(e));
        }
    }

    /** As this line has always shown it (MonitoringIT reads it): the offset, or "first". */
    private static Object shown(LogPosition p) {
        return p instanceof LogPosition.At at ? (Object) at.offset() : "first";
    }

    private void session(Connection c) throws IOException, InterruptedException {
        // Heartbeats that stop coming (our queue deleted, the channel closed) would show every
        // worker as down: start the session over instead.
        CountDownLatch heartbeatsLost = new CountDownLatch(1);
        // Our own queue, gone with us; heartbeats older than 3 intervals are of no use.
        Channel stats = HeartbeatQueue.listen(c, 3_000L * intervalSeconds, view::heartbeat, heartbeatsLost::countDown);
        stats.queueDeclare(Topology.MONITOR_SNAPSHOT, true, false, false, Map.of("x-max-length", 1));
        ResumableFold fold = saved(stats);
        long started = System.nanoTime();
        long startedMs = System.currentTimeMillis();
        AtomicBoolean caughtUp = new AtomicBoolean();
        AtomicLong savedAt = new AtomicLong();
        try (EventReader events = new EventReader(c, fold.readFrom(), (e, offset) -> {
            fold.apply(e, offset);
            if (caughtUp.get() && System.currentTimeMillis() - savedAt.get() > SAVE_EVERY_MS) {
                save(stats, fold, savedAt);
            }
        }, () -> {
            caughtUp.set(true);
            view.fold(fold.fold());
            save(stats, fold, savedAt);
            log.info("event log {} read from {} in {} ms; serving its jobs", Topology.EVENTS, shown(fold.readFrom()),
                    (System.nanoTime() - started) / 1_000_000);
        })) {
            log.info("monitor connected to {}", uri);
            while (c.isOpen() && !events.ended() && heartbeatsLost.getCount() > 0 && stop.getCount() > 0) {
                if (!caughtUp.get() && fold.readFrom() instanceof LogPosition.At from && events.pastTheEnd(from.offset(), startedMs)) {
                    log.warn("the saved {} lies past the end of the event log (was it deleted and made "
                            + "anew?); reading it from the start", from);
                    stats.basicGet(Topology.MONITOR_SNAPSHOT, true);
                    return;
                }
                try {
                    view.queues(depths.poll(c));
                } catch (IOException | RuntimeException e) {
                    log.warn("cannot read queue depths: {}", Rabbit.reason(e));
                }
                stop.await(intervalSeconds, TimeUnit.SECONDS);
            }
        }
        if (stop.getCount() > 0) {
            log.warn("lost the broker, the event log or the heartbeat queue; reconnecting");
        }
    }
}

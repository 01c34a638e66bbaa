package pdm.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.Preflight;
import pdm.engine.TaskRunner;
import pdm.engine.Throttle;
import pdm.metrics.ProcessStats;
import pdm.task.FileTask;

/**
 * {@code pdm worker}: consumes the task queues of every source/target pair of its config
 * whose target is writable, runs each task with the embedded engine, publishes what the
 * task found to do (confirmed), then its done event (confirmed), and only then acks. A
 * worker killed at any point leaves its unacked tasks to be redelivered, and everything it
 * did is idempotent. It reconnects with backoff when the broker goes away, stops taking work
 * for a pair while one of its {@code mount = true} filesystems is not mounted, and takes the
 * job tracker role when no other worker has it.
 */
public final class Worker {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);

    private final PdmConfig config;
    private final BrokerUri uri;
    private final List<FsPair> pairs;
    private final TaskRunner runner;
    private final String node;
    private final ProcessStats stats;
    private final boolean retryAuth;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final CancelledJobs cancelled = new CancelledJobs();
    private final Map<FsPair, Boolean> mounted = new ConcurrentHashMap<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Session session;

    /**
     * @param stats     this process's tallies: sent as heartbeats, served on --metrics-port
     * @param retryAuth keep retrying when the broker refuses the user, instead of ending with {@link AccessRefused}
     * @param throttle  this process's limits (--bwlimit, --max-files-per-second), which may change while it runs
     */
    public Worker(PdmConfig config, BrokerUri uri, List<FsPair> pairs, ProcessStats stats, boolean retryAuth,
                  Throttle throttle) {
        if (pairs.isEmpty()) {
            throw new PdmException("the config has no pair of filesystems with a write = true target, so this "
                    + "worker would have nothing to do; set write = true on the target filesystems it may change");
        }
        this.config = config;
        this.uri = uri;
        this.pairs = List.copyOf(pairs);
        RemovalBudgets budgets = new RemovalBudgets(this::connection);
        this.runner = new TaskRunner(config.filesPerTask(), m -> budgets.of(m.jobId()), throttle,
                config.fileWorkers()).withChangeScopes(new JournalStream.Scopes(uri));
        this.node = stats.worker();
        this.stats = stats;
        this.retryAuth = retryAuth;
        pairs.forEach(p -> mounted.put(p, true));
    }

    /** The connection of the current session, for the --max-delete budgets. */
    private Connection connection() {
        Session s = session;
        if (s == null) {
            throw new IllegalStateException("not connected to RabbitMQ");
        }
        return s.conn;
    }

    /**
     * Runs until {@link #stop()}: connects, works, reconnects with backoff ({@link Reconnect}).
     *
     * @throws AccessRefused when the broker refuses the user and retryAuth is off
     */
    public void run() throws InterruptedException {
        Thread monitor = new Thread(this::monitorMounts, "pdm-mount-monitor");
        monitor.setDaemon(true);
        monitor.start();
        try {
            Reconnect.loop(uri, retryAuth, stopRequested, () -> {
                try (Session s = new Session()) {
                    session = s;
                    s.start();
                    log.info("worker {} connected to {}; serving {}", node, uri, pairs);
                    s.awaitEnd(stopRequested);
                    if (stopping) {
                        s.drain();
                    } else {
                        log.warn("lost the broker connection: {}; reconnecting", s.closeReason());
                    }
                } finally {
                    session = null;
                }
            });
        } finally {
            monitor.interrupt();
        }
        log.info("worker {} stopped", node);
    }

    /** Graceful stop (SIGTERM, SIGHUP): take nothing new, finish what is running, return what is held. */
    public void stop() {
        stopping = true;
        stopRequested.countDown();
    }

    private void monitorMounts() {
        long every = Math.max(1, config.monitorMountSec()) * 1000L;
        Set<String> missing = new TreeSet<>();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                checkTargets(missing);
                for (FsPair p : pairs) {
                    try {
                        checkMount(p);
                    } catch (RuntimeException e) {
                        log.warn("mount check of {} failed: {}", p, e.toString());
                    }
                }
                Thread.sleep(every);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A target whose path is not there (a typo in config.toml, a mount = false filesystem that
     * is not mounted) would fail every task: warn at start and whenever it changes, and report
     * it in the heartbeat.
     */
    private void checkTargets(Set<String> missing) {
        Map<String, DataSource> targets = new TreeMap<>();
        pairs.forEach(p -> targets.put(p.tgt().name(), p.tgt()));
        for (DataSource t : targets.values()) {
            boolean there = Files.isDirectory(t.path());
            if (!there && missing.add(t.name())) {
                log.warn("target filesystem '{}': path {} does not exist or is not a directory; every task for it "
                        + "fails until it is there (check path in the config, or mount it)", t.name(), t.path());
            } else if (there && missing.remove(t.name())) {
                log.info("target filesystem '{}': path {} is there now", t.name(), t.path());
            }
        }
        stats.targets(List.copyOf(targets.keySet()), List.copyOf(missing));
    }

    private void checkMount(FsPair p) {
        boolean ok = Preflight.isMounted(p.src()) && Preflight.isMounted(p.tgt());
        Boolean before = mounted.put(p, ok);
        stats.pairsPaused(mounted.values().stream().filter(m -> !m).count());
        if (before != null && before != ok) {
            if (ok) {
                log.info("filesystems of {} are mounted again: taking work for it", p);
            } else {
                log.error("a mount = true filesystem of {} is not mounted: taking no work for it until it is", p);
            }
            Session s = session;
            if (s != null) {
                s.setPaused(p, !ok);
            }
        }
    }

    /** One connection and everything on it; a new one after each reconnect. */
    private final class Session implements AutoCloseable {
        private final ExecutorService threads;
        private final Connection conn;
        private final List<PairConsumers> consumers = new CopyOnWriteArrayList<>();
        private final Map<Thread, Publisher> publishers = new ConcurrentHashMap<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile Tracker tracker;
        private Thread trackerCandidate;
        private HeartbeatSender heartbeats;

        Session() throws IOException, TimeoutException {
            // One thread per consumer channel (each runs its tasks one at a time), plus the stream readers (tracker, cancels).
            int channels = pairs.size() * (config.dirWorkers() + config.fileWorkers() + FileTask.LINK_SHARDS) + 5;
            threads = Executors.newFixedThreadPool(channels, r -> {
                Thread t = new Thread(r, "pdm-consumer");
                t.setDaemon(true);
                return t;
            });
            try {
                conn = Rabbit.connect(uri, "pdm worker " + node, threads);
            } catch (IOException | TimeoutException | RuntimeException e) {
                threads.shutdownNow();
                throw e;
            }
            conn.addShutdownListener(sig -> closed.countDown());
        }

        void start() throws IOException {
            try (Channel ch = conn.createChannel()) {
                Topology.declareCommon(ch);
                for (FsPair p : pairs) {
                    Topology.declarePair(ch, p.src().name(), p.tgt().name(), config.queueShards());
                }
            } catch (TimeoutException e) {
                throw new IOException(e);
            }
            try {
                cancelled.follow(conn); // before the consumers: a cancelled job's queued tasks are not run
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while reading the event log", e);
            }
            for (FsPair p : pairs) {
                PairConsumers pc = new PairConsumers(p);
                consumers.add(pc);
                pc.consume();
            }
            heartbeats = new HeartbeatSender(conn, stats, Math.max(1, config.monitorInterval()));
            trackerCandidate = new Thread(this::tryTracker, "pdm-tracker-candidate");
            trackerCandidate.setDaemon(true);
            trackerCandidate.start();
        }

        /** Every few seconds, if no worker is the tracker, become it. */
        private void tryTracker() {
            try {
                while (!Thread.currentThread().isInterrupted() && conn.isOpen() && !stopping) {
                    Tracker t = tracker;
                    if (t == null || !t.alive()) {
                        if (t != null) {
                            t.close();
                        }
                        try {
                            tracker = new Tracker(conn, config.queueShards());
                        } catch (IOException | ShutdownSignalException e) {
                            tracker = null; // another worker has it (RESOURCE_LOCKED)
                        }
                    } else {
                        t.reapEmbedded();
                    }
                    Thread.sleep(3000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Ends this session; the worker reconnects and starts over. */
        void restart(String why) {
            if (stopping) {
                return;
            }
            log.warn("{}; reconnecting", why);
            Thread t = new Thread(() -> conn.abort(5000), "pdm-restart");
            t.setDaemon(true);
            t.start();
        }

        void setPaused(FsPair p, boolean paused) {
            for (PairConsumers pc : consumers) {
                if (pc.pair.equals(p)) {
                    try {
                        if (paused) {
                            pc.cancel();
                        } else {
                            pc.consume();
                        }
                    } catch (IOException | RuntimeException e) {
                        log.warn("cannot {} consumers of {}: {}", paused ? "cancel" : "restart", p, Rabbit.reason(e));
                    }
                }
            }
        }

        void awaitEnd(CountDownLatch stop) throws InterruptedException {
            while (closed.getCount() > 0 && stop.getCount() > 0) {
                closed.await(200, TimeUnit.MILLISECONDS);
            }
        }

        String closeReason() {
            ShutdownSignalException s = conn.getCloseReason();
            return s == null ? "closed" : Rabbit.reason(s);
        }

        /** Stop consuming, let running tasks finish and ack; unstarted prefetched ones go back on close. */
        void drain() throws InterruptedException {
            for (PairConsumers pc : consumers) {
                try {
                    pc.cancel();
                } catch (IOException | RuntimeException e) {
                    // the connection is gone: the broker requeues everything unacked anyway
                }
            }
            int running = inFlight.get();
            if (running > 0) {
                log.info("stopping: finishing {} running task(s)", running);
            }
            while (inFlight.get() > 0 && conn.isOpen()) {
                Thread.sleep(50);
            }
        }

        @Override
        public void close() {
            if (trackerCandidate != null) {
                trackerCandidate.interrupt();
            }
            if (heartbeats != null) {
                heartbeats.close();
            }
            cancelled.close();
            Tracker t = tracker;
            if (t != null) {
                t.close();
            }
            publishers.values().forEach(Publisher::close);
            try {
                if (conn.isOpen()) {
                    conn.close(5000);
                }
            } catch (IOException | RuntimeException e) {
                // already closed
            }
            threads.shutdownNow();
        }

        private Publisher publisher() throws IOException {
            Publisher p = publishers.get(Thread.currentThread());
            if (p == null || !p.channel().isOpen()) {
                p = new Publisher(conn, config.queueShards());
                publishers.put(Thread.currentThread(), p);
            }
            return p;
        }

        /** The consumers of one pair: dir_workers on its dir queue, file_workers on its file queue, one per link queue. */
        private final class PairConsumers {
            private final FsPair pair;
            private final List<Channel> channels = new ArrayList<>();
            private final Map<Channel, List<String>> tags = new ConcurrentHashMap<>();

            private final TaskDelivery delivery;

            PairConsumers(FsPair pair) {
                this.pair = pair;
                this.delivery = new TaskDelivery(pair, runner, stats, node, config.filesPerTask(),
                        TaskDelivery.walkEntries(config.filesPerTask()), cancelled::contains);
            }

            /** Fresh channels each time: those of a paused pair may still hold deliveries it turned away. */
            synchronized void consume() throws IOException {
                // (mounted is read here, under the lock the monitor's cancel takes too: no consumer
                // can start after the monitor saw the filesystem go)
                if (!tags.isEmpty() || stopping || !mounted.getOrDefault(pair, true)) {
                    return;
                }
                channels.forEach(Rabbit::closeQuietly);
                channels.clear();
                String s = pair.src().name();
                String t = pair.tgt().name();
                // At most 500 per channel: above amqp-client's dispatch queue (1000) a busy consumer
                // would block the connection's I/O thread, and with it the confirms it waits for.
                int dirPrefetch = Math.min(500, Math.max(1, config.dirPrefetch() / config.dirWorkers()));
                int filePrefetch = Math.min(500, Math.max(1, config.filePrefetch() / config.fileWorkers()));
                // Every channel consumes every shard (none is left unserved, and each gets its share
                // of every worker); its prefetch is split over them, so a channel holds about as many
                // messages as unsharded, at least one per shard: at most max(prefetch, shards).
                int shards = config.queueShards();
                for (int i = 0; i < config.dirWorkers(); i++) {
                    subscribe(Topology.dirQueues(s, t, shards), Math.max(1, dirPrefetch / shards));
                }
                for (int i = 0; i < config.fileWorkers(); i++) {
                    Channel ch = subscribe(Topology.fileQueues(s, t, shards), Math.max(1, filePrefetch / shards));
                    // Ranges of big files one at a time per channel: a prefetch would hold many
                    // ranges of one file on one worker while the others idle.
                    ch.basicQos(1);
                    consume(ch, Topology.rangeQueue(s, t));
                }
                for (int i = 0; i < FileTask.LINK_SHARDS; i++) {
                    subscribe(List.of(Topology.linkQueue(s, t, i)), filePrefetch);
                }
            }

            /** One channel, one thread: a consumer on each queue, each with {@code prefetch} (basic.qos per consumer). */
            private Channel subscribe(List<String> queues, int prefetch) throws IOException {
                Channel ch = conn.createChannel();
                channels.add(ch);
                ch.basicQos(prefetch);
                // A consumer the broker ends (queue deleted, consumer_timeout) would leave this worker
                // idle while it looks healthy: start over on a new connection instead.
                ch.addShutdownListener(sig -> {
                    if (tags.containsKey(ch) && !stopping && conn.isOpen()) {
                        restart("channel of " + String.join(", ", queues) + " closed by the broker: "
                                + Rabbit.reason(sig));
                    }
                });
                tags.put(ch, new CopyOnWriteArrayList<>()); // (first: a delivery may come before basicConsume returns)
                for (String queue : queues) {
                    consume(ch, queue);
                }
                return ch;
            }

            private void consume(Channel ch, String queue) throws IOException {
                tags.get(ch).add(ch.basicConsume(queue, false, (ctag, d) -> handle(ch, queue, d),
                        ctag -> restart("the broker cancelled the consumer of " + queue)));
            }

            synchronized void cancel() throws IOException {
                Map<Channel, List<String>> cancelled = new HashMap<>(tags);
                tags.clear(); // first: these channels are ours to end, not a reason to reconnect
                for (Map.Entry<Channel, List<String>> e : cancelled.entrySet()) {
                    for (String tag : e.getValue()) {
                        if (e.getKey().isOpen()) {
                            e.getKey().basicCancel(tag);
                        }
                    }
                }
            }

            private boolean active(Channel ch) {
                return tags.containsKey(ch);
            }

            private void handle(Channel ch, String queue, Delivery d) {
                long tag = d.getEnvelope().getDeliveryTag();
                // Counted before the checks, so that a stop never sees 0 while a task is starting.
                inFlight.incrementAndGet();
                try {
                    boolean admitted = !stopping && active(ch) && mounted.getOrDefault(pair, true);
                    delivery.handle(new TaskDelivery.Incoming(queue, d.getBody(), d.getProperties(),
                            d.getEnvelope().isRedeliver()), new TaskDelivery.Receipt() {
                                @Override
                                public void ack() throws IOException {
                                    ch.basicAck(tag, false);
                                }

                                @Override
                                public void requeue() {
                                    reject(ch, tag);
                                }

                                @Override
                                public boolean lost() {
                                    return !ch.isOpen();
                                }
                            }, Session.this::publisher, admitted);
                } finally {
                    inFlight.decrementAndGet();
                }
            }

            private void reject(Channel ch, long tag) {
                try {
                    ch.basicReject(tag, true);
                } catch (IOException | RuntimeException e) {
                    // the channel is closing: the broker requeues it anyway
                }
            }
        }
    }
}

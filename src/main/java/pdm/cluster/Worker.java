package pdm.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.TaskRunner;
import pdm.fs.Mounts;
import pdm.job.Counters;
import pdm.job.Failure;
import pdm.job.JobEvent;
import pdm.job.JobStats;
import pdm.metrics.ProcessStats;
import pdm.task.BadMessageException;
import pdm.task.DirMetaTask;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.PathBytes;
import pdm.task.TaskCodec;
import pdm.task.TaskMessage;

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
    private static final long MAX_BACKOFF_MS = 30_000;

    /** A source/target pair this worker serves. */
    public record Pair(DataSource src, DataSource tgt) {
        @Override
        public String toString() {
            return src.name() + "->" + tgt.name();
        }
    }

    private final PdmConfig config;
    private final BrokerUri uri;
    private final List<Pair> pairs;
    private final TaskRunner runner;
    private final String node;
    private final ProcessStats stats;
    private final boolean retryAuth;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Map<Pair, Boolean> mounted = new ConcurrentHashMap<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;
    private volatile Session session;

    /**
     * @param stats     this process's tallies: sent as heartbeats, served on --metrics-port
     * @param retryAuth keep retrying when the broker refuses the user, instead of ending with {@link AccessRefused}
     */
    public Worker(PdmConfig config, BrokerUri uri, List<Pair> pairs, ProcessStats stats, boolean retryAuth) {
        if (pairs.isEmpty()) {
            throw new pdm.PdmException("the config has no pair of filesystems with a write = true target, so this "
                    + "worker would have nothing to do; set write = true on the target filesystems it may change");
        }
        this.config = config;
        this.uri = uri;
        this.pairs = List.copyOf(pairs);
        RemovalBudgets budgets = new RemovalBudgets(this::connection);
        this.runner = new TaskRunner(config.filesPerTask(), m -> budgets.of(m.jobId()));
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

    /** Every pair of configured filesystems whose target may be written, as the seed's worker serves them. */
    public static List<Pair> pairsOf(PdmConfig config) {
        List<Pair> out = new ArrayList<>();
        for (DataSource s : new java.util.TreeMap<>(config.datasources()).values()) {
            for (DataSource t : new java.util.TreeMap<>(config.datasources()).values()) {
                if (s != t && t.write()) {
                    out.add(new Pair(s, t));
                }
            }
        }
        return out;
    }

    /**
     * Runs until {@link #stop()}: connects, works, reconnects with backoff.
     *
     * @throws AccessRefused when the broker refuses the user and retryAuth is off
     */
    public void run() throws InterruptedException {
        Thread monitor = new Thread(this::monitorMounts, "pdm-mount-monitor");
        monitor.setDaemon(true);
        monitor.start();
        try {
            long backoff = 1000;
            while (!stopping) {
                long started = System.nanoTime();
                try (Session s = new Session()) {
                    session = s;
                    s.start();
                    log.info("worker {} connected to {}; serving {}", node, uri, pairs);
                    s.awaitEnd(stopRequested);
                    if (stopping) {
                        s.drain();
                        break;
                    }
                    log.warn("lost the broker connection: {}; reconnecting", s.closeReason());
                } catch (IOException | TimeoutException | ShutdownSignalException e) {
                    log.warn("{}; retrying in {} s", AccessRefused.reasonOrThrow(e, uri, retryAuth), backoff / 1000);
                } finally {
                    session = null;
                }
                if (System.nanoTime() - started > TimeUnit.SECONDS.toNanos(60)) {
                    backoff = 1000;
                }
                if (stopRequested.await(backoff, TimeUnit.MILLISECONDS)) {
                    break;
                }
                backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
            }
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
                for (Pair p : pairs) {
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
        Map<String, DataSource> targets = new java.util.TreeMap<>();
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
        stats.targetsMissing(List.copyOf(missing));
    }

    private void checkMount(Pair p) {
        boolean ok = isMounted(p.src()) && isMounted(p.tgt());
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

    private static boolean isMounted(DataSource ds) {
        if (!ds.mount()) {
            return true;
        }
        try {
            return Mounts.isMountPoint(ds.path());
        } catch (IOException e) {
            return false;
        }
    }

    /** One connection and everything on it; a new one after each reconnect. */
    private final class Session implements AutoCloseable {
        private final ExecutorService threads;
        private final Connection conn;
        private final List<PairConsumers> consumers = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Map<Thread, Publisher> publishers = new ConcurrentHashMap<>();
        private final CountDownLatch closed = new CountDownLatch(1);
        private volatile Tracker tracker;
        private Thread trackerCandidate;
        private HeartbeatSender heartbeats;

        Session() throws IOException, TimeoutException {
            // One thread per consumer channel (each runs its tasks one at a time), plus the tracker's stream reader.
            int channels = pairs.size() * (config.dirWorkers() + config.fileWorkers() + FileTask.LINK_SHARDS) + 4;
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
                for (Pair p : pairs) {
                    Topology.declarePair(ch, p.src().name(), p.tgt().name());
                }
            } catch (TimeoutException e) {
                throw new IOException(e);
            }
            for (Pair p : pairs) {
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
                            tracker = new Tracker(conn);
                        } catch (IOException | ShutdownSignalException e) {
                            tracker = null; // another worker has it (RESOURCE_LOCKED)
                        }
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

        void setPaused(Pair p, boolean paused) {
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
                p = new Publisher(conn);
                publishers.put(Thread.currentThread(), p);
            }
            return p;
        }

        /** The consumers of one pair: dir_workers on its dir queue, file_workers on its file queue, one per link queue. */
        private final class PairConsumers {
            private final Pair pair;
            private final List<Channel> channels = new ArrayList<>();
            private final Map<Channel, String> tags = new ConcurrentHashMap<>();

            PairConsumers(Pair pair) {
                this.pair = pair;
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
                for (int i = 0; i < config.dirWorkers(); i++) {
                    subscribe(Topology.dirQueue(s, t), dirPrefetch);
                }
                for (int i = 0; i < config.fileWorkers(); i++) {
                    subscribe(Topology.fileQueue(s, t), filePrefetch);
                }
                for (int i = 0; i < FileTask.LINK_SHARDS; i++) {
                    subscribe(Topology.linkQueue(s, t, i), filePrefetch);
                }
            }

            private void subscribe(String queue, int prefetch) throws IOException {
                Channel ch = conn.createChannel();
                channels.add(ch);
                ch.basicQos(prefetch);
                // A consumer the broker ends (queue deleted, consumer_timeout) would leave this worker
                // idle while it looks healthy: start over on a new connection instead.
                ch.addShutdownListener(sig -> {
                    if (tags.containsKey(ch) && !stopping && conn.isOpen()) {
                        restart("channel of " + queue + " closed by the broker: " + Rabbit.reason(sig));
                    }
                });
                String tag = ch.basicConsume(queue, false, (ctag, d) -> handle(ch, queue, d),
                        ctag -> restart("the broker cancelled the consumer of " + queue));
                tags.put(ch, tag);
            }

            synchronized void cancel() throws IOException {
                Map<Channel, String> cancelled = new java.util.HashMap<>(tags);
                tags.clear(); // first: these channels are ours to end, not a reason to reconnect
                for (Map.Entry<Channel, String> e : cancelled.entrySet()) {
                    if (e.getKey().isOpen()) {
                        e.getKey().basicCancel(e.getValue());
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
                if (stopping || !active(ch) || !mounted.getOrDefault(pair, true)) {
                    reject(ch, tag);
                    inFlight.decrementAndGet();
                    return;
                }
                String what = "a task";
                JobStats taskStats = new JobStats();
                stats.taskStarted();
                try {
                    Publisher pub = publisher();
                    TaskMessage m;
                    try {
                        m = TaskCodec.decode(d.getBody());
                        checkPair(m);
                    } catch (BadMessageException e) {
                        deadLetter(pub, queue, d, e.getMessage());
                        ch.basicAck(tag, false);
                        return;
                    }
                    what = "task " + m.taskId() + " of job " + m.jobId();
                    if (!m.options().dryRun()) {
                        stats.copying(taskStats);
                    }
                    long started = System.nanoTime();
                    TaskRunner.Outcome o = runner.run(m, pair.src(), pair.tgt(), d.getEnvelope().isRedeliver(),
                            sink(pub, m), taskStats);
                    long ran = System.nanoTime();
                    // The children first, confirmed, then the done event that announces them: a re-run
                    // may plan different batches, so a child lost after its parent's done event was
                    // kept would never come again and the job would wait for it forever.
                    pub.await();
                    JobEvent.Done done = done(m, o);
                    pub.event(done);
                    pub.await();
                    ch.basicAck(tag, false);
                    stats.taskDone(m.jobId(), m.src(), m.tgt(), done.counters());
                    if (log.isDebugEnabled()) {
                        log.debug("{} ({}, {} children): ran {} ms, confirmed {} ms", what, queue, o.children().size(),
                                (ran - started) / 1_000_000, (System.nanoTime() - ran) / 1_000_000);
                    }
                } catch (IOException | ShutdownSignalException | java.io.UncheckedIOException e) {
                    log.warn("{} not finished ({}); the broker delivers it again", what, Rabbit.reason(e));
                    reject(ch, tag); // a live consumer channel would otherwise hold it unacked
                } catch (RuntimeException e) {
                    // A bug in pdm outside the task's own work: keep the message, with the reason, not a crash loop.
                    log.error("{} could not be handled", what, e);
                    try {
                        Publisher pub = publisher();
                        deadLetter(pub, queue, d, "pdm could not handle it: " + e);
                        ch.basicAck(tag, false);
                    } catch (IOException | RuntimeException again) {
                        reject(ch, tag);
                    } catch (InterruptedException again) {
                        Thread.currentThread().interrupt();
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    stats.copied(taskStats);
                    stats.taskEnded();
                    inFlight.decrementAndGet();
                }
            }

            private void checkPair(TaskMessage m) throws BadMessageException {
                if (!m.src().equals(pair.src().name()) || !m.tgt().equals(pair.tgt().name())) {
                    throw new BadMessageException("the task is for " + m.src() + "->" + m.tgt()
                            + " but came from a queue of " + pair + "; this worker acts only on its own filesystems");
                }
                if (!pair.tgt().write()) {
                    throw new BadMessageException("target filesystem '" + m.tgt() + "' is not writable here (write = false)");
                }
            }

            private TaskRunner.Sink sink(Publisher pub, TaskMessage m) {
                return new TaskRunner.Sink() {
                    @Override
                    public void publish(String taskId, DirTask task) {
                        send(taskId, task);
                    }

                    @Override
                    public void publish(String taskId, FileTask task) {
                        send(taskId, task);
                    }

                    private void send(String taskId, pdm.task.Task task) {
                        try {
                            pub.task(new TaskMessage(m.jobId(), taskId, m.action(), m.src(), m.tgt(), m.options(),
                                    m.jobPath(), task));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    }
                };
            }

            private JobEvent.Done done(TaskMessage m, TaskRunner.Outcome o) {
                List<JobEvent.Child> children = new ArrayList<>(o.children().size());
                for (TaskRunner.Child c : o.children()) {
                    children.add(new JobEvent.Child(c.id(), c.kind(), c.rel() == null ? null : PathBytes.encode(c.rel())));
                }
                String kind = m.task() instanceof DirTask ? "dir" : m.task() instanceof DirMetaTask ? "dirmeta" : "files";
                JobStats s = o.stats();
                return new JobEvent.Done(m.jobId(), m.taskId(), kind, children, Counters.of(s), s.failures(),
                        o.refused(), o.dirMeta(), node, System.currentTimeMillis());
            }

            /** Keeps the message with its reason; if it names its job and task, the job hears of it as a failure. */
            private void deadLetter(Publisher pub, String queue, Delivery d, String reason)
                    throws IOException, InterruptedException {
                log.error("message from {} sent to {}: {}", queue, Topology.DEAD, reason);
                pub.deadLetter(d.getBody(), d.getProperties(), queue, node, reason);
                String[] ids = TaskCodec.peekIds(d.getBody());
                Counters oneFailure = new Counters(0, 0, 0, 1, 0, 0, 0, 0, 0);
                if (ids != null) {
                    pub.event(new JobEvent.Done(ids[0], ids[1], "dead", List.of(), oneFailure,
                            List.of(new Failure("(task " + ids[1] + " from " + queue + ")",
                                    "not run, sent to " + Topology.DEAD + ": " + reason)), null, false, node,
                            System.currentTimeMillis()));
                }
                pub.await();
                if (ids != null) {
                    stats.taskDone(ids[0], pair.src().name(), pair.tgt().name(), oneFailure);
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

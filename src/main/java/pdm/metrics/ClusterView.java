package pdm.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import pdm.fs.Names;
import pdm.job.JobFold;
import pdm.task.BadMessageException;
import pdm.task.WirePaths;

/**
 * What {@code pdm monitor} knows of the whole cluster: the jobs and what every worker did
 * for them (folded from the event log, which is durable and counts each task once, so a
 * restarted monitor shows the same totals), the workers' heartbeats, and the queue depths.
 */
public final class ClusterView {
    /** A worker silent this long (besides the 3 intervals that make it down) is no longer shown. */
    static final long FORGET_MS = 3_600_000;

    private record Heard(Heartbeat beat, long atMs) {
    }

    private final LongSupplier clock;
    private final Map<String, Heard> workers = new ConcurrentHashMap<>();
    private volatile JobFold fold;
    private volatile List<MetricsView.QueueDepth> queues = List.of();
    private volatile boolean connected;

    public ClusterView(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * The event log's fold, once it has been read to its end. Until then (a monitor starting, or
     * reading the log again after a reconnect) the previous one stays: counters never go down.
     * Callers synchronize on the fold while they apply events to it.
     */
    public void fold(JobFold caughtUp) {
        this.fold = caughtUp;
    }

    /** Keeps the newest heartbeat of each worker process; an older or repeated one changes nothing. */
    public void heartbeat(Heartbeat h) {
        long now = clock.getAsLong();
        workers.merge(h.worker(), new Heard(h, now), (old, neu) -> isNewer(neu.beat, old.beat) ? neu : old);
    }

    private static boolean isNewer(Heartbeat a, Heartbeat b) {
        return a.startedMs() != b.startedMs() ? a.startedMs() > b.startedMs() : a.seq() > b.seq();
    }

    public void queues(List<MetricsView.QueueDepth> depths) {
        this.queues = List.copyOf(depths);
    }

    /** Whether the monitor has a live session with RabbitMQ; without one, queue depths are unknown. */
    public void connected(boolean up) {
        this.connected = up;
        if (!up) {
            queues = List.of();
        }
    }

    public MetricsView view() {
        long now = clock.getAsLong();
        List<MetricsView.WorkerState> ws = new ArrayList<>();
        workers.entrySet().removeIf(e -> now - e.getValue().atMs > silentMs(e.getValue().beat) + FORGET_MS);
        for (Heard h : workers.values()) {
            Heartbeat b = h.beat;
            ws.add(new MetricsView.WorkerState(b.node(), b.worker(), now - h.atMs <= silentMs(b), b.tasksRunning(),
                    b.filesCopied(), b.bytesCopied(), b.pairsPaused(), h.atMs / 1000.0, b.logDropped(),
                    b.targetsMissing(), b.targets()));
        }
        ws.sort(Comparator.comparing(MetricsView.WorkerState::worker));
        JobFold f = fold;
        if (f == null) {
            return new MetricsView(List.of(), List.of(), ws, queues, false, connected);
        }
        List<MetricsView.Work> work = new ArrayList<>();
        List<MetricsView.JobState> jobs = new ArrayList<>();
        synchronized (f) {
            for (JobFold.Job j : f.jobs()) {
                // per host, not per process: worker restarts must not add series for every job
                j.workByHost().forEach((host, w) -> work.add(new MetricsView.Work(j.id(), j.def.src(), j.def.tgt(), host, null,
                        w.counters(), w.tasks())));
                jobs.add(state(j));
            }
        }
        return new MetricsView(work, jobs, ws, queues, true, connected);
    }

    private static long silentMs(Heartbeat b) {
        return 3L * b.intervalSeconds() * 1000;
    }

    static MetricsView.JobState state(JobFold.Job j) {
        return new MetricsView.JobState(j.id(), j.def.command(), j.def.src(), j.def.tgt(), display(j.def.path()),
                j.def.options().dryRun(), j.state().name().toLowerCase(Locale.ROOT), j.passIndex() + 1, j.def.passes().size(),
                j.tasksPending(), j.def.submittedMs() / 1000.0, j.lastMs() / 1000.0);
    }

    private static String display(String encoded) {
        try {
            return Names.display(WirePaths.decodeRelative(encoded));
        } catch (BadMessageException e) {
            return encoded;
        }
    }
}

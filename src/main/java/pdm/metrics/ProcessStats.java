package pdm.metrics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import pdm.job.Counters;
import pdm.job.JobStats;

/**
 * This process's own tallies: what its finished tasks did, per job, and what it is doing
 * now. A worker sends part of it as heartbeats and serves all of it on {@code --metrics-port}.
 */
public final class ProcessStats {
    private record Key(String job, String source, String target) {
    }

    private record Running(String job, String task) {
    }

    private static final class Tally {
        Counters counters = Counters.ZERO;
        long tasks;
    }

    private final String node;
    private final String worker;
    private final long startedMs = System.currentTimeMillis();
    private final LongSupplier logDropped;
    private final Map<Key, Tally> work = new ConcurrentHashMap<>();
    private final AtomicLong tasksRunning = new AtomicLong();
    /** Tasks running now, with their live counters. */
    private final Set<JobStats> live = ConcurrentHashMap.newKeySet();
    /** Every task running now (dry runs too), by its counters: what heartbeats name for progress. */
    private final Map<JobStats, Running> running = new ConcurrentHashMap<>();
    private final LongAdder liveFiles = new LongAdder();
    private final LongAdder liveBytes = new LongAdder();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicLong pairsPaused = new AtomicLong();
    private volatile List<String> targetsMissing = List.of();
    private volatile List<String> targets = List.of();

    /**
     * @param worker     host:pid
     * @param logDropped log events dropped on the way to Elasticsearch so far
     */
    public ProcessStats(String node, String worker, LongSupplier logDropped) {
        this.node = node;
        this.worker = worker;
        this.logDropped = logDropped;
    }

    public String worker() {
        return worker;
    }

    /** How many source/target pairs get no work now because a mount = true filesystem is missing. */
    public void pairsPaused(long n) {
        pairsPaused.set(n);
    }

    /** The write = true filesystems it serves, and those of them whose path is missing or not a directory now. */
    public void targets(List<String> served, List<String> missing) {
        targets = List.copyOf(served);
        targetsMissing = List.copyOf(missing);
    }

    public void taskStarted() {
        tasksRunning.incrementAndGet();
    }

    public void taskEnded() {
        tasksRunning.decrementAndGet();
    }

    /**
     * Task {@code task} of {@code job} runs, counting into {@code stats} as it goes: heartbeats
     * name it with its live counters (for the job's progress), and, unless it is a dry run (which
     * copies nothing), its bytes count in this process's bytes copied.
     */
    public void running(String job, String task, JobStats stats, boolean dryRun) {
        running.put(stats, new Running(job, task));
        if (!dryRun) {
            live.add(stats);
        }
    }

    /** Whether a task runs now: heartbeats then go every {@link Heartbeat#BUSY_EVERY_MS}. */
    public boolean busy() {
        return !running.isEmpty();
    }

    /** The running task is over (done, returned to its queue or dead-lettered): what it copied stays counted. */
    public synchronized void ended(JobStats stats) {
        running.remove(stats);
        // (one lock with copiedSoFar(): a heartbeat in between would count the task twice or not at
        // all, and the counter would go back at the next one)
        if (live.remove(stats)) {
            liveFiles.add(stats.filesCopied.sum());
            liveBytes.add(stats.bytesSoFar());
        }
    }

    /** {files, bytes} copied by this process so far, including tasks still running. */
    private synchronized long[] copiedSoFar() {
        long files = liveFiles.sum();
        long bytes = liveBytes.sum();
        for (JobStats s : live) {
            files += s.filesCopied.sum();
            bytes += s.bytesSoFar(); // (as written: a big file's bytes move while it is copied)
        }
        return new long[]{files, bytes};
    }

    /** A task of the job finished (its done event is written): count what it did. */
    public void taskDone(String job, String source, String target, Counters c) {
        Tally t = work.computeIfAbsent(new Key(job, source, target), k -> new Tally());
        synchronized (t) {
            t.counters = t.counters.plus(c);
            t.tasks++;
        }
    }

    public Heartbeat heartbeat(int intervalSeconds) {
        long[] copied = copiedSoFar();
        List<Heartbeat.Task> tasks = new ArrayList<>();
        running.forEach((stats, r) -> {
            Counters c = Counters.live(stats);
            if (!c.equals(Counters.ZERO)) { // (a task that has done nothing yet adds nothing)
                tasks.add(new Heartbeat.Task(r.job(), r.task(), c));
            }
        });
        return new Heartbeat(Heartbeat.VERSION, node, worker, startedMs, seq.incrementAndGet(),
                System.currentTimeMillis(), intervalSeconds, tasksRunning.get(), copied[0], copied[1], pairsPaused.get(),
                logDropped.getAsLong(), targetsMissing, targets, tasks);
    }

    /** This process as its own /metrics shows it. */
    public MetricsView view() {
        List<MetricsView.Work> out = new ArrayList<>();
        work.forEach((k, t) -> {
            synchronized (t) {
                out.add(new MetricsView.Work(k.job(), k.source(), k.target(), node, worker, t.counters, t.tasks));
            }
        });
        long[] copied = copiedSoFar();
        MetricsView.WorkerState self = new MetricsView.WorkerState(node, worker, true, tasksRunning.get(), copied[0],
                copied[1], pairsPaused.get(), System.currentTimeMillis() / 1000.0, logDropped.getAsLong(), targetsMissing,
                targets);
        return new MetricsView(out, List.of(), List.of(self), List.of(), true, null);
    }
}

package pdm.metrics;

import java.util.List;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import pdm.job.Counters;
import pdm.job.JobStats;

/**
 * An embedded job (one process, in-process queues) as its {@code --metrics-port} shows it:
 * the passes finished so far plus the live counters of the one running.
 */
public final class EmbeddedJob {
    private final MetricsView.JobState def;
    private final String node;
    private final String worker;
    private final LongSupplier logDropped;
    private final Supplier<int[]> queues;
    private final String dirQueue;
    private final String fileQueue;
    private Counters finished = Counters.ZERO;
    private long finishedTasks;
    private JobStats current;
    private int pass;
    private String state = "running";
    private long lastMs = System.currentTimeMillis();

    /**
     * @param def    the job as it starts (its state, pass and times are kept here from then on)
     * @param queues the engine's {dir tasks waiting, file tasks waiting, tasks running}, shown
     *               under the names of the queues they stand for in distributed mode
     */
    public EmbeddedJob(MetricsView.JobState def, String node, String worker, LongSupplier logDropped,
                       Supplier<int[]> queues, String dirQueue, String fileQueue) {
        this.dirQueue = dirQueue;
        this.fileQueue = fileQueue;
        this.def = def;
        this.node = node;
        this.worker = worker;
        this.logDropped = logDropped;
        this.queues = queues;
    }

    /** The engine's stats of the pass running now; a new object means the previous pass is over. */
    public synchronized void observe(JobStats s) {
        if (s != current) {
            if (current != null) {
                finished = finished.plus(Counters.live(current));
                finishedTasks += current.tasks.sum();
            }
            current = s;
            pass++;
        }
        lastMs = System.currentTimeMillis();
    }

    public synchronized void finish() {
        state = "done";
        lastMs = System.currentTimeMillis();
    }

    public synchronized MetricsView view() {
        // (live: bytes as written, so the counter moves during a big file and never goes back)
        Counters c = current == null ? finished : finished.plus(Counters.live(current));
        long tasks = finishedTasks + (current == null ? 0 : current.tasks.sum());
        MetricsView.Work work = new MetricsView.Work(def.job(), def.source(), def.target(), node, worker, c, tasks);
        int[] q = queues.get();
        MetricsView.JobState job = new MetricsView.JobState(def.job(), def.command(), def.source(), def.target(),
                def.path(), def.dryRun(), state, Math.max(1, pass), def.passes(), q[0] + q[1] + q[2],
                def.submittedSeconds(), lastMs / 1000.0);
        // (a dry run copies nothing: its counters say what it would copy, the live ones stay 0)
        MetricsView.WorkerState self = new MetricsView.WorkerState(node, worker, true, q[2],
                def.dryRun() ? 0 : c.filesCopied(), def.dryRun() ? 0 : c.bytes(), 0, System.currentTimeMillis() / 1000.0,
                logDropped.getAsLong(), List.of(), List.of(def.target()));
        List<MetricsView.QueueDepth> depths = List.of(
                new MetricsView.QueueDepth(dirQueue, q[0], -1, -1), new MetricsView.QueueDepth(fileQueue, q[1], -1, -1));
        return new MetricsView(List.of(work), List.of(job), List.of(self), depths, true, null);
    }
}

package pdm.metrics;

import java.util.List;
import pdm.job.Counters;

/**
 * Everything one /metrics scrape shows, as plain data: the monitor builds it from the event
 * log and the worker heartbeats, a worker or an embedded pass from its own process.
 * {@link PdmCollector} turns it into Prometheus metrics, so all three export the same names.
 *
 * @param complete        false while the event log is still being read: the log-based parts
 *                        are then left out, as a half-read log would make counters drop
 * @param brokerConnected the monitor's link to RabbitMQ (null elsewhere)
 */
public record MetricsView(List<Work> work, List<JobState> jobs, List<WorkerState> workers,
                          List<QueueDepth> queues, boolean complete, Boolean brokerConnected) {

    public MetricsView {
        work = List.copyOf(work);
        jobs = List.copyOf(jobs);
        workers = List.copyOf(workers);
        queues = List.copyOf(queues);
    }

    /**
     * What one node, or one worker process, did for one job.
     *
     * @param node   the host
     * @param worker the process (host:pid) on a process's own /metrics, where a restarted worker
     *               is a new series that starts at 0; null on the monitor, which sums each host's
     *               processes (a restart adds no series there)
     */
    public record Work(String job, String source, String target, String node, String worker, Counters counters,
                       long tasks) {
    }

    /**
     * A job as a whole.
     *
     * @param state   running, done or refused
     * @param pass    the pass running now (1-based; the last one once the job is over)
     * @param pending tasks announced and not yet done (queued or running)
     */
    public record JobState(String job, String command, String source, String target, String path, boolean dryRun,
                           String state, int pass, int passes, long pending, double submittedSeconds,
                           double lastEventSeconds) {
    }

    /**
     * A worker process as its heartbeats tell it.
     *
     * @param up          whether it was heard from within the last 3 intervals
     * @param filesCopied files it copied so far, running tasks included (what it did, not what
     *                    counts for a job: a task redone after a crash counts again)
     * @param pairsPaused source/target pairs it takes no work for: a mount = true filesystem is missing
     * @param logDropped  log events it could not ship to Elasticsearch
     * @param targetsMissing write = true filesystems it serves whose path is missing or not a directory
     * @param targets     every write = true filesystem it serves (each gets a series, 0 when it is there)
     */
    public record WorkerState(String node, String worker, boolean up, long tasksRunning, long filesCopied,
                              long bytesCopied, long pairsPaused, double lastSeenSeconds, long logDropped,
                              List<String> targetsMissing, List<String> targets) {
    }

    /** A queue's depth; -1 where it is not known (a queue the broker does not have yet). */
    public record QueueDepth(String queue, long ready, long unacked, long consumers) {
    }

}

package pdm.job;

import java.util.List;
import pdm.task.FinishTask;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskKind;

/**
 * What the durable event log ({@code pdm.events}, a RabbitMQ stream) records. The state of
 * every job is a fold over these events (see {@link JobFold}), so any process can rebuild it:
 * the tracker after a crash, {@code pdm status} long after the client has gone.
 */
public sealed interface JobEvent {
    /** The event's job id, or null for events of no job. */
    String job();

    /**
     * A job was submitted.
     *
     * @param path       the job PATH as exact bytes (%XX, see docs/message-format.md)
     * @param sourceText how summaries name the source ("panda (/mnt/panda)")
     * @param noQueue    --no-queue: refused, not queued, when an earlier job on an overlapping tree still runs
     * @param embedded   an embedded pass (one process, no worker) that takes its turn on the tree: the
     *                   tracker publishes none of its tasks; the process writes a done event of each
     *                   pass's root with the pass's counts, and holds the exclusive queue
     *                   {@code pdm.embedded.JOB} while it runs (gone without the job's end: it died)
     */
    record Submitted(String job, String command, List<Pass> passes, String src, String tgt, String sourceText,
                     String targetText, String path, JobOptions options, long submittedMs, String by,
                     boolean noQueue, boolean embedded) implements JobEvent {
        public Submitted {
            passes = List.copyOf(passes);
        }

        public Submitted(String job, String command, List<Pass> passes, String src, String tgt, String sourceText,
                         String targetText, String path, JobOptions options, long submittedMs, String by) {
            this(job, command, passes, src, tgt, sourceText, targetText, path, options, submittedMs, by, false,
                    false);
        }
    }

    /**
     * The tracker holds the job back: {@code behind}, submitted before it on an overlapping tree
     * (same target, one PATH containing the other), still runs; its first task goes out when
     * that job ends. {@code what} names that job for people ("sync /user_xyz").
     */
    record Queued(String job, String behind, String what, long ts) implements JobEvent {
    }

    /** A task the job's parent tasks announced (or a root) as published to a queue. */
    record Child(String id, TaskKind kind, String rel) {
    }

    /**
     * A task is done ({@code kind} is null for a kind this pdm does not know): its counters, its failures and the tasks it published, which are with
     * the broker before this event is acked. {@code refused} ends the job (a root task's
     * preflight). {@code dirMeta}: a directory task's directory needs its metadata set once its
     * subtree is done (false when nothing is written into it and its metadata is current).
     * {@code differsAt}: a verify range's result, the first byte at which source and target
     * differ in it, or -1 (the same, or no verify range): the file's finish reports it, once.
     */
    record Done(String job, String task, TaskKind kind, List<Child> children, Counters counters,
                List<Failure> failures, String refused, boolean dirMeta, String node, long ts,
                List<Split> splits, long differsAt) implements JobEvent {
        public Done {
            children = List.copyOf(children);
            failures = List.copyOf(failures);
            splits = List.copyOf(splits);
        }

        public Done(String job, String task, TaskKind kind, List<Child> children, Counters counters,
                    List<Failure> failures, String refused, boolean dirMeta, String node, long ts) {
            this(job, task, kind, children, counters, failures, refused, dirMeta, node, ts, List.of());
        }

        public Done(String job, String task, TaskKind kind, List<Child> children, Counters counters,
                    List<Failure> failures, String refused, boolean dirMeta, String node, long ts,
                    List<Split> splits) {
            this(job, task, kind, children, counters, failures, refused, dirMeta, node, ts, splits, -1);
        }
    }

    /**
     * A big file a file task cut into ranges (each also one of its {@code children}): once every
     * range in {@code ranges} has a done event, the tracker publishes {@code finish} under the id
     * {@code finishId}, to place the file (or, when a range failed, to remove its temp file).
     */
    record Split(String finishId, List<String> ranges, FinishTask finish) {
        public Split {
            ranges = List.copyOf(ranges);
        }
    }

    /**
     * The done events of the tasks of one message (one stream append for all of them), in
     * order; the fold takes each as if it came alone.
     */
    record Dones(String job, List<Done> done) implements JobEvent {
        public Dones {
            done = List.copyOf(done);
        }
    }

    /** The tracker published tasks it derived (passIndex roots, directories' metadata tasks). */
    record Published(String job, List<String> tasks) implements JobEvent {
        public Published {
            tasks = List.copyOf(tasks);
        }

        public Published(String job, String task) {
            this(job, List.of(task));
        }
    }

    /**
     * {@code pdm cancel}: no task of the job starts from here on (workers drop them), the job
     * ends as cancelled with its counts so far. {@code by} is user@host of the canceller.
     */
    record Cancelled(String job, String by, long ts) implements JobEvent {
    }

    /** A reader wrote this to know when it has read everything before it. */
    record Mark(String id) implements JobEvent {
        @Override
        public String job() {
            return null;
        }
    }
}

package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.engine.Interrupt;
import pdm.engine.TaskRunner;
import pdm.engine.TaskSink;
import pdm.job.Counters;
import pdm.job.Failure;
import pdm.job.JobEvent;
import pdm.job.JobStats;
import pdm.metrics.ProcessStats;
import pdm.task.BadMessageException;
import pdm.task.DirTask;
import pdm.task.TaskCodec;
import pdm.task.TaskKind;
import pdm.task.TaskMessage;

/**
 * The worker's ack protocol for one delivered message (a batch of tasks of one job): decode,
 * run each task with the engine (and, breadth first, the directories they find, while the
 * delivery has seen fewer than {@code walkEntries} entries: each its own task with its own
 * done event, but not a message each), wait until the broker has confirmed every task they published
 * (gathered in few messages by {@link ChildBatches}), publish their done events in one stream
 * message and wait for that confirm too, and only then ack, once for the whole batch. Whatever
 * fails before the ack gives the message back to its queue (the broker delivers it again, and
 * everything a task does is idempotent, its children's ids included); a message that cannot be
 * a task of this worker's pair goes to the dead-letter queue, with a done event per task naming
 * the failure when it names its job. Its inputs are explicit: the delivery, its receipt (the
 * consumer channel's ack and requeue), the outbox (a confirm-mode {@link Publisher}) and whether
 * the worker admits work now.
 */
final class TaskDelivery {
    private static final Logger log = LoggerFactory.getLogger(TaskDelivery.class);

    /** Where a delivery's messages go, each confirmed by {@link #await()}: {@link Publisher} in a worker. */
    interface Outbox {
        /** One message carrying the batch (tasks of one job and pass, for one queue). */
        void tasks(List<TaskMessage> batch) throws IOException;

        void event(JobEvent e) throws IOException;

        void deadLetter(byte[] body, AMQP.BasicProperties original, String queue, String node, String reason)
                throws IOException;

        /** Returns when the broker has taken everything published so far; throws when it did not. */
        void await() throws IOException, InterruptedException;
    }

    /** Gives the calling thread's outbox, opened on first use. */
    interface Outboxes {
        Outbox get() throws IOException;
    }

    /** The delivery's consumer channel: the ack that ends the protocol, or the task back to its queue. */
    interface Receipt {
        void ack() throws IOException;

        /** Never throws: a channel that is gone has given the task back already. */
        void requeue();

        /**
         * The channel it came on is gone: the broker gives the task to another consumer, and no ack
         * can end it here. Its run stops at its next entry, so that two runs of one task do not race
         * over the same entries (a delete's removals counted as failed by the run that comes second).
         */
        default boolean lost() {
            return false;
        }
    }

    /** A message as the broker delivered it, from {@code queue}. */
    record Incoming(String queue, byte[] body, AMQP.BasicProperties properties, boolean redelivered) {
    }

    private final FsPair pair;
    private final TaskRunner runner;
    private final ProcessStats stats;
    private final String node;
    private final int filesPerTask;
    private final long walkEntries;
    private final Predicate<String> cancelled;

    /** At most this many directories walked in one delivery (its own and those its walk finds). */
    static final int WALK_DIRS = 1000;
    /** A delivery walks on into the directories its tasks find until it has seen this many files_per_task of entries. */
    static final int WALK_FILE_TASKS = 10;

    /**
     * @param filesPerTask entries per message of file tasks (files_per_task)
     * @param walkEntries  a delivery walks on into the directories its tasks find (instead of
     *                     sending each to the dir queue) until it has seen this many entries
     *                     ({@link #walkEntries(int)}; 0: never)
     */
    TaskDelivery(FsPair pair, TaskRunner runner, ProcessStats stats, String node, int filesPerTask, long walkEntries) {
        this(pair, runner, stats, node, filesPerTask, walkEntries, job -> false);
    }

    /** @param cancelled whether a job is cancelled: its tasks are acked and not run */
    TaskDelivery(FsPair pair, TaskRunner runner, ProcessStats stats, String node, int filesPerTask, long walkEntries,
                 Predicate<String> cancelled) {
        this.cancelled = cancelled;
        this.pair = pair;
        this.runner = runner;
        this.stats = stats;
        this.node = node;
        this.filesPerTask = filesPerTask;
        this.walkEntries = walkEntries;
    }

    /** How far a delivery walks on by itself: {@link #WALK_FILE_TASKS} file tasks' worth of entries. */
    static long walkEntries(int filesPerTask) {
        return (long) WALK_FILE_TASKS * filesPerTask;
    }

    /**
     * @param admitted false when the worker takes no work now (stopping, its consumer cancelled,
     *                 a filesystem unmounted): the task goes back untouched
     */
    void handle(Incoming in, Receipt receipt, Outboxes outboxes, boolean admitted) {
        if (!admitted) {
            receipt.requeue();
            return;
        }
        String what = "a message";
        List<JobStats> taskStats = new ArrayList<>();
        stats.taskStarted();
        try {
            Outbox out = outboxes.get();
            List<TaskMessage> batch;
            try {
                batch = TaskCodec.decodeAll(in.body());
                for (TaskMessage m : batch) {
                    checkPair(m);
                }
            } catch (BadMessageException e) {
                deadLetter(out, in, e.getMessage());
                receipt.ack();
                return;
            }
            TaskMessage first = batch.get(0);
            what = (batch.size() == 1 ? "task " + first.taskId() : batch.size() + " tasks from " + first.taskId())
                    + " of job " + first.jobId();
            if (cancelled.test(first.jobId())) {
                log.info("dropping {}: the job is cancelled", what);
                receipt.ack();
                return;
            }
            long started = System.nanoTime();
            ChildBatches sent = new ChildBatches(out, filesPerTask);
            List<JobEvent.Done> done = new ArrayList<>(batch.size());
            Deque<TaskMessage> todo = new ArrayDeque<>(batch);
            long skipped = 0;
            int dirs = 0;
            for (TaskMessage m = todo.poll(); m != null && !cancelled.test(m.jobId()); m = todo.poll()) {
                JobEvent.Done d = run(m, in.redelivered(), sent, taskStats, receipt);
                if (receipt.lost()) {
                    // (stopped part way, or done: either way its done event cannot be acked with it, and
                    // the run the broker gives it to announces the children it plans)
                    log.warn("{} stopped: its delivery's channel closed; the broker delivers it again", what);
                    return;
                }
                done.add(d);
                skipped += d.counters().filesSkipped();
                dirs += m.task() instanceof DirTask ? 1 : 0;
                // Walk on here, breadth first, while the delivery is small: a task per directory
                // but not a message per directory (its done event goes with the others, below).
                if (todo.isEmpty() && sent.gathered() + skipped < walkEntries && dirs < WALK_DIRS) {
                    TaskMessage next = sent.takeDir();
                    if (next != null) {
                        todo.add(next);
                    }
                }
            }
            sent.flush();
            long ran = System.nanoTime();
            // The children first, confirmed, then the done events that announce them: a re-run
            // may plan different batches, so a child lost after its parent's done event was
            // kept would never come again and the job would wait for it forever.
            out.await();
            out.event(new JobEvent.Dones(first.jobId(), done));
            out.await();
            receipt.ack();
            for (JobEvent.Done d : done) {
                stats.taskDone(d.job(), first.src(), first.tgt(), d.counters());
            }
            if (log.isDebugEnabled()) {
                log.debug("{} ({}, {} messages published): ran {} ms, confirmed {} ms", what, in.queue(),
                        sent.messages(), (ran - started) / 1_000_000, (System.nanoTime() - ran) / 1_000_000);
            }
        } catch (IOException | ShutdownSignalException | TaskSink.PublishFailed e) {
            log.warn("{} not finished ({}); the broker delivers it again", what, Rabbit.reason(e));
            receipt.requeue(); // a live consumer channel would otherwise hold it unacked
        } catch (RuntimeException e) {
            // A bug in pdm outside the task's own work: keep the message, with the reason, not a crash loop.
            log.error("{} could not be handled", what, e);
            try {
                deadLetter(outboxes.get(), in, "pdm could not handle it: " + e);
                receipt.ack();
            } catch (IOException | RuntimeException again) {
                receipt.requeue();
            } catch (InterruptedException again) {
                Thread.currentThread().interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // (only now: a task's report must last until its done event is out, or progress would dip)
            taskStats.forEach(stats::ended);
            stats.taskEnded();
        }
    }

    /**
     * Runs one task of the batch; its live counts show in the heartbeats while it runs and until
     * the delivery ends (its done event is out then), when the caller ends each of {@code started}.
     */
    private JobEvent.Done run(TaskMessage m, boolean redelivered, ChildBatches sent, List<JobStats> started,
                              Receipt receipt) throws InterruptedException {
        JobStats taskStats = new JobStats();
        started.add(taskStats);
        stats.running(m.jobId(), m.taskId(), taskStats, m.options().dryRun());
        try {
            ChildTasks children = new ChildTasks(m, sent);
            // pdm cancel, or the delivery lost: the task stops at its next entry or chunk, its temp file removed
            TaskRunner.Outcome o = runner.run(m, pair.src(), pair.tgt(), redelivered, children, taskStats,
                    Interrupt.when(() -> cancelled.test(m.jobId()) || receipt.lost()));
            return done(m, o, children.children(), children.splits());
        } finally {
            taskStats.logRepeats();
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

    private JobEvent.Done done(TaskMessage m, TaskRunner.Outcome o, List<JobEvent.Child> children,
                               List<JobEvent.Split> splits) {
        JobStats s = o.stats();
        return new JobEvent.Done(m.jobId(), m.taskId(), TaskKind.of(m.task()), children, Counters.of(s),
                s.failures(), o.refused(), o.dirMeta(), node, System.currentTimeMillis(), splits, s.differsAt());
    }

    /** Keeps the message with its reason; if it names its job and tasks, the job hears of each as a failure. */
    private void deadLetter(Outbox out, Incoming in, String reason) throws IOException, InterruptedException {
        log.error("message from {} sent to {}: {}", in.queue(), Topology.DEAD, reason);
        out.deadLetter(in.body(), in.properties(), in.queue(), node, reason);
        TaskCodec.Ids ids = TaskCodec.peekIds(in.body());
        Counters oneFailure = new Counters(0, 0, 0, 1, 0, 0, 0, 0, 0);
        if (ids != null) {
            List<JobEvent.Done> done = new ArrayList<>();
            for (String task : ids.tasks()) {
                done.add(new JobEvent.Done(ids.job(), task, TaskKind.DEAD, List.of(), oneFailure,
                        List.of(new Failure("(task " + task + " from " + in.queue() + ")",
                                "not run, sent to " + Topology.DEAD + ": " + reason)), null, false, node,
                        System.currentTimeMillis()));
            }
            out.event(new JobEvent.Dones(ids.job(), done));
        }
        out.await();
        if (ids != null) {
            for (int i = 0; i < ids.tasks().size(); i++) {
                stats.taskDone(ids.job(), pair.src().name(), pair.tgt().name(), oneFailure);
            }
        }
    }
}

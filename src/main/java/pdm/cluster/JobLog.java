package pdm.cluster;

import pdm.job.LogPosition;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.PdmException;
import pdm.job.JobEvent;
import pdm.job.Counters;
import pdm.job.JobFold;
import pdm.metrics.Heartbeat;
import pdm.metrics.InFlight;

/** What clients do with the event log: submit a job, read every job's state, follow one job to its end. */
public final class JobLog {
    private static final Logger log = LoggerFactory.getLogger(JobLog.class);
    private static final long CATCH_UP_MS = 120_000;
    /** System property: how long --wait waits for a job's first task before checking that a worker serves it (ms). */
    public static final String NO_WORKER_HINT_MS = "pdm.noWorkerHintMs";
    /** System property: how long a started job's tasks must be held nowhere before the wait says they are likely lost (tests). */
    public static final String LOST_TASKS_MS = "pdm.lostTasksMs";

    private JobLog() {
    }

    /**
     * Records the job; the tracker (in a worker) publishes its first task. The pair's queues are
     * declared first, with {@code shards} ({@code [rabbitmq] queue_shards}): a count other than the
     * broker's refuses the job ({@link ShardsMismatch}) before it exists.
     */
    public static void submit(BrokerUri uri, JobEvent.Submitted job, int shards) {
        try (Connection c = Rabbit.connect(uri, "pdm submit " + job.job(), null);
             Publisher p = new Publisher(c, shards)) {
            Topology.declareCommon(p.channel());
            p.declarePair(job.src(), job.tgt());
            if (job.options().maxDelete() != null) {
                // before the job exists: no worker may remove for it without its budget in place
                try (Channel b = c.createChannel()) {
                    RemovalBudgets.create(b, job.job(), job.options().maxDelete());
                }
            }
            p.event(job);
            p.await();
        } catch (IOException | TimeoutException e) {
            throwIfRefused(e, uri);
            throw new PdmException("cannot submit the job to RabbitMQ at " + uri + ": " + Rabbit.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PdmException("interrupted while submitting the job; it may or may not have been recorded");
        }
    }

    /**
     * Records that the job is cancelled: workers drop its tasks from here on, every reader of the
     * log sees it end as cancelled with its counts so far.
     */
    public static void cancel(BrokerUri uri, JobEvent.Cancelled cancel) {
        try (Connection c = Rabbit.connect(uri, "pdm cancel " + cancel.job(), null);
             Publisher p = new Publisher(c, 1)) { // (events only)
            Topology.declareCommon(p.channel());
            p.event(cancel);
            p.await();
        } catch (IOException | TimeoutException e) {
            throwIfRefused(e, uri);
            throw new PdmException("cannot record the cancel in RabbitMQ at " + uri + ": " + Rabbit.reason(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PdmException("interrupted while cancelling; pdm status " + cancel.job() + " tells whether it was");
        }
    }

    /** Every job with events since {@code from}, as the log tells it now. */
    public static JobFold read(BrokerUri uri, LogPosition from) throws InterruptedException {
        JobFold fold = new JobFold();
        try (Connection c = Rabbit.connect(uri, "pdm status", null);
             EventReader r = new EventReader(c, from, e -> apply(fold, e), null)) {
            if (!r.awaitCaughtUp(CATCH_UP_MS)) {
                throw new PdmException("could not read the event log " + Topology.EVENTS + " to its end within "
                        + CATCH_UP_MS / 1000 + " s");
            }
        } catch (IOException | TimeoutException e) {
            throwIfRefused(e, uri);
            throw new PdmException("cannot read job state from RabbitMQ at " + uri + ": " + Rabbit.reason(e), e);
        }
        synchronized (fold) {
            return fold;
        }
    }

    /** The jobs as the log tells them, and what the workers' running tasks have done so far. */
    public record Live(JobFold fold, InFlight inFlight) {
    }

    /**
     * Every job with events since {@code from}, as {@link #read}, and the running tasks the
     * workers report: heartbeats are heard from before the log is read, and, when a job runs,
     * for at least {@link Heartbeat#BUSY_EVERY_MS} and a little more (every busy worker sends one
     * within that), so status shows a running job's bytes as they are written.
     */
    public static Live readLive(BrokerUri uri, LogPosition from) throws InterruptedException {
        JobFold fold = new JobFold();
        InFlight inFlight = new InFlight(System::currentTimeMillis);
        try (Connection c = Rabbit.connect(uri, "pdm status", null)) {
            long listening = System.nanoTime();
            HeartbeatQueue.listen(c, InFlight.BELIEVED_MS, inFlight::heard, () -> { });
            try (EventReader r = new EventReader(c, from, e -> apply(fold, e), null)) {
                if (!r.awaitCaughtUp(CATCH_UP_MS)) {
                    throw new PdmException("could not read the event log " + Topology.EVENTS + " to its end within "
                            + CATCH_UP_MS / 1000 + " s");
                }
            }
            boolean running;
            synchronized (fold) {
                running = fold.jobs().stream().anyMatch(j -> j.state() == JobFold.State.RUNNING);
            }
            long heardAll = listening + TimeUnit.MILLISECONDS.toNanos(Heartbeat.BUSY_EVERY_MS + 500);
            if (running && heardAll - System.nanoTime() > 0) {
                TimeUnit.NANOSECONDS.sleep(heardAll - System.nanoTime());
            }
        } catch (IOException | TimeoutException e) {
            throwIfRefused(e, uri);
            throw new PdmException("cannot read job state from RabbitMQ at " + uri + ": " + Rabbit.reason(e), e);
        }
        synchronized (fold) {
            return new Live(fold, inFlight);
        }
    }

    /**
     * Follows one job until it is over, calling {@code progress} about every 200 ms with its
     * state and its running pass's live counters (its done tasks', and what the workers' running
     * tasks have done so far: {@link InFlight}); survives broker restarts by reading the log again. When no task of the job is done
     * after {@link #NO_WORKER_HINT_MS} and some shard of its pair's dir queue (of {@code shards})
     * has no consumer, tells {@code notice} once (the wait goes on: the job stays queued for a worker to come);
     * so too when the tracker holds the job back behind an earlier one on an overlapping tree, and
     * when its pending tasks have been held nowhere for {@link LostTasks#AFTER_MS} ({@link LostTasks}).
     * A job that is not in the event log at all ends the wait ({@link JobLost}).
     */
    public static JobFold.Job follow(BrokerUri uri, String jobId, int shards, Instant from,
                                     BiConsumer<JobFold.Job, Counters> progress, Consumer<String> notice)
            throws InterruptedException {
        long backoff = 1000;
        long hintAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Long.getLong(NO_WORKER_HINT_MS, 30_000));
        boolean hinted = false;
        boolean saidQueued = false; // (once, also across a reconnect)
        LostTasks lost = new LostTasks(Long.getLong(LOST_TASKS_MS, LostTasks.AFTER_MS));
        long lookAt = 0;
        boolean saidLost = false;
        while (true) {
            JobFold fold = new JobFold();
            InFlight inFlight = new InFlight(System::currentTimeMillis);
            try (Connection c = Rabbit.connect(uri, "pdm wait " + jobId, null);
                 EventReader r = new EventReader(c, LogPosition.since(from), e -> apply(fold, e), null)) {
                // (progress without them only lags: no reason to start over when they stop)
                HeartbeatQueue.listen(c, InFlight.BELIEVED_MS, inFlight::heard, () -> { });
                backoff = 1000;
                if (r.awaitCaughtUp(CATCH_UP_MS)) {
                    synchronized (fold) {
                        if (fold.job(jobId) == null) {
                            throw new JobLost("job " + jobId + " is not in the event log " + Topology.EVENTS
                                    + " (was it deleted, or is this node's clock far from the broker's?); it may "
                                    + "still run: see pdm status, or stop it with pdm cancel " + jobId);
                        }
                    }
                }
                while (!r.ended()) {
                    synchronized (fold) {
                        JobFold.Job j = fold.job(jobId);
                        if (j != null && j.state() != JobFold.State.RUNNING) {
                            return j;
                        }
                        if (j != null && j.queued() != null && !saidQueued && j.startedMs() < 0) {
                            saidQueued = true;
                            notice.accept("waiting for job " + j.queued().behind() + " (" + j.queued().what()
                                    + ") to finish: it runs on an overlapping tree");
                        }
                        if (j != null) {
                            progress.accept(j, inFlight.live(j));
                        }
                    }
                    if (!hinted && System.nanoTime() - hintAt > 0) {
                        hinted = noWorkerHint(c, fold, jobId, shards, notice);
                        hintAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    }
                    if (!saidLost && System.nanoTime() - lookAt > 0) {
                        saidLost = lostTasks(c, fold, inFlight, jobId, shards, lost, notice);
                        lookAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
                    }
                    Thread.sleep(200);
                }
                log.warn("lost the event log while waiting for job {}; reading it again", jobId);
            } catch (PdmException e) {
                throw e; // (an answer, not a broker out of reach: asking again gives the same one)
            } catch (IOException | TimeoutException | RuntimeException e) {
                throwIfRefused(e, uri);
                log.warn("broker {} not reachable while waiting for job {}: {}; retrying in {} s", uri, jobId,
                        Rabbit.reason(e), backoff / 1000);
            }
            Thread.sleep(backoff);
            backoff = Math.min(30_000, backoff * 2);
        }
    }

    /**
     * Tells {@code notice} once the job's pending tasks have been held nowhere long enough
     * ({@link LostTasks}); returns whether it did. A notice, not the end of the wait: a task a
     * worker took ahead (its prefetch) while another job's long task runs shows in neither count.
     */
    private static boolean lostTasks(Connection c, JobFold fold, InFlight inFlight, String jobId, int shards,
                                     LostTasks lost, Consumer<String> notice) throws IOException {
        boolean running = !inFlight.of(jobId).isEmpty();
        String src;
        String tgt;
        int pending;
        long done;
        boolean started;
        synchronized (fold) {
            JobFold.Job j = fold.job(jobId);
            if (j == null || j.state() != JobFold.State.RUNNING) {
                return false;
            }
            src = j.def.src();
            tgt = j.def.tgt();
            pending = j.tasksPending();
            done = j.tasksDone();
            // (not queued, and a worker and the tracker are up)
            started = lost.started(j.startedMs() >= 0, running);
        }
        long ready = 0;
        if (started && pending > 0 && !running) { // (the queues are asked only when the rest says so)
            for (String q : Topology.pairQueues(src, tgt, shards)) {
                ready += QueueDepths.ready(c, q);
            }
        }
        if (!lost.lost(System.currentTimeMillis(), started, pending, done, running, ready)) {
            return false;
        }
        notice.accept("job " + jobId + " waits for " + pending + " tasks, but for " + lost.waited()
                + " no queue of " + src + " -> " + tgt + " has held a ready one, no worker has run one and none was "
                + "done: they were likely lost (a queue purged or deleted, a policy that dropped messages; see also "
                + Topology.DEAD + "), and the job would wait forever, holding back later jobs on its tree. If so, "
                + "stop it with pdm cancel " + jobId + " and run the command again; the wait goes on meanwhile");
        return true;
    }

    /** Whether the question is settled: the job has started, or the notice that no worker serves it is given. */
    private static boolean noWorkerHint(Connection c, JobFold fold, String jobId, int shards,
                                        Consumer<String> notice) {
        String src;
        String tgt;
        synchronized (fold) {
            JobFold.Job j = fold.job(jobId);
            if (j == null) {
                return false;
            }
            if (j.tasksDone() > 0) {
                return true;
            }
            src = j.def.src();
            tgt = j.def.tgt();
        }
        // Every shard must be served: the one with the fewest consumers tells.
        String queue = null;
        int consumers = Integer.MAX_VALUE;
        for (String q : Topology.dirQueues(src, tgt, shards)) {
            int n;
            try {
                n = QueueDepths.consumers(c, q);
            } catch (IOException e) {
                log.debug("cannot count the consumers of {}: {}", q, Rabbit.reason(e));
                return false;
            }
            if (n < consumers) {
                consumers = n;
                queue = q;
            }
        }
        if (consumers > 0) {
            return false; // served, only busy: ask again later, a worker may go
        }
        notice.accept("no worker is consuming " + queue + " (0 consumers); start pdm worker on a node with "
                + "write = true for '" + tgt + "', or Ctrl-C (the job stays queued)");
        return true;
    }

    private static void apply(JobFold fold, JobEvent e) {
        synchronized (fold) {
            fold.apply(e);
        }
    }

    /** A refusal (password, vhost, permissions) ends a client at once, in one line naming the fix. */
    private static void throwIfRefused(Throwable e, BrokerUri uri) {
        AccessRefused refused = AccessRefused.of(e, uri);
        if (refused != null) {
            throw refused;
        }
    }
}

package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.Hosts;
import pdm.PdmException;
import pdm.job.Counters;
import pdm.job.Failure;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.job.LogPosition;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/**
 * An embedded pass's turn on its tree, when a broker is configured: the pass is recorded in
 * the event log as a job ({@link JobEvent.Submitted#embedded}), waits while a job before it on
 * an overlapping tree runs (the rule the tracker applies to distributed jobs, {@link JobFold#ahead},
 * on the same log), writes a done event of each pass's root with the pass's counts, and holds
 * the exclusive queue {@code pdm.embedded.JOB} from before its job event to after its last one:
 * the broker drops it with the process's connection, which tells the tracker, or the next pass
 * waiting, that a job with no end in the log has no process left ({@link #reapIfGone}).
 */
public final class EmbeddedTurn implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedTurn.class);
    private static final long CATCH_UP_MS = 60_000;

    /** No broker to take turns with (unreachable, refused): the pass runs alone, as without one. */
    public static final EmbeddedTurn NONE = new EmbeddedTurn(null, null, null);

    private final Connection conn;
    private final Publisher publisher;
    private final JobEvent.Submitted job;
    private int passesDone;

    private EmbeddedTurn(Connection conn, Publisher publisher, JobEvent.Submitted job) {
        this.conn = conn;
        this.publisher = publisher;
        this.job = job;
    }

    /** The queue an embedded job's process holds while it runs. */
    static String aliveQueue(String jobId) {
        return "pdm.embedded." + jobId;
    }

    /**
     * Records the job and returns when no job before it on an overlapping tree runs any more,
     * or when {@code giveUp} says so (Ctrl-C: the pass then stops before it starts). Tells
     * {@code notice} once whom it waits for. A broker that cannot be reached or refuses gives
     * {@link #NONE} with a warning: an embedded pass never fails for want of a broker.
     */
    public static EmbeddedTurn take(BrokerUri uri, JobEvent.Submitted job, Consumer<String> notice,
                                    BooleanSupplier giveUp) throws InterruptedException {
        Connection c = null;
        try {
            c = Rabbit.connect(uri, "pdm embedded " + job.job(), null);
            Channel lock = c.createChannel();
            lock.queueDeclare(aliveQueue(job.job()), false, true, true, null);
            Publisher p = new Publisher(c, 1); // (events only)
            Topology.declareCommon(p.channel());
            LogPosition from = Tracker.checkpoint(p.channel()); // every job that may be ahead is after it
            p.event(job);
            p.await();
            EmbeddedTurn turn = new EmbeddedTurn(c, p, job);
            try {
                turn.await(from, notice, giveUp);
            } catch (PdmException cancelled) {
                closeQuietly(c);
                throw cancelled;
            }
            return turn;
        } catch (IOException | TimeoutException | ShutdownSignalException e) {
            // (a refused login too: amqp-client says so with an IOException)
            log.warn("cannot take this pass's turn on its tree at RabbitMQ {} ({}): running it without; a "
                    + "distributed job on the same tree is not kept apart from it", uri, Rabbit.reason(e));
            closeQuietly(c);
            return NONE;
        }
    }

    private void await(LogPosition from, Consumer<String> notice, BooleanSupplier giveUp)
            throws IOException, InterruptedException {
        JobFold fold = new JobFold(false);
        try (EventReader r = new EventReader(conn, from, e -> {
            synchronized (fold) {
                fold.apply(e);
            }
        }, null)) {
            if (!r.awaitCaughtUp(CATCH_UP_MS)) {
                throw new IOException("could not read the event log " + Topology.EVENTS + " to its end within "
                        + CATCH_UP_MS / 1000 + " s");
            }
            boolean said = false;
            while (!giveUp.getAsBoolean()) {
                JobFold.Job ahead;
                synchronized (fold) {
                    JobFold.Job mine = fold.job(job.job());
                    ahead = mine == null ? null : fold.ahead(mine);
                    if (mine != null && mine.state() == JobFold.State.CANCELLED) {
                        throw new PdmException("job " + job.job() + " was cancelled by " + mine.cancelledBy()
                                + " while it waited for its turn; nothing was done");
                    }
                }
                if (ahead == null) {
                    // its turn: as the tracker notes a root it sent, so that readers see it run, not wait
                    publisher.event(new JobEvent.Published(job.job(), TaskIds.root(job.job(), 0)));
                    publisher.await();
                    return;
                }
                if (job.noQueue()) {
                    JobEvent.Dones refused = JobFold.refusedForNoQueue(job, ahead, Hosts.processId());
                    publisher.event(refused);
                    publisher.await();
                    throw new PdmException(refused.done().get(0).refused());
                }
                if (!said) {
                    said = true;
                    notice.accept("waiting for job " + ahead.id() + " (" + ahead.what() + ") to finish: it runs on "
                            + "an overlapping tree");
                    publisher.event(new JobEvent.Queued(job.job(), ahead.id(), ahead.what(), System.currentTimeMillis()));
                    publisher.await();
                }
                if (ahead.def.embedded()) {
                    reapIfGone(conn, ahead.def);
                }
                if (r.ended()) {
                    throw new IOException("lost the event log while waiting for job " + ahead.id());
                }
                Thread.sleep(500);
            }
        }
    }

    /** A pass is over: its counts, as a done event of its root (the fold then starts the next pass). */
    public void passDone(Counters counters, List<Failure> failures) {
        if (publisher == null) {
            return;
        }
        String root = TaskIds.root(job.job(), passesDone++);
        try {
            publisher.event(new JobEvent.Dones(job.job(), List.of(new JobEvent.Done(job.job(), root, TaskKind.DIR,
                    List.of(), counters, failures, null, false, Hosts.processId(), System.currentTimeMillis()))));
            publisher.await();
        } catch (IOException | RuntimeException e) {
            log.warn("could not record the end of a pass of job {} in the event log: {}", job.job(), Rabbit.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (publisher == null) {
            return;
        }
        if (passesDone < job.passes().size()) { // (Ctrl-C, a refusal, an error)
            try {
                publisher.event(new JobEvent.Cancelled(job.job(), job.by() + " (the embedded pass stopped)",
                        System.currentTimeMillis()));
                publisher.await();
            } catch (IOException | RuntimeException e) {
                log.debug("could not record that job {} stopped: {}", job.job(), Rabbit.reason(e));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        publisher.close();
        closeQuietly(conn); // (last: the alive queue goes with it, after the job's end is in the log)
    }

    /**
     * An embedded job whose process is gone (its alive queue with it) and whose end is not in
     * the log: ends it as cancelled, so the tree is free. Returns whether it did. Safe to race
     * with the process's own last event: that one is in the log before its queue goes.
     */
    static boolean reapIfGone(Connection c, JobEvent.Submitted job) {
        try (Channel probe = c.createChannel()) {
            probe.queueDeclarePassive(aliveQueue(job.job()));
            return false; // (not seen: the broker says RESOURCE_LOCKED for another connection's exclusive queue)
        } catch (IOException | TimeoutException | RuntimeException e) {
            if (!c.isOpen() || !notFound(e)) {
                return false; // there (locked by its process), or our connection is gone, not the process
            }
        }
        try (Publisher p = new Publisher(c, 1)) {
            p.event(new JobEvent.Cancelled(job.job(), "pdm, as the embedded process of " + job.by() + " is gone",
                    System.currentTimeMillis()));
            p.await();
            log.warn("embedded job {} of {} has no process left (its queue {} is gone): ended it as cancelled",
                    job.job(), job.by(), aliveQueue(job.job()));
            return true;
        } catch (IOException | RuntimeException e) {
            log.warn("could not end embedded job {}, whose process is gone: {}", job.job(), Rabbit.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Whether the broker closed the channel with 404 NOT_FOUND: the queue is not there. */
    private static boolean notFound(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s && s.getReason() instanceof AMQP.Channel.Close close) {
                return close.getReplyCode() == AMQP.NOT_FOUND;
            }
        }
        return false;
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null && c.isOpen()) {
                c.close(5000);
            }
        } catch (IOException | RuntimeException e) {
            // already gone
        }
    }
}

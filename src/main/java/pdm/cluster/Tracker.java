package pdm.cluster;

import pdm.job.LogPosition;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.MessageProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.task.DirMetaTask;
import pdm.task.TaskIds;
import pdm.task.TaskMessage;

/**
 * The job tracker: folds the event log and publishes the tasks only the whole job can see
 * are due: each passIndex's root (so a sync's passes run in order) and a directory's metadata
 * task once its subtree is done (deepest first, across nodes). One worker at a time holds
 * it, by owning the exclusive queue {@code pdm.tracker}; when that worker dies the broker
 * drops the queue and another worker takes over, replays the log and carries on. It
 * publishes a task before it records that it did, so a crash in between gives a duplicate,
 * which the derived ids make harmless, never a task that is lost. It keeps one job at a time
 * per tree: a job's first task waits while an earlier job on an overlapping tree runs
 * ({@link JobFold#ahead}), and it ends embedded jobs whose process died ({@link #reapEmbedded}).
 */
final class Tracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Tracker.class);

    /** Metadata tasks due at once go in messages of at most this many (one consumer runs them in order). */
    static final int MAX_PER_MESSAGE = 500;
    /** How long a due metadata task may wait for others to share its message (ms). */
    static final long GATHER_MS = 500;
    /** Per job: since when its oldest unsent due task waits. */
    private final Map<String, Long> dueSince = new HashMap<>();

    private final Channel lock;
    private final Publisher publisher;
    private final JobFold fold = new JobFold(false);
    private final Map<String, Set<Long>> sent = new HashMap<>();
    /** The jobs held back behind another on their tree, and whether their Queued event is out. */
    private final Map<String, Boolean> held = new LinkedHashMap<>();
    /** The running embedded jobs (read by {@link #reapEmbedded} on another thread). */
    private final Map<String, JobEvent.Submitted> embedded = new ConcurrentHashMap<>();
    private final Connection conn;
    private final EventReader reader;
    private volatile boolean caughtUp;
    /** Where each running job's events begin in the log, for the checkpoint. */
    private final Map<String, Long> jobOffsets = new HashMap<>();
    private long lastOffset;
    private long lastCheckpointMs;

    /** Takes the tracker role, or throws IOException (RESOURCE_LOCKED) when another worker has it. */
    Tracker(Connection c, int shards) throws IOException, InterruptedException {
        this.conn = c;
        Channel ch = c.createChannel();
        ch.queueDeclare(Topology.TRACKER_LOCK, false, true, true, null); // refused: the broker closes ch
        this.lock = ch;
        Publisher p = null;
        try {
            p = new Publisher(c, shards);
            Topology.declareCommon(p.channel());
            this.startedFrom = checkpoint(ch);
            // (a tracker that reads nothing new must write back the offset it started from, not 0)
            this.lastOffset = startedFrom instanceof LogPosition.At at ? at.offset() - 1 : -1;
            this.publisher = p;
            this.reader = new EventReader(c, startedFrom, this::onEvent, this::onCaughtUp);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // Hand the role back, or no other worker could take it while this connection lives.
            if (p != null) {
                p.close();
            }
            releaseLock();
            throw e;
        }
        this.startedMs = System.currentTimeMillis();
        log.info("this worker is the job tracker now; reading the event log from {}", startedFrom);
    }

    private final LogPosition startedFrom;
    private final long startedMs;

    /**
     * A tracker whose checkpoint lies past the end of the log (a log deleted and made anew)
     * drops it, so the next tracker reads from the start (see {@link EventReader#pastTheEnd}).
     * A long replay of a big running job is not that: it delivers events all along.
     */
    boolean stuckOnStaleCheckpoint() {
        if (caughtUp || !(startedFrom instanceof LogPosition.At from) || !reader.pastTheEnd(from.offset(), startedMs)) {
            return false;
        }
        log.warn("tracker found no end of the event log from its checkpoint at {}; reading it from the start",
                startedFrom);
        try {
            lock.basicGet(Topology.CHECKPOINT, true); // taken, not put back
        } catch (IOException | RuntimeException e) {
            // the role goes anyway
        }
        return true;
    }

    /**
     * Where the last tracker said the log must be read from (the start of the oldest running
     * job, or the end when none ran), so a takeover does not replay the whole history.
     */
    static LogPosition checkpoint(Channel ch) throws IOException {
        GetResponse g = ch.basicGet(Topology.CHECKPOINT, false);
        if (g == null) {
            return LogPosition.FIRST;
        }
        ch.basicReject(g.getEnvelope().getDeliveryTag(), true); // leave it for the next tracker
        try {
            long from = new ObjectMapper().readTree(g.getBody()).path("from").asLong(-1);
            return from >= 0 ? LogPosition.at(from) : LogPosition.FIRST;
        } catch (IOException e) {
            return LogPosition.FIRST;
        }
    }

    private void writeCheckpoint() {
        long from = lastOffset + 1;
        for (long o : jobOffsets.values()) { // (running jobs only: finished ones are removed)
            from = Math.min(from, o);
        }
        try {
            byte[] body = ("{\"from\":" + from + ",\"ts\":" + System.currentTimeMillis() + "}")
                    .getBytes(StandardCharsets.UTF_8);
            publisher.channel().basicPublish("", Topology.CHECKPOINT, MessageProperties.PERSISTENT_BASIC, body);
            lastCheckpointMs = System.currentTimeMillis();
        } catch (IOException | RuntimeException e) {
            log.warn("tracker could not write its checkpoint: {}", Rabbit.reason(e));
        }
    }

    private void onEvent(JobEvent e, long offset) {
        lastOffset = Math.max(lastOffset, offset);
        fold.apply(e);
        JobFold.Job j = e.job() == null ? null : fold.job(e.job());
        // (after the fold took it: a job event it refused must not pin the checkpoint forever)
        if (e instanceof JobEvent.Submitted s && offset >= 0 && j != null && j.state() == JobFold.State.RUNNING) {
            jobOffsets.putIfAbsent(s.job(), offset);
        }
        if (e instanceof JobEvent.Submitted s && s.embedded() && j != null && j.state() == JobFold.State.RUNNING) {
            embedded.put(s.job(), s);
        }
        if (j != null && j.state() != JobFold.State.RUNNING) {
            journalComplete(j);
            embedded.remove(j.id());
            sent.remove(j.id());
            dueSince.remove(j.id());
            jobOffsets.remove(j.id());
            held.remove(j.id());
            fold.forget(j.id()); // finished: the tracker keeps nothing of it
            deleteBudget(j);
            if (caughtUp) {
                startHeld(); // its tree is free: the next job on it goes
            }
        } else if (j != null && caughtUp) {
            publishDue(j);
        }
        // After the event is applied: a job submitted at this offset must be in the checkpoint.
        if (caughtUp && System.currentTimeMillis() - lastCheckpointMs > 10_000) {
            writeCheckpoint();
        }
    }

    private void onCaughtUp() {
        caughtUp = true;
        int running = 0;
        for (JobFold.Job j : fold.jobs()) {
            if (j.state() == JobFold.State.RUNNING) {
                running++;
                publishDue(j);
            }
        }
        writeCheckpoint();
        log.info("tracker has read the event log: {} job(s) running", running);
    }

    /**
     * A --changes job whose every pass completed (nothing failed, not cancelled, not a dry run):
     * its marks become those the next passes read from (docs/change-journal.md, "Distributed
     * mode"). Before the next job on the tree can start (it waits for this event). Lost in a
     * tracker's crash, it only makes the next pass read from an older mark, or walk everything.
     */
    private void journalComplete(JobFold.Job j) {
        if (!caughtUp || j.def.embedded() || !j.def.options().changes() || j.def.options().dryRun()
                || j.state() != JobFold.State.DONE || j.exitCode() != 0) {
            return;
        }
        try {
            JournalStream.completed(conn, j.def.src(), j.id(), j.def.passes().stream().map(p -> p.cliName()).toList());
        } catch (IOException | RuntimeException e) {
            log.warn("could not record on {} that job {} completed (its next --changes pass walks from an older "
                    + "mark): {}", JournalStream.stream(j.def.src()), j.id(), Rabbit.reason(e));
        }
    }

    /** A finished job's --max-delete budget goes with it (a later tracker deletes it again: harmless). */
    private void deleteBudget(JobFold.Job j) {
        if (j.def.options().maxDelete() == null) {
            return;
        }
        try {
            RemovalBudgets.delete(publisher.channel(), j.id());
        } catch (IOException | RuntimeException e) {
            log.warn("could not delete the --max-delete budget {} of finished job {}: {}", RemovalBudgets.queue(j.id()),
                    j.id(), Rabbit.reason(e));
        }
    }

    /** A job has ended: the held ones it was ahead of may start now, in the order they came. */
    private void startHeld() {
        for (String id : List.copyOf(held.keySet())) {
            JobFold.Job h = fold.job(id);
            if (h == null || h.state() != JobFold.State.RUNNING) {
                held.remove(id);
            } else {
                publishDue(h);
            }
        }
    }

    /**
     * One job at a time per tree ({@link JobFold#ahead}): a job whose first task has not gone
     * out waits while an earlier job on an overlapping tree runs; the tracker says so once in
     * the log (every reader sees it: status, the waiting client), or, for --no-queue, refuses
     * the job with a done event of its root that names the job ahead. Returns whether it waits.
     */
    private boolean holdBack(JobFold.Job j) {
        if (!j.notBegun()) {
            return false;
        }
        JobFold.Job ahead = fold.ahead(j);
        if (ahead == null) {
            held.remove(j.id());
            return false;
        }
        if (Boolean.TRUE.equals(held.get(j.id())) || j.queued() != null) {
            held.put(j.id(), true);
            return true;
        }
        try {
            if (j.def.noQueue()) {
                publisher.event(JobFold.refusedForNoQueue(j.def, ahead, "tracker"));
            } else {
                publisher.event(new JobEvent.Queued(j.id(), ahead.id(), ahead.what(), System.currentTimeMillis()));
            }
            publisher.await();
            log.info("job {} waits for job {} ({}) on an overlapping tree{}", j.id(), ahead.id(), ahead.what(),
                    j.def.noQueue() ? ": refused (--no-queue)" : "");
            held.put(j.id(), true);
        } catch (IOException | RuntimeException e) {
            log.warn("tracker could not record that job {} waits for job {}: {}", j.id(), ahead.id(),
                    Rabbit.reason(e));
            held.put(j.id(), false);
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private void publishDue(JobFold.Job j) {
        if (j.state() != JobFold.State.RUNNING) {
            sent.remove(j.id());
            fold.forget(j.id());
            return;
        }
        if (j.def.embedded()) {
            return; // its own process runs it, and waits for its turn itself
        }
        if (holdBack(j)) {
            return;
        }
        Set<Long> mine = sent.computeIfAbsent(j.id(), k -> new HashSet<>());
        List<TaskMessage> due = new ArrayList<>();
        for (TaskMessage m : j.toPublish()) {
            if (!mine.contains(TaskIds.toLong(m.taskId()))) {
                due.add(m);
            }
        }
        if (due.isEmpty() || !sendNow(j, due)) {
            return;
        }
        due.forEach(m -> mine.add(TaskIds.toLong(m.taskId())));
        dueSince.remove(j.id());
        try {
            // Few messages, not one per task: every task due now for one queue in one message.
            Map<String, List<TaskMessage>> byQueue = new LinkedHashMap<>();
            for (TaskMessage m : due) {
                byQueue.computeIfAbsent(Publisher.routingKey(m) + " " + m.pass(), q -> new ArrayList<>()).add(m);
            }
            for (List<TaskMessage> batch : byQueue.values()) {
                for (int i = 0; i < batch.size(); i += MAX_PER_MESSAGE) {
                    publisher.tasks(batch.subList(i, Math.min(batch.size(), i + MAX_PER_MESSAGE)));
                }
            }
            publisher.await();
            publisher.event(new JobEvent.Published(j.id(), due.stream().map(TaskMessage::taskId).toList()));
            publisher.await();
        } catch (IOException | RuntimeException e) {
            // The channel is gone; the next tracker republishes what has no Published event.
            log.warn("tracker could not publish {} task(s) of job {}: {}", due.size(), j.id(), Rabbit.reason(e));
            due.forEach(m -> mine.remove(TaskIds.toLong(m.taskId())));
            close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Whether the tasks due now go out now or wait to be gathered with more (one message, one
     * delivery and one done event for many directories' metadata, instead of one each): a
     * passIndex root goes at once (the walk waits for it), metadata tasks when {@link #MAX_PER_MESSAGE}
     * are due, when the first has waited {@link #GATHER_MS}, or when the job waits for nothing else
     * (then no event would come to send them later). The wait is checked on the job's next event:
     * while other tasks of the job run, their done events come.
     */
    private boolean sendNow(JobFold.Job j, List<TaskMessage> due) {
        long now = System.currentTimeMillis();
        long since = dueSince.computeIfAbsent(j.id(), k -> now);
        return due.size() >= MAX_PER_MESSAGE || j.tasksPending() <= due.size() || now - since >= GATHER_MS
                || due.stream().anyMatch(m -> !(m.task() instanceof DirMetaTask));
    }

    /**
     * Ends the embedded jobs whose process died without writing their end (their alive queue
     * is gone), so that the jobs waiting behind them on their tree go on. From the worker's
     * tracker thread, every few seconds; the cancel comes back through the log like any other.
     */
    void reapEmbedded() {
        for (JobEvent.Submitted s : List.copyOf(embedded.values())) {
            if (EmbeddedTurn.reapIfGone(conn, s)) {
                embedded.remove(s.job());
            }
        }
    }

    boolean alive() {
        return lock.isOpen() && !reader.ended() && !stuckOnStaleCheckpoint();
    }

    @Override
    public void close() {
        reader.close();
        if (caughtUp && publisher.channel().isOpen()) {
            // A graceful stop notes where it is: the next tracker reads on from here, not from
            // the start of a job this one saw finish since its last checkpoint.
            writeCheckpoint();
        }
        publisher.close();
        releaseLock();
    }

    private void releaseLock() {
        try {
            if (lock.isOpen()) {
                // The queue belongs to the connection, not the channel: drop it to hand the role on.
                lock.queueDelete(Topology.TRACKER_LOCK);
                lock.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // connection already gone: the broker has dropped the exclusive queue with it
        }
    }
}

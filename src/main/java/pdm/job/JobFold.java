package pdm.job;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pdm.Hosts;
import pdm.fs.Names;
import pdm.task.Pass;
import pdm.task.BadMessageException;
import pdm.task.DirMetaTask;
import pdm.task.DirTask;
import pdm.task.FinishTask;
import pdm.task.WirePaths;
import pdm.task.Task;
import pdm.task.TaskIds;
import pdm.task.TaskKind;
import pdm.task.TaskMessage;

/**
 * The state of every job, folded from the event log. A passIndex is complete exactly when every
 * task announced for it has a done event: the root is announced by the job itself, every
 * other task by the done event of the task that published it (which is written only after
 * its children are with the broker). Ids are derived, so a task delivered twice, or
 * re-published by a re-run parent, is one id: its first done event counts, later ones are
 * ignored. A done event may arrive before its announcement (a fast child); it waits in
 * {@code early} until then.
 *
 * <p>Memory: a job in progress holds one node per task announced and not yet done (about
 * 150 bytes; directories also hold their path), not one per task of the job; a finished job
 * keeps only its summary.
 */
public final class JobFold {
    /** Per job, at most this many failures are kept for status and summaries (all are counted). */
    static final int MAX_FAILURES = JobStats.MAX_LISTED_FAILURES;

    public enum State { RUNNING, DONE, REFUSED, CANCELLED }

    private static final byte DIR = 0;
    private static final byte FILES = 1;
    private static final byte META = 2;
    private static final byte RANGE = 3;
    private static final byte FINISH = 4;

    private static class Node {
        final long id;
        final Node parent;
        final byte kind;
        final String rel;
        int open = 1;
        boolean needsMeta = true;

        Node(long id, Node parent, byte kind, String rel) {
            this.id = id;
            this.parent = parent;
            this.kind = kind;
            this.rel = rel;
        }
    }

    /**
     * A big file cut into ranges: open while a range has no done event; then its finish task is
     * due, and this node waits for that task's done event, holding its directory open (so the
     * directory's times are set after the rename).
     */
    private static final class Big extends Node {
        final FinishTask finish;
        /** The first failure of a range of it (the file is then not placed), or null. */
        String failed;
        /** Verify: the first byte at which a range of it found source and target to differ, or -1. */
        long differsAt = -1;
        /** Its done ranges' bytes and data bytes: the job's once its finish is done and the file not failed. */
        long bytes;
        long written;

        Big(long id, Node dir, FinishTask finish, int ranges) {
            super(id, dir, FINISH, null);
            this.finish = finish;
            this.open = ranges;
        }
    }

    /** What one worker node did for a job: the sum of its first done events. */
    public record NodeWork(Counters counters, long tasks) {
        public NodeWork plus(NodeWork o) {
            return new NodeWork(counters.plus(o.counters), tasks + o.tasks);
        }
    }

    /** One job as the log tells it. */
    public static final class Job {
        public final JobEvent.Submitted def;
        private State state = State.RUNNING;
        private int passIndex;
        private String refused;
        private String cancelledBy;
        private JobEvent.Queued queued;
        private long passStartMs;
        private long lastMs;
        /** The first done event of the job (-1: none yet); before it, the job waited in the queue. */
        private long startedMs = -1;
        private long tasksDone;
        private Counters counters = Counters.ZERO;
        /** The bytes of big files' done ranges whose finish is not done yet ({@link #live}). */
        private Counters held = Counters.ZERO;
        private List<Failure> failures = new ArrayList<>();
        private final List<JobSummary> finished = new ArrayList<>();
        private final Map<Long, Node> pending = new HashMap<>();
        private final Map<Long, JobEvent.Done> early = new HashMap<>();
        /** Derived tasks the tracker must publish: passIndex roots and directory metadata tasks. */
        private final Map<Long, TaskMessage> toPublish = new LinkedHashMap<>();
        private final Map<String, NodeWork> byNode = new HashMap<>();

        Job(JobEvent.Submitted def) {
            this.def = def;
            this.passStartMs = def.submittedMs();
            this.lastMs = def.submittedMs();
        }

        public String id() {
            return def.job();
        }

        public State state() {
            return state;
        }

        /** Who cancelled the job (user@host), or null. */
        public String cancelledBy() {
            return cancelledBy;
        }

        public String refused() {
            return refused;
        }

        /**
         * The tracker's word that this job waits for an earlier one on an overlapping tree
         * (null: it did not have to); it still holds once the job runs, for the record.
         */
        public JobEvent.Queued queued() {
            return queued;
        }

        /** How people know the job in one phrase: its command and PATH ("sync /user_xyz"). */
        public String what() {
            return def.command() + " " + display();
        }

        /** Whether its first task has not gone out yet: the tracker may still hold it back. */
        public boolean notBegun() {
            return state == State.RUNNING && passIndex == 0 && tasksDone == 0
                    && toPublish.containsKey(TaskIds.toLong(TaskIds.root(id(), 0)));
        }

        /** The pass running now (the last one when the job is over). */
        public Pass pass() {
            return def.passes().get(Math.min(passIndex, def.passes().size() - 1));
        }

        public int passIndex() {
            return passIndex;
        }

        /** What the done tasks did: a big file's bytes count once its finish is done and it did not fail. */
        public Counters counters() {
            return counters;
        }

        /**
         * What progress (the --wait line, status) adds to the done tasks' counters while the job
         * runs: the bytes of big files' done ranges not placed yet, and what the tasks running now
         * have done so far ({@code running}, by task id, from the workers' heartbeats:
         * pdm.metrics.InFlight). A running task counts only while it is pending here: once its done
         * event is folded its own counters are in, and its last report drops out, so nothing counts
         * twice. Zero once the job has ended.
         */
        public Counters inFlight(Map<String, Counters> running) {
            if (state != State.RUNNING) {
                return Counters.ZERO;
            }
            Counters c = held;
            for (Map.Entry<String, Counters> r : running.entrySet()) {
                if (TaskIds.isTaskId(r.getKey()) && pending.containsKey(TaskIds.toLong(r.getKey()))) {
                    c = c.plus(r.getValue());
                }
            }
            return c;
        }

        public List<Failure> failures() {
            return failures;
        }

        public long tasksDone() {
            return tasksDone;
        }

        public int tasksPending() {
            return pending.size();
        }

        public long passStartMs() {
            return passStartMs;
        }

        public long lastMs() {
            return lastMs;
        }

        /**
         * When the job began to run: its first task's done event (a root task lists one directory,
         * so this is close to its start), or -1 while no task is done. Run time and rates count
         * from here; the time from submission to here was spent waiting in the queue.
         */
        public long startedMs() {
            return startedMs;
        }

        /** Tasks done per worker node (host:pid) in this job. */
        public Map<String, Long> doneByNode() {
            Map<String, Long> out = new HashMap<>();
            byNode.forEach((node, w) -> out.put(node, w.tasks()));
            return out;
        }

        /**
         * What each host did for this job, over all its passes and worker processes: it only
         * grows, and a restarted worker adds no entry.
         */
        public Map<String, NodeWork> workByHost() {
            Map<String, NodeWork> out = new TreeMap<>();
            byNode.forEach((node, w) -> out.merge(Hosts.hostOf(node), w, NodeWork::plus));
            return out;
        }

        /** The summaries of the passes finished so far, in order. */
        public List<JobSummary> finished() {
            return List.copyOf(finished);
        }

        /** The job's summary: its one pass, or sync's passes summed, as embedded mode prints it. */
        public JobSummary summary() {
            List<JobSummary> parts = new ArrayList<>(finished);
            if (state == State.RUNNING) {
                parts.add(current());
            }
            if (parts.isEmpty()) {
                parts.add(current());
            }
            return parts.size() == 1 && def.passes().size() == 1 ? parts.get(0) : Summaries.combine(def.command(), parts);
        }

        private JobSummary current() {
            List<Failure> sorted = new ArrayList<>(failures);
            sorted.sort(Comparator.comparing(Failure::path).thenComparing(Failure::error));
            return counters.summary(def.job(), pass().cliName(), def.sourceText(), def.targetText(), display(),
                    def.options().dryRun(), (lastMs - passStartMs) / 1000.0, sorted);
        }

        private String display() {
            try {
                return Names.display(WirePaths.decodeRelative(def.path()));
            } catch (BadMessageException e) {
                return def.path();
            }
        }

        /** Derived tasks still to be published (the tracker's work). */
        public Collection<TaskMessage> toPublish() {
            return List.copyOf(toPublish.values());
        }

        public int exitCode() {
            if (state == State.REFUSED) {
                return 2;
            }
            if (state == State.CANCELLED) {
                return 130; // as a pass stopped by Ctrl-C
            }
            return summary().exitCode();
        }
    }

    private final Map<String, Job> jobs = new LinkedHashMap<>();
    private final boolean keepFailures;

    /** A fold for status and summaries: keeps each job's failures (up to {@link #MAX_FAILURES}). */
    public JobFold() {
        this(true);
    }

    /** @param keepFailures false for the tracker, which needs only what is due, not what failed */
    public JobFold(boolean keepFailures) {
        this.keepFailures = keepFailures;
    }

    /**
     * Puts back a finished job as a saved fold kept it (see {@link ResumableFold}): later
     * events of it change nothing, as for any finished job. Its numbers per node are kept,
     * not its pass summaries (what the monitor shows, not what status prints).
     */
    void restore(JobEvent.Submitted def, State state, int passIndex, long lastMs, long tasksDone, String refused,
                 Map<String, NodeWork> byNode) {
        if (state == State.RUNNING || jobs.containsKey(def.job())) {
            throw new IllegalArgumentException("only a finished job that is not there yet can be restored");
        }
        Job j = new Job(def);
        j.state = state;
        j.passIndex = passIndex;
        j.lastMs = lastMs;
        j.tasksDone = tasksDone;
        j.refused = refused;
        j.byNode.putAll(byNode);
        jobs.put(def.job(), j);
    }

    /** Drops a finished job (the tracker has no more use for it). */
    public void forget(String jobId) {
        Job j = jobs.get(jobId);
        if (j != null && j.state != State.RUNNING) {
            jobs.remove(jobId);
        }
    }

    public Job job(String id) {
        return jobs.get(id);
    }

    public Collection<Job> jobs() {
        return List.copyOf(jobs.values());
    }

    /**
     * One job at a time per tree: the first job submitted before {@code j} (in the order of the
     * log, which the broker alone decides) that still runs on a tree overlapping {@code j}'s, or
     * null. Strictly first come, first served: a job that waits itself holds back the later
     * ones it overlaps, so none is passed over for ever. Exact only for a fold that holds every
     * running job (the tracker's reads from the start of the oldest one).
     */
    public Job ahead(Job j) {
        for (Job o : jobs.values()) {
            if (o == j) {
                return null;
            }
            if (o.state == State.RUNNING && overlap(o.def, j.def)) {
                return o;
            }
        }
        return null;
    }

    /**
     * --no-queue: the end of {@code job}, refused because {@code ahead} runs on an overlapping
     * tree: a done event of its root that carries the refusal (the client exits 2). Written by
     * the tracker for a distributed job, by the process for an embedded one.
     */
    public static JobEvent.Dones refusedForNoQueue(JobEvent.Submitted job, Job ahead, String node) {
        String why = "job " + ahead.id() + " (" + ahead.what() + ") runs on an overlapping tree and --no-queue "
                + "refuses to wait for it; run this again when it has ended (pdm status " + ahead.id() + "), or "
                + "without --no-queue to queue behind it";
        return new JobEvent.Dones(job.job(), List.of(new JobEvent.Done(job.job(), TaskIds.root(job.job(), 0),
                TaskKind.DIR, List.of(), Counters.ZERO, List.of(), why, false, node, System.currentTimeMillis())));
    }

    /** Two jobs overlap when they write to the same target and one PATH contains the other. */
    public static boolean overlap(JobEvent.Submitted a, JobEvent.Submitted b) {
        return a.tgt().equals(b.tgt()) && (contains(a.path(), b.path()) || contains(b.path(), a.path()));
    }

    /** On the wire's exact-bytes paths ("" is the root; '/' is never escaped). */
    private static boolean contains(String outer, String inner) {
        return outer.isEmpty() || inner.equals(outer) || inner.startsWith(outer + "/");
    }

    public void apply(JobEvent e) {
        if (e instanceof JobEvent.Submitted s) {
            if (!jobs.containsKey(s.job()) && TaskIds.isJobId(s.job()) && !s.passes().isEmpty()
                    && s.options() != null) {
                Job j = new Job(s);
                jobs.put(s.job(), j);
                startPass(j, s.submittedMs());
            }
        } else if (e instanceof JobEvent.Done d) {
            Job j = jobs.get(d.job());
            if (j != null && j.state == State.RUNNING) {
                done(j, d);
            }
        } else if (e instanceof JobEvent.Dones b) {
            Job j = jobs.get(b.job());
            for (JobEvent.Done d : b.done()) {
                if (j != null && j.state == State.RUNNING && d.job().equals(b.job())) {
                    done(j, d);
                }
            }
        } else if (e instanceof JobEvent.Cancelled c) {
            Job j = jobs.get(c.job());
            if (j != null && j.state == State.RUNNING) {
                // its counts so far are its summary; later done events of it change nothing
                j.lastMs = Math.max(j.lastMs, c.ts());
                j.finished.add(j.current());
                j.cancelledBy = c.by();
                j.state = State.CANCELLED;
                j.pending.clear();
                j.early.clear();
                j.toPublish.clear();
            }
        } else if (e instanceof JobEvent.Queued q) {
            Job j = jobs.get(q.job());
            if (j != null && j.queued == null) {
                j.queued = q;
            }
        } else if (e instanceof JobEvent.Published p) {
            Job j = jobs.get(p.job());
            if (j != null) {
                p.tasks().forEach(t -> j.toPublish.remove(TaskIds.toLong(t)));
            }
        }
    }

    private void startPass(Job j, long ms) {
        j.passStartMs = ms;
        j.counters = Counters.ZERO;
        j.held = Counters.ZERO;
        j.failures = new ArrayList<>();
        String rootId = TaskIds.root(j.id(), j.passIndex);
        String dirRel = rootDir(j);
        Node root = new Node(TaskIds.toLong(rootId), null, DIR, dirRel);
        j.pending.put(root.id, root);
        j.toPublish.put(root.id, message(j, rootId, new DirTask(path(dirRel), null, null)));
    }

    /** The directory the root task lists: PATH, or its parent for --file. */
    private static String rootDir(Job j) {
        if (!j.def.options().singleFile()) {
            return j.def.path();
        }
        int slash = j.def.path().lastIndexOf('/');
        return slash < 0 ? "" : j.def.path().substring(0, slash);
    }

    /** A task's node and its done event, to be counted. */
    private record Arrived(Node node, JobEvent.Done done) {
    }

    private void done(Job j, JobEvent.Done first) {
        j.lastMs = Math.max(j.lastMs, first.ts());
        if (j.startedMs < 0) {
            // (a worker's clock behind the submitter's: never before the submission)
            j.startedMs = j.lastMs;
            if (j.passIndex == 0) {
                j.passStartMs = j.startedMs; // queue time is not run time (embedded mode has none)
            }
        }
        long firstId = TaskIds.toLong(first.task());
        Node firstNode = j.pending.remove(firstId);
        if (firstNode == null) {
            // Not announced yet (its parent's done event is still to come), or a late duplicate.
            j.early.putIfAbsent(firstId, first);
            return;
        }
        Deque<Arrived> work = new ArrayDeque<>();
        work.push(new Arrived(firstNode, first));
        while (!work.isEmpty() && j.state == State.RUNNING) {
            Arrived w = work.pop();
            Node node = w.node();
            JobEvent.Done d = w.done();
            j.toPublish.remove(node.id);
            if (node.kind == RANGE) {
                countRange(j, (Big) node.parent, d, keepFailures);
            } else {
                count(j, d, keepFailures);
            }
            if (d.refused() != null) {
                j.refused = d.refused();
                j.state = State.REFUSED;
                j.pending.clear();
                j.early.clear();
                j.toPublish.clear();
                return;
            }
            if (node.kind == DIR || node.kind == FILES) {
                // (a directory task works a small last batch of its files itself)
                split(j, node.kind == DIR ? node : node.parent, d, work);
            }
            if (node.kind == DIR) {
                node.needsMeta = d.dirMeta();
                for (JobEvent.Child c : d.children()) {
                    if (c.kind() == TaskKind.RANGE) {
                        continue; // (announced by its split, above)
                    }
                    Node child = new Node(TaskIds.toLong(c.id()), node, c.kind() == TaskKind.DIR ? DIR : FILES, c.rel());
                    node.open++;
                    JobEvent.Done already = j.early.remove(child.id);
                    if (already != null) {
                        work.push(new Arrived(child, already));
                    } else {
                        j.pending.put(child.id, child);
                    }
                }
                release(j, node);
            } else if (node.kind == FILES) {
                release(j, node.parent);
            } else if (node.kind == RANGE) {
                Big big = (Big) node.parent;
                if (d.differsAt() >= 0 && (big.differsAt < 0 || d.differsAt() < big.differsAt)) {
                    big.differsAt = d.differsAt(); // (the lowest of all ranges, whatever order they end in)
                }
                if (--big.open == 0) {
                    finishDue(j, big, work);
                }
            } else if (node.kind == FINISH) {
                settle(j, (Big) node, d);
                release(j, node.parent);
            }
        }
        if (j.pending.isEmpty() && j.state == State.RUNNING) {
            passDone(j);
        }
    }

    /** The big files a task cut into ranges: each holds {@code dir} open until its finish task is done. */
    private static void split(Job j, Node dir, JobEvent.Done d, Deque<Arrived> work) {
        for (JobEvent.Split split : d.splits()) {
            dir.open++;
            Big big = new Big(TaskIds.toLong(split.finishId()), dir, split.finish(), split.ranges().size());
            for (String range : split.ranges()) {
                Node r = new Node(TaskIds.toLong(range), big, RANGE, null);
                JobEvent.Done already = j.early.remove(r.id);
                if (already != null) {
                    work.push(new Arrived(r, already));
                } else {
                    j.pending.put(r.id, r);
                }
            }
            if (big.open == 0) {
                finishDue(j, big, work);
            }
        }
    }

    /**
     * Every range of a big file has its done event: its finish task is due, to place the file,
     * or only to remove its temp file when a range failed (a file is never placed with a range
     * missing); for verify, to report the file once, with the first byte its ranges found to differ. Its id is derived, so a finish published twice is counted once.
     */
    private static void finishDue(Job j, Big big, Deque<Arrived> work) {
        JobEvent.Done already = j.early.remove(big.id);
        if (already != null) {
            work.push(new Arrived(big, already));
            return;
        }
        j.pending.put(big.id, big);
        FinishTask task = big.failed != null ? big.finish.discarded((big.finish.verify() ? "not compared whole"
                : "not placed") + ", as a range of it failed: " + big.failed)
                : big.differsAt >= 0 ? big.finish.differing(big.differsAt) : big.finish;
        j.toPublish.put(big.id, message(j, TaskIds.toHex(big.id), task));
    }

    /**
     * A range's done event: its bytes wait in its file's node until the finish (a file that then
     * fails was not copied, and its bytes are no bytes copied); its failure is the file's, counted
     * once, by the first range to fail (the others' failures are the same file's, and their workers
     * log them).
     */
    private static void countRange(Job j, Big big, JobEvent.Done d, boolean keepFailures) {
        boolean fails = d.kind() == TaskKind.DEAD || !d.failures().isEmpty() || d.counters().filesFailed() > 0;
        boolean first = fails && big.failed == null;
        if (first) {
            big.failed = d.failures().isEmpty() ? "a range of it was not run" : d.failures().get(0).error();
        }
        Counters c = d.counters();
        big.bytes += c.bytes();
        big.written += c.bytesWritten();
        j.held = j.held.plus(bytesOnly(c.bytes(), c.bytesWritten()));
        Counters forJob = new Counters(c.filesCopied(), c.filesSkipped(), c.filesRemoved(),
                first ? 1 : 0, c.metaFixed(), c.dirs(), c.dirsCreated(), 0,
                c.differences(), c.notReplaced(), c.filesVanished(), c.ownersNotKept(), c.removalsSkipped(),
                c.attrsNotKept(), c.unlocked(), c.dirsDiffer(), 0);
        count(j, d, forJob, first ? d.failures() : List.of(), keepFailures);
    }

    /**
     * A big file's finish is done: its ranges' bytes become the job's when it was placed (or
     * found identical: verify), not when it failed, a range or the finish itself.
     */
    private static void settle(Job j, Big big, JobEvent.Done d) {
        j.held = j.held.plus(bytesOnly(-big.bytes, -big.written));
        boolean failed = big.failed != null || d.kind() == TaskKind.DEAD || !d.failures().isEmpty()
                || d.counters().filesFailed() > 0 || d.counters().notReplaced() > 0;
        if (!failed) {
            j.counters = j.counters.plus(bytesOnly(big.bytes, big.written));
        }
        big.bytes = 0;
        big.written = 0;
    }

    private static Counters bytesOnly(long bytes, long written) {
        return new Counters(0, 0, 0, 0, 0, 0, 0, bytes, 0, 0, 0, 0, 0, 0, 0, 0, written);
    }

    private static void count(Job j, JobEvent.Done d, boolean keepFailures) {
        count(j, d, d.counters(), d.failures(), keepFailures);
    }

    /** @param forJob what the task adds to the job's counters (its host is credited with all it reported) */
    private static void count(Job j, JobEvent.Done d, Counters forJob, List<Failure> failures, boolean keepFailures) {
        j.tasksDone++;
        j.byNode.merge(d.node() == null ? "unknown" : d.node(), new NodeWork(d.counters(), 1), NodeWork::plus);
        j.counters = j.counters.plus(forJob);
        for (Failure f : failures) {
            if (keepFailures && j.failures.size() < MAX_FAILURES) {
                j.failures.add(f);
            }
        }
    }

    /** One piece of a directory's subtree is done; a complete subtree gets its metadata task. */
    private void release(Job j, Node dir) {
        while (dir != null && --dir.open == 0) {
            // (--file: the file's directory is not the job's, and embedded mode leaves it alone too)
            boolean singleFileDir = dir.parent == null && j.def.options().singleFile();
            if (j.pass().setsDirMeta() && dir.rel != null && dir.needsMeta && !singleFileDir) {
                String metaId = TaskIds.dirMeta(TaskIds.toHex(dir.id));
                Node meta = new Node(TaskIds.toLong(metaId), null, META, null);
                JobEvent.Done already = j.early.remove(meta.id);
                if (already != null) {
                    count(j, already, keepFailures);
                } else {
                    j.pending.put(meta.id, meta);
                    j.toPublish.put(meta.id, message(j, metaId, new DirMetaTask(path(dir.rel))));
                }
            }
            dir = dir.parent;
        }
    }

    private void passDone(Job j) {
        j.finished.add(j.current());
        j.early.clear();
        if (j.passIndex + 1 < j.def.passes().size()) {
            j.passIndex++;
            startPass(j, j.lastMs);
        } else {
            j.state = State.DONE;
            j.toPublish.clear();
        }
    }

    private static TaskMessage message(Job j, String taskId, Task task) {
        return new TaskMessage(j.id(), taskId, j.pass(), j.def.src(), j.def.tgt(), j.def.options(),
                path(j.def.path()), task);
    }

    private static Path path(String encoded) {
        try {
            return WirePaths.decodeRelative(encoded);
        } catch (BadMessageException e) {
            throw new IllegalArgumentException("bad path in the event log: " + e.getMessage(), e);
        }
    }
}

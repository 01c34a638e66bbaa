package pdm.engine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Mounts;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.task.Action;
import pdm.task.DirMetaTask;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.PathBytes;
import pdm.task.TaskIds;
import pdm.task.TaskMessage;

/**
 * Runs one task of a distributed job with the same walk and passes as embedded mode. What
 * the task publishes (subdirectories, file batches) goes to a {@link Sink} under derived ids
 * and is returned, with the task's own counters, for the job's done event. The subtree
 * bookkeeping of embedded mode is replaced by the job tracker, which publishes a
 * {@link DirMetaTask} when a directory's subtree is complete.
 */
public final class TaskRunner {
    /** Where a task's children go; each must be safely with the broker when the call returns or later confirmed. */
    public interface Sink {
        void publish(String taskId, DirTask task) throws InterruptedException;

        void publish(String taskId, FileTask task) throws InterruptedException;
    }

    /** A task published by a task: its id, {@code dir} or {@code files}, and a directory's path. */
    public record Child(String id, String kind, Path rel) {
    }

    /**
     * @param refused  set when the job was refused before anything was touched (a root task's
     *                 preflight): the reason a user can act on
     * @param dirMeta  for a directory task: whether the directory's metadata must be set once its
     *                 subtree is done (something is written into it, or its own metadata differs);
     *                 a pass that changes nothing then costs no metadata task per directory
     */
    public record Outcome(List<Child> children, JobStats stats, String refused, boolean dirMeta) {
    }

    private static final int REMEMBERED_JOBS = 64;

    private final int filesPerTask;
    private final boolean preserveOwner = Privileges.isRoot();
    /** Hard-link leaders per job, kept while the process works on it (the link queues' single consumer). */
    private final Map<String, HardLinks> links = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, HardLinks> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };

    private final Map<String, Removals> removals = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Removals> eldest) {
            return size() > REMEMBERED_JOBS;
        }
    };

    private final java.util.function.Function<TaskMessage, RemovalBudget> budgets;

    /**
     * @param budgets the shared --max-delete budget of a job that has one: in distributed mode
     *                the whole job's, not this process's (see the transport's budget)
     */
    public TaskRunner(int filesPerTask, java.util.function.Function<TaskMessage, RemovalBudget> budgets) {
        this.filesPerTask = filesPerTask;
        this.budgets = budgets;
    }

    /**
     * @param redelivered the broker says an earlier delivery of this task was not acked: the
     *                    worker that had it died, and what it left half-written is removed first
     */
    public Outcome run(TaskMessage m, DataSource srcDs, DataSource tgtDs, boolean redelivered, Sink sink)
            throws InterruptedException {
        return run(m, srcDs, tgtDs, redelivered, sink, new JobStats());
    }

    /** @param stats where the task counts what it does, live (the worker's heartbeats read it while it runs) */
    public Outcome run(TaskMessage m, DataSource srcDs, DataSource tgtDs, boolean redelivered, Sink sink,
                       JobStats stats) throws InterruptedException {
        TempNames.runningTask(m.taskId());
        Collector children = new Collector(m.taskId(), sink);
        try {
            return runTask(m, srcDs, tgtDs, redelivered, stats, children);
        } catch (java.io.UncheckedIOException e) {
            throw e; // a publish failed: the worker returns the task to its queue
        } catch (RuntimeException e) {
            // A bug in pdm: the task is done with a failure that says so, and what it published
            // so far stays tracked (a crash loop on a redelivery would help no one).
            org.slf4j.LoggerFactory.getLogger(TaskRunner.class).error("task {} of job {} failed in pdm itself",
                    m.taskId(), m.jobId(), e);
            stats.fail(Names.display(m.dir()), "pdm failed on this task (please report it): " + e);
            return new Outcome(children.children, stats, null, true);
        } finally {
            TempNames.runningTask(null);
        }
    }

    private Outcome runTask(TaskMessage m, DataSource srcDs, DataSource tgtDs, boolean redelivered, JobStats stats,
                            Collector children) throws InterruptedException {
        boolean dirMeta = false;
        try (FsRoot src = new FsRoot(srcDs.name(), srcDs.path(), srcDs.write());
             FsRoot tgt = new FsRoot(tgtDs.name(), tgtDs.path(), tgtDs.write())) {
            SkipFilter filter = SkipFilter.of(Instant.now().getEpochSecond() * 1_000_000_000L,
                    srcDs.skipNewerMinutes(), srcDs.skipOlderMinutes(), srcDs.skipLargerGb());
            PassContext ctx = new PassContext(src, tgt, m.options(), stats, filter, preserveOwner, ChangeList.NONE,
                    removalsOf(m), Interrupt.NEVER, new DryRunLedger());
            Pass pass = Passes.of(m.action(), ctx, m.action() == Action.COPY ? linksOf(m) : null, true);
            SubtreeTracker tracker = new SubtreeTracker((rel, s, t) -> {
                // distributed: the job tracker sends a DirMetaTask when the subtree is done
            });
            SubtreeTracker.Node self = tracker.root(m.dir());
            Walker walker = new Walker(ctx, pass, tracker, children, filesPerTask);
            if (m.task() instanceof DirMetaTask d) {
                if (m.action() == Action.COPY && d.rel().equals(m.jobPath()) && !m.options().singleFile()) {
                    removeFarm(ctx, m);
                }
                finishDir(ctx, pass, d.rel());
            } else if (m.task() instanceof FileTask f) {
                if (redelivered && !m.options().dryRun()) {
                    removeLeftovers(ctx, f.dir(), m.taskId());
                }
                walker.onFiles(f);
            } else {
                DirTask d = (DirTask) m.task();
                Path dirRel = m.options().singleFile() ? Engine.parentOf(m.jobPath()) : m.jobPath();
                if (d.srcMeta() == null && d.rel().equals(dirRel)) {
                    String refused = startJob(m, srcDs, tgtDs, src, tgt, ctx, walker, dirRel);
                    if (refused != null) {
                        return new Outcome(List.of(), stats, refused, false);
                    }
                } else {
                    walker.onDir(d);
                }
            }
            if (m.task() instanceof DirTask d) {
                boolean writes = stats.dirsCreated.sum() > 0 || children.children.stream().anyMatch(c -> c.kind().equals("files"));
                // The root of a copy always: the hard-link directory may be made in it, and goes at the end.
                boolean copyRoot = m.action() == Action.COPY && d.srcMeta() == null;
                dirMeta = writes || copyRoot || self.srcSelf == null || self.tgtSelf == null
                        || !DirMeta.current(ctx, self.srcSelf, self.tgtSelf);
            }
        } catch (IOException e) {
            // FsRoot.close only; the work itself records its failures in stats
        }
        return new Outcome(children.children, stats, null, dirMeta);
    }

    /** The root task of a pass: the embedded preflight (refusals, mkdir -p of PATH), then the walk. */
    private static String startJob(TaskMessage m, DataSource srcDs, DataSource tgtDs, FsRoot src, FsRoot tgt,
                                   PassContext ctx, Walker walker, Path dirRel) throws InterruptedException {
        JobSpec spec = new JobSpec(m.jobId(), m.action(), src, tgt, m.jobPath(), m.options(), ctx.filter());
        boolean targetThere;
        try {
            mounted(srcDs);
            mounted(tgtDs);
            targetThere = Engine.preflight(spec, dirRel);
        } catch (PdmException e) {
            return e.getMessage();
        }
        if (!targetThere && m.action() == Action.VERIFY) {
            ctx.stats().differ(Names.display(dirRel), "missing on target");
        }
        if (targetThere || m.action() == Action.COPY) {
            if (m.options().singleFile()) {
                walker.planSingle(dirRel, m.jobPath().getFileName());
            } else {
                walker.onDir(new DirTask(dirRel, null, null));
            }
        }
        return null;
    }

    private static void mounted(DataSource ds) {
        if (!ds.mount()) {
            return;
        }
        boolean ok;
        try {
            ok = Mounts.isMountPoint(ds.path());
        } catch (IOException e) {
            ok = false;
        }
        if (!ok) {
            throw new PdmException("filesystem '" + ds.name() + "' is configured with mount = true but " + ds.path()
                    + " is not a mount point on this worker; nothing was changed");
        }
    }

    /** A directory's subtree is complete: set its metadata from the source as it is now. */
    private static void finishDir(PassContext ctx, Pass pass, Path rel) {
        FileMeta srcSelf;
        try (Dir d = ctx.src().open(rel)) {
            srcSelf = d.self();
        } catch (NoSuchFileException e) {
            return; // gone from the source since it was listed: the next delete pass removes it
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(rel), "cannot read source directory metadata: " + Reasons.of(e));
            return;
        }
        try {
            pass.dirDone(rel, srcSelf, null);
        } catch (Throwable t) {
            ctx.stats().fail(Names.display(rel), "cannot set directory metadata: " + Reasons.of(t));
        }
    }

    /** The job's removals, held to its --max-delete budget, which every worker of the job shares. */
    private synchronized Removals removalsOf(TaskMessage m) {
        Long max = m.options().maxDelete();
        return removals.computeIfAbsent(m.jobId(), j -> max == null ? new Removals(null)
                : new Removals(budgets.apply(m), Long.toString(max)));
    }

    private synchronized HardLinks linksOf(TaskMessage m) {
        return links.computeIfAbsent(m.jobId(), j -> new HardLinks(m.options().singleFile() ? null : farm(m)));
    }

    private static Path farm(TaskMessage m) {
        return m.jobPath().resolve(HardLinks.farmName(m.jobId()));
    }

    private static void removeFarm(PassContext ctx, TaskMessage m) {
        try {
            HardLinks.removeFarm(ctx, farm(m));
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(farm(m)), "cannot remove pdm's hard-link directory: " + Reasons.of(e));
        }
    }

    /** Temp files an earlier, killed run of this very task left in its target directory. */
    private static void removeLeftovers(PassContext ctx, Path dirRel, String taskId) {
        String prefix = TempNames.prefixOf(taskId);
        try (Dir d = ctx.tgt().open(dirRel)) {
            for (pdm.fs.Entry e : d.list()) {
                if (e.meta().isFile() && e.name().toString().startsWith(prefix)) {
                    d.deleteFile(e.name());
                }
            }
        } catch (NoSuchFileException e) {
            // no target directory, so nothing was left in it
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(dirRel), "cannot remove temp files a killed worker left: " + Reasons.of(e));
        }
    }

    /** The transport a task's walk publishes through: derives each child's id and remembers it. */
    private static final class Collector implements Transport {
        private final String parentId;
        private final Sink sink;
        private final List<Child> children = new ArrayList<>();
        private final int[] batches = new int[FileTask.LINK_SHARDS + 1];

        Collector(String parentId, Sink sink) {
            this.parentId = parentId;
            this.sink = sink;
        }

        @Override
        public void start(TaskHandler handler) {
        }

        @Override
        public synchronized void publish(DirTask task) throws InterruptedException {
            String id = TaskIds.childDir(parentId, PathBytes.encode(task.rel().getFileName()));
            sink.publish(id, task);
            children.add(new Child(id, "dir", task.rel()));
        }

        @Override
        public synchronized void publish(FileTask task) throws InterruptedException {
            int shard = task.linkShard();
            String id = TaskIds.childFiles(parentId, shard, batches[shard + 1]++);
            sink.publish(id, task);
            children.add(new Child(id, "files", null));
        }

        @Override
        public void close() {
        }
    }
}

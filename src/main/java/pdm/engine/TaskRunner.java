package pdm.engine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.fs.Dir;
import pdm.fs.Entry;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.journal.Changes;
import pdm.journal.JournalDir;
import pdm.task.JobOptions;
import pdm.task.DirMetaTask;
import pdm.task.DirTask;
import java.util.List;
import pdm.task.FileTask;
import pdm.task.FinishTask;
import pdm.task.RangeTask;
import pdm.task.TaskMessage;

/**
 * Runs one task of a distributed job with the same walk and passes as embedded mode. What
 * the task makes (subdirectories, file batches) goes to the {@link TaskSink} it is given,
 * which names and publishes each; what it returns is the task's own outcome for the job's
 * done event. The subtree bookkeeping of embedded mode is replaced by the job tracker, which
 * publishes a {@link DirMetaTask} when a directory's subtree is complete.
 */
public final class TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

    /**
     * @param refused  set when the job was refused before anything was touched (a root task's
     *                 preflight): the reason a user can act on
     * @param dirMeta  for a directory task: whether the directory's metadata must be set once its
     *                 subtree is done (something is written into it, or its own metadata differs);
     *                 a pass that changes nothing then costs no metadata task per directory
     */
    public record Outcome(JobStats stats, String refused, boolean dirMeta) {
    }

    private final int filesPerTask;
    private final boolean preserveOwner = Privileges.isRoot();
    /** Hard-link leaders per job, kept while the process works on it (the link queues' single consumer). */
    private final RecentJobs<HardLinks> links = new RecentJobs<>();
    /** Each job's removals, so its --max-delete budget is asked once per removal, not per task. */
    private final RecentJobs<Removals> removals = new RecentJobs<>();
    /** Each job's exclude filter, made once per process rather than per task. */
    private final RecentJobs<ExcludeFilter> excludes = new RecentJobs<>();
    private final Function<TaskMessage, RemovalBudget> budgets;
    private final Throttle throttle;
    /** The threads this process lends to big files' ranges (its file_workers). */
    private final Ranges ranges;
    /** Where a --changes pass's tasks learn what it walks. */
    private volatile ChangeScopes scopes = ChangeScopes.NONE;

    /**
     * @param ranges   how many threads one big file's ranges may keep busy (a worker's file_workers)
     * @param budgets  the shared --max-delete budget of a job that has one: in distributed mode
     *                 the whole job's, not this process's (see pdm.cluster.RemovalBudgets)
     * @param throttle this process's limits, shared by all its tasks (a worker's --bwlimit)
     */
    public TaskRunner(int filesPerTask, Function<TaskMessage, RemovalBudget> budgets, Throttle throttle,
                      int rangeThreads) {
        this.filesPerTask = filesPerTask;
        this.budgets = budgets;
        this.throttle = throttle;
        this.ranges = new Ranges(rangeThreads);
    }

    /** Where the tasks of distributed --changes passes learn what they walk (pdm.cluster's journal stream). */
    public TaskRunner withChangeScopes(ChangeScopes s) {
        this.scopes = s;
        return this;
    }

    public TaskRunner(int filesPerTask, Function<TaskMessage, RemovalBudget> budgets, Throttle throttle) {
        this(filesPerTask, budgets, throttle, Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public TaskRunner(int filesPerTask, Function<TaskMessage, RemovalBudget> budgets) {
        this(filesPerTask, budgets, Throttle.none());
    }

    /**
     * @param redelivered the broker says an earlier delivery of this task was not acked: the
     *                    worker that had it died, and what it left half-written is removed first
     * @param children where the task's subdirectories and file batches go; a publish that fails
     *                 throws {@link TaskSink.PublishFailed} out of this call (the worker returns the task)
     * @param stats    where the task counts what it does, live (the worker's heartbeats read it while it runs)
     */
    public Outcome run(TaskMessage m, DataSource srcDs, DataSource tgtDs, boolean redelivered, TaskSink children,
                       JobStats stats) throws InterruptedException {
        return run(m, srcDs, tgtDs, redelivered, children, stats, Interrupt.NEVER);
    }

    /**
     * @param stop asked between entries and between chunks of a file (pdm cancel): the task
     *             then starts nothing more, and a file it is copying is given up, its temp file removed
     */
    public Outcome run(TaskMessage m, DataSource srcDs, DataSource tgtDs, boolean redelivered, TaskSink children,
                       JobStats stats, Interrupt stop) throws InterruptedException {
        TempNames.runningTask(m.taskId());
        Watched watched = new Watched(children);
        try {
            return runTask(m, srcDs, tgtDs, redelivered, stats, watched, stop);
        } catch (TaskSink.PublishFailed e) {
            throw e; // the worker returns the task to its queue
        } catch (RuntimeException e) {
            // A bug in pdm: the task is done with a failure that says so, and what it published
            // so far stays tracked (a crash loop on a redelivery would help no one).
            LOG.error("task {} of job {} failed in pdm itself", m.taskId(), m.jobId(), e);
            stats.fail(Names.display(m.dir()), "pdm failed on this task (please report it): " + e);
            return new Outcome(stats, null, true);
        } finally {
            TempNames.runningTask(null);
        }
    }

    private Outcome runTask(TaskMessage m, DataSource srcDs, DataSource tgtDs, boolean redelivered, JobStats stats,
                            Watched children, Interrupt stop) throws InterruptedException {
        boolean dirMeta = false;
        try (FsRoot src = new FsRoot(srcDs.name(), srcDs.path(), srcDs.write(), false, srcDs.mount());
             FsRoot tgt = new FsRoot(tgtDs.name(), tgtDs.path(), tgtDs.write(), false, tgtDs.mount())) {
            Path walkRoot = JobSpec.walkRoot(m.jobPath(), m.options());
            JobSpec job = new JobSpec(m.jobId(), m.pass(), src, tgt, m.jobPath(), m.options(), SkipFilter.of(srcDs),
                    JobSpec.placementOf(srcDs, tgtDs, m.jobPath(), m.options()), excludesOf(m, srcDs, walkRoot));
            PassContext ctx = new PassContext(src, tgt, m.options(), stats, job.filter(), preserveOwner, ChangeList.NONE,
                    removalsOf(m), stop, new DryRunLedger(), job.placement(), job.excludes(), throttle, ranges,
                    children.splitsAcrossWorkers() ? children : null);
            PassStrategy pass = Passes.of(job.pass(), ctx, () -> linksOf(m), true);
            SubtreeTracker tracker = new SubtreeTracker((rel, s, t) -> {
                // distributed: the job tracker sends a DirMetaTask when the subtree is done
            });
            SubtreeTracker.Node self = tracker.root(m.dir());
            boolean root = m.task() instanceof DirTask d0 && d0.srcMeta() == null && d0.rel().equals(walkRoot);
            WalkScope scope = null;
            if (m.task() instanceof DirTask && m.options().changes() && !m.options().singleFile()) {
                if (root) {
                    String refused = preflight(job, srcDs, tgtDs);
                    if (refused != null) {
                        return new Outcome(stats, refused, false);
                    }
                }
                try {
                    scope = scopeOf(m, job, ctx, srcDs, root);
                } catch (IOException e) {
                    // (the task goes back to its queue: no walk may start without its decision)
                    throw new TaskSink.PublishFailed(new IOException("the change journal's stream could not be read: "
                            + Reasons.of(e), e));
                }
            }
            Walker walker = new Walker(ctx, pass, tracker, children, filesPerTask, scope, false);
            if (m.task() instanceof DirMetaTask d) {
                if (d.rel().equals(walkRoot)) {
                    pass.walkDone();
                }
                finishDir(ctx, pass, d.rel());
            } else if (m.task() instanceof RangeTask r) {
                walker.onSplit(r.dir(), r.name(), dir -> {
                    if (r.verifies()) {
                        FileData.compareRange(ctx, dir, r);
                    } else {
                        FileData.copyRange(ctx, dir, r);
                    }
                });
            } else if (m.task() instanceof FinishTask f) {
                walker.onSplit(f.dir(), f.name(), dir -> pass.finishSplit(dir, f));
            } else if (m.task() instanceof FileTask f) {
                if (redelivered && !m.options().dryRun()) {
                    removeLeftovers(ctx, f.dir(), m.taskId());
                }
                walker.onFiles(f);
            } else {
                DirTask d = (DirTask) m.task();
                if (d.srcMeta() == null && d.rel().equals(walkRoot)) {
                    String refused = startJob(job, srcDs, tgtDs, walker, stats);
                    if (refused != null) {
                        return new Outcome(stats, refused, false);
                    }
                } else {
                    walker.onDir(d);
                }
            }
            if (m.task() instanceof DirTask d) {
                boolean writes = stats.dirsCreated.sum() > 0 || children.files;
                // The root of a pass that makes the target, always: pdm's hard-link directory may
                // be made in it, and goes at the end (PassStrategy.walkDone).
                boolean makesRoot = job.pass().makesTargetRoot() && d.srcMeta() == null;
                // (a flag or project ID may change alone, with the ctime: looked at as embedded
                // mode's AttrSync.dirDone looks at it)
                dirMeta = writes || makesRoot || self.srcSelf == null || self.tgtSelf == null
                        || !DirMeta.current(ctx, self.srcSelf, self.tgtSelf)
                        || m.options().attrs().flags() && (self.srcSelf.mayHaveChangedSince(self.tgtSelf)
                                || self.srcSelf.locksDiffer(self.tgtSelf));
            }
        }
        return new Outcome(stats, null, dirMeta);
    }

    /** The preflight's refusal of a --changes root task, before it asks the journal for a mark; null: none. */
    private static String preflight(JobSpec job, DataSource srcDs, DataSource tgtDs) {
        try {
            Preflight.requireMounted(srcDs, " on this worker");
            Preflight.requireMounted(tgtDs, " on this worker");
        } catch (PdmException e) {
            return e.getMessage();
        }
        return null;
    }

    /**
     * What a task of a distributed --changes pass walks: its root task decides (once, on record
     * for every task: {@link ChangeScopes}), the others follow. As in embedded mode (ChangesOption,
     * Engine.run), what only a full walk settles (a hard-linked file in a changed directory, a
     * written or changed inode met under no name there) makes the pass walk everything, still
     * copying every name of what the journal saw written; distributed, the root task looks for it
     * before the walk (it lists the journal's directories once more), as no task sees the whole walk.
     */
    private WalkScope scopeOf(TaskMessage m, JobSpec job, PassContext ctx, DataSource srcDs, boolean root)
            throws IOException {
        String request = m.jobId() + "/" + m.pass().cliName();
        ChangeScopes.Decided d;
        if (root) {
            SkipFilter f = job.filter();
            String noJournal = f.newerThanNs() != Long.MAX_VALUE || f.olderThanNs() != Long.MIN_VALUE
                    ? "skip_files_newer_minutes/skip_files_older_minutes make files eligible as time passes, with no "
                    + "change a journal could see" : null;
            boolean linksMatter = job.pass().writesTarget() && job.pass().handlesFiles();
            d = scopes.decide(request, m.src(), passKey(m), srcDs.path(), m.jobPath(), noJournal,
                    c -> linksMatter ? mustWalkEverything(ctx, c, ctx.tgt().root().resolve(m.jobPath())) : null);
        } else {
            d = scopes.decided(request, m.src(), srcDs.path(), m.jobPath());
        }
        if (d == null) {
            if (!root) {
                LOG.warn("no --changes decision of pass {} is on the journal stream; directory {} is walked whole",
                        request, Names.display(m.dir()));
            }
            return null;
        }
        if (root && !d.decision().reason().isEmpty()) {
            LOG.warn("{} of job {} walks everything: {}", m.pass().cliName(), m.jobId(), d.decision().reason());
        }
        return switch (d.decision().mode()) {
            case Changes.Decision.CHANGES -> new WalkScope(d.changes(), false, null);
            case Changes.Decision.EVERYTHING -> new WalkScope(d.changes(), false, null).everything();
            default -> null;
        };
    }

    /**
     * The pass key a distributed pass stores its mark under: its kind, the configured SRC and TGT
     * names, PATH and every option that changes what a pass does (as embedded mode's ChangesOption.key,
     * by names: the roots' paths may differ between nodes).
     */
    private static String passKey(TaskMessage m) {
        JobOptions o = m.options();
        return JournalDir.markName(String.join("\0", "distributed", m.pass().cliName(), m.src(), m.tgt(),
                Names.display(m.jobPath()), "checksum=" + o.checksum(), "file=" + o.singleFile(),
                "excludes=" + o.excludes(), "deleteExcluded=" + o.deleteExcluded(), "attrs=" + o.attrs()));
    }

    /**
     * Whether what the journal names holds what only a full walk settles (Walker.scoped's checks,
     * by the same WalkScope, made before the walk): a hard-linked file among the entries looked
     * at, or a written or changed inode met under none of them. Lists each directory named whole
     * and every directory of the new subtrees, and looks up the named entries.
     */
    private static String mustWalkEverything(PassContext ctx, Changes c, Path targetDir) {
        WalkScope scope = new WalkScope(c, true, targetDir);
        java.util.ArrayDeque<Path> whole = new java.util.ArrayDeque<>(c.subtree());
        java.util.List<Path> dirs = new java.util.ArrayList<>(c.listed());
        dirs.addAll(c.named().keySet());
        java.util.Set<Path> seen = new java.util.HashSet<>();
        while (!dirs.isEmpty() || !whole.isEmpty()) {
            boolean recurse = dirs.isEmpty();
            Path rel = recurse ? whole.pop() : dirs.removeLast();
            if (!seen.add(rel)) {
                continue;
            }
            java.util.Set<Path> names = recurse ? null : scope.names(rel);
            try (Dir d = ctx.src().open(rel)) {
                for (Entry e : names == null ? d.list() : d.entries(names)) {
                    FileMeta f = e.meta();
                    if (f.isDir()) {
                        if (recurse) {
                            whole.push(rel.resolve(e.name()));
                        }
                    } else {
                        scope.sawFile(f);
                        if (f.nlink() > 1) {
                            scope.sawLinks(Names.display(rel.resolve(e.name())));
                            return scope.tainted();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // (gone, or unreadable: the walk meets the same and says so)
            }
        }
        return scope.tainted();
    }

    /**
     * The root task of a pass: the preflight every mode runs (refusals, mkdir -p of PATH), then
     * the walk as embedded mode starts it. Returns the refusal, or null.
     */
    private static String startJob(JobSpec job, DataSource srcDs, DataSource tgtDs, Walker walker, JobStats stats)
            throws InterruptedException {
        Preflight.Checked checked;
        try {
            Preflight.requireMounted(srcDs, " on this worker");
            Preflight.requireMounted(tgtDs, " on this worker");
            checked = Preflight.check(job);
        } catch (PdmException e) {
            return e.getMessage();
        }
        if (Walker.begins(job, checked.targetThere(), stats)) {
            walker.startAt(job, true, checked.srcRoot());
        }
        return null;
    }

    /** A directory's subtree is complete: set its metadata from the source as it is now. */
    private static void finishDir(PassContext ctx, PassStrategy pass, Path rel) {
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
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(rel), "cannot set directory metadata: " + Reasons.of(e));
        }
    }

    /** The job's removals, held to its --max-delete budget, which every worker of the job shares. */
    private Removals removalsOf(TaskMessage m) {
        Long max = m.options().maxDelete();
        return removals.of(m.jobId(), j -> max == null ? new Removals(null)
                : new Removals(budgets.apply(m), Long.toString(max)));
    }

    /** The job's --exclude patterns and this node's skip_paths of the source (checked when the worker started). */
    private ExcludeFilter excludesOf(TaskMessage m, DataSource srcDs, Path walkRoot) {
        return excludes.of(m.jobId() + "\0" + srcDs.name(), j -> ExcludeFilter.of(m.options(), srcDs, walkRoot));
    }

    private HardLinks linksOf(TaskMessage m) {
        return links.of(m.jobId(), j -> new HardLinks(m.options().singleFile() ? null
                : m.jobPath().resolve(HardLinks.farmName(m.jobId()))));
    }

    /** Temp files an earlier, killed run of this very task left in its target directory. */
    private static void removeLeftovers(PassContext ctx, Path dirRel, String taskId) {
        String prefix = TempNames.prefixOf(taskId);
        // (not a big file's temp file: ranges of it may be written already, the task reuses it)
        String split = TempNames.splitPrefixOf(taskId);
        try (Dir d = ctx.tgt().open(dirRel)) {
            for (Entry e : d.list()) {
                String name = e.name().toString();
                if (e.meta().isFile() && name.startsWith(prefix) && !name.startsWith(split)) {
                    d.deleteFile(e.name());
                }
            }
        } catch (NoSuchFileException e) {
            // no target directory, so nothing was left in it
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(dirRel), "cannot remove temp files a killed worker left: " + Reasons.of(e));
        }
    }

    /** What this process keeps per job while it works on it: for the 64 jobs it used last. */
    private static final class RecentJobs<V> {
        private static final int REMEMBERED = 64;
        private final Map<String, V> byJob = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > REMEMBERED;
            }
        };

        synchronized V of(String key, Function<String, V> make) {
            return byJob.computeIfAbsent(key, make);
        }
    }

    /** Passes the task's children on, noting whether it made any file batch. */
    private static final class Watched implements TaskSink {
        private final TaskSink sink;
        private volatile boolean files;

        Watched(TaskSink sink) {
            this.sink = sink;
        }

        @Override
        public void publish(DirTask task) throws InterruptedException {
            sink.publish(task);
        }

        @Override
        public void publish(FileTask task) throws InterruptedException {
            sink.publish(task);
            files = true;
        }

        @Override
        public boolean splitsAcrossWorkers() {
            return sink.splitsAcrossWorkers();
        }

        @Override
        public void split(FinishTask finish, List<RangeTask> ranges) throws InterruptedException {
            sink.split(finish, ranges);
            files = true;
        }
    }
}

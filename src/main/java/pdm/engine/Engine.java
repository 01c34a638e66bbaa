package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.job.JobSummary;

/**
 * Runs one pass in this process: checks that the job is safe to start, walks the job
 * PATH with {@code dir_workers} threads feeding {@code file_workers} threads, and returns
 * when the tracker says the last directory is done.
 */
public final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);

    private volatile InProcessTransport transport;
    /** Sizes of the in-process run, and its limits (--bwlimit, --max-files-per-second; 0 = none). */
    public record Settings(int dirWorkers, int fileWorkers, int filesPerTask, long bytesPerSecond,
                           long filesPerSecond) {
        public Settings(int dirWorkers, int fileWorkers, int filesPerTask) {
            this(dirWorkers, fileWorkers, filesPerTask, 0, 0);
        }
    }

    private final Settings settings;
    private final ChangeList changes;
    private final Interrupt interrupt = new Interrupt();
    /** One for every pass this engine runs: sync's copy and delete share one --max-delete. */
    private Removals removals;
    /** What this engine's dry-run passes would have changed: sync's later passes see it. */
    private final DryRunLedger ledger = new DryRunLedger();
    private boolean ownersWarned;
    /** One for every pass this engine runs: the limits hold for the process. */
    private final Throttle throttle;
    /** The threads big files' ranges share: as many as file workers, for the process. */
    private final Ranges ranges;

    /** @param changes where each change is listed (-i, or a dry run); {@link ChangeList#NONE} for nowhere */
    public Engine(Settings settings, ChangeList changes) {
        this.settings = settings;
        this.changes = changes;
        this.throttle = new Throttle(settings.bytesPerSecond(), settings.filesPerSecond());
        this.ranges = new Ranges(settings.fileWorkers());
    }

    /**
     * Asks the running pass to stop early (SIGINT, SIGTERM): no new entry is started, the
     * files in flight finish or are undone, and {@link #run} returns an interrupted summary.
     * Every later {@link #run} returns at once.
     */
    public void interrupt() {
        interrupt.request();
    }

    public boolean interrupted() {
        return interrupt.requested();
    }

    /** The running pass's in-process queues: {dir tasks waiting, file tasks waiting, tasks running}; zeros between passes. */
    public int[] queues() {
        InProcessTransport t = transport;
        return t == null ? new int[3] : new int[]{t.dirsQueued(), t.filesQueued(), t.running()};
    }

    /**
     * @param progress called with the pass's stats when it starts, about every 200 ms while it runs, and at its end
     */
    public JobSummary run(JobSpec job, Consumer<JobStats> progress) throws InterruptedException {
        return run(job, progress, null);
    }

    /**
     * @param scope the directories a --changes pass walks (docs/change-journal.md); null for all.
     *              When its walk meets what only a full walk can settle ({@link WalkScope#tainted}),
     *              a full walk follows in the same pass.
     */
    public JobSummary run(JobSpec job, Consumer<JobStats> progress, WalkScope scope) throws InterruptedException {
        long started = System.nanoTime();
        // (stopped before it began: not even the target root is made)
        Preflight.Checked checked;
        try {
            checked = interrupt.requested() ? new Preflight.Checked(false, null) : Preflight.check(job);
        } catch (RuntimeException e) {
            // (a refused job never walks, which is what closes the roots: their open descriptors
            // would keep a target busy, e.g. from being unmounted, for as long as this process runs)
            job.src().close();
            job.tgt().close();
            throw e;
        }
        if (removals == null) {
            removals = new Removals(job.options().maxDelete());
        }
        boolean root = Privileges.isRoot();
        if (!root && !ownersWarned && job.pass().writesTarget() && !job.options().dryRun()) {
            ownersWarned = true;
            LOG.warn("not running as root: owners and groups cannot be kept, the copies are yours (the summary counts "
                    + "the entries whose owner differs); run as root to keep them");
            if (job.options().attrs().xattrs() == pdm.fs.XattrScope.ALL || job.options().attrs().flags()) {
                LOG.warn("not running as root: trusted.* and security.* xattrs (file capabilities among them) and the "
                        + "immutable and append-only flags cannot be kept (the summary counts them as attrs_not_kept); "
                        + "run as root to keep them, or give --xattrs=user to leave the xattrs out on purpose");
            }
        }
        JobStats stats = new JobStats();
        progress.accept(stats);
        PassContext ctx = new PassContext(job.src(), job.tgt(), job.options(), stats, job.filter(), root, changes,
                removals, interrupt, ledger, job.placement(), job.excludes(), throttle, ranges);
        PassStrategy pass = Passes.of(job.pass(), ctx, HardLinks::new, false);
        if (!interrupt.requested() && Walker.begins(job, checked.targetThere(), stats)) {
            walk(job, ctx, pass, progress, scope, checked.srcRoot());
            if (scope != null && scope.tainted() != null && !interrupt.requested()) {
                LOG.info("{}", scope.tainted());
                walk(job, ctx, Passes.of(job.pass(), ctx, HardLinks::new, false), progress, scope.everything(),
                        checked.srcRoot());
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        stats.logRepeats();
        changes.flush();
        progress.accept(stats);
        return JobSummary.of(job.id(), job.pass().cliName(), job.src().toString(), job.tgt().toString(),
                Names.display(job.path()), job.options().dryRun(), stats, seconds, interrupt.requested());
    }

    private void walk(JobSpec job, PassContext ctx, PassStrategy pass, Consumer<JobStats> progress, WalkScope scope,
                      FileMeta srcRoot) throws InterruptedException {
        JobStats stats = ctx.stats();
        Path root = job.walkRoot();
        SubtreeTracker tracker = new SubtreeTracker((rel, srcSelf, tgtSelf) -> {
            if (rel.equals(root)) {
                pass.walkDone();
            }
            try {
                pass.dirDone(rel, srcSelf, tgtSelf);
            } catch (IOException | RuntimeException e) {
                stats.fail(Names.display(rel), "cannot set directory metadata: " + Reasons.of(e));
            }
        });
        int queue = Math.max(2, settings.fileWorkers() * 2);
        try (InProcessTransport transport = new InProcessTransport(settings.dirWorkers(), settings.fileWorkers(), queue)) {
            this.transport = transport;
            Walker walker = new Walker(ctx, pass, tracker, transport, settings.filesPerTask(), scope, true);
            transport.start(walker);
            tracker.root(root);
            walker.startAt(job, false, srcRoot);
            while (!tracker.await(200)) {
                progress.accept(stats);
                if (transport.died() instanceof Error e) {
                    throw e; // (out of memory, say: the process stops, as the JVM's errors should)
                }
                if (transport.died() != null) {
                    throw new IllegalStateException("a worker thread of the pass died, so the pass cannot complete: "
                            + transport.died(), transport.died());
                }
                if (interrupt.requested()) {
                    stop(transport, tracker, progress, stats);
                    break;
                }
            }
        } finally {
            this.transport = null;
            job.src().close(); // (a later walk opens them again)
            job.tgt().close();
        }
    }

    /**
     * Drops the queued work, waits for what runs (each file in flight is finished or, past its
     * current 64 MiB chunk, given up and its temp file removed), then sets the metadata of every directory
     * still open, so no temp file and no owner-only directory is left behind.
     */
    private static void stop(InProcessTransport transport, SubtreeTracker tracker, Consumer<JobStats> progress,
                             JobStats stats) throws InterruptedException {
        int idle = 0;
        while (idle < 2) {
            // twice in a row: a worker may be between taking a task and counting itself busy
            idle = transport.drain() ? idle + 1 : 0;
            Thread.sleep(50);
            progress.accept(stats);
        }
        tracker.finishOpen();
    }
}

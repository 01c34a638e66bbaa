package pdm.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Consumer;
import pdm.PdmException;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.MetaWriter;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.job.JobSummary;
import pdm.task.Action;
import pdm.task.DirTask;

/**
 * Runs one pass in this process: checks that the job is safe to start, walks the job
 * PATH with {@code dir_workers} threads feeding {@code file_workers} threads, and returns
 * when the tracker says the last directory is done.
 */
public final class Engine {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Engine.class);

    private volatile InProcessTransport transport;
    /** Sizes of the in-process run. */
    public record Settings(int dirWorkers, int fileWorkers, int filesPerTask) {
    }

    private final Settings settings;
    private final ChangeList changes;
    private final Interrupt interrupt = new Interrupt();
    /** One for every pass this engine runs: sync's copy and delete share one --max-delete. */
    private Removals removals;
    /** What this engine's dry-run passes would have changed: sync's later passes see it. */
    private final DryRunLedger ledger = new DryRunLedger();
    private boolean ownersWarned;

    /** @param changes where each change is listed (-i, or a dry run); {@link ChangeList#NONE} for nowhere */
    public Engine(Settings settings, ChangeList changes) {
        this.settings = settings;
        this.changes = changes;
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
        long started = System.nanoTime();
        boolean single = job.options().singleFile();
        Path dirRel = single ? parentOf(job.path()) : job.path();
        // (stopped before it began: not even the target root is made)
        boolean targetThere = !interrupt.requested() && preflight(job, dirRel);
        if (removals == null) {
            removals = new Removals(job.options().maxDelete());
        }
        boolean root = Privileges.isRoot();
        if (!root && !ownersWarned && job.action() != Action.VERIFY && !job.options().dryRun()) {
            ownersWarned = true;
            LOG.warn("not running as root: owners and groups cannot be kept, the copies are yours (the summary counts "
                    + "the entries whose owner differs); run as root to keep them");
        }
        JobStats stats = new JobStats();
        progress.accept(stats);
        PassContext ctx = new PassContext(job.src(), job.tgt(), job.options(), stats, job.filter(), root, changes,
                removals, interrupt, ledger);
        Pass pass = Passes.of(job.action(), ctx, new HardLinks(), false);
        if (!targetThere && job.action() == Action.VERIFY && !interrupt.requested()) {
            stats.differ(Names.display(dirRel), "missing on target");
        }
        if ((targetThere || job.action() == Action.COPY) && !interrupt.requested()) {
            walk(job, ctx, pass, dirRel, progress);
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        progress.accept(stats);
        return JobSummary.of(job.id(), job.action().cliName(), job.src().toString(), job.tgt().toString(),
                Names.display(job.path()), job.options().dryRun(), stats, seconds, interrupt.requested());
    }

    private void walk(JobSpec job, PassContext ctx, Pass pass, Path dirRel, Consumer<JobStats> progress)
            throws InterruptedException {
        JobStats stats = ctx.stats();
        SubtreeTracker tracker = new SubtreeTracker((rel, srcSelf, tgtSelf) -> {
            try {
                pass.dirDone(rel, srcSelf, tgtSelf);
            } catch (Throwable t) {
                stats.fail(Names.display(rel), "cannot set directory metadata: " + Reasons.of(t));
            }
        });
        int queue = Math.max(2, settings.fileWorkers() * 2);
        try (InProcessTransport transport = new InProcessTransport(settings.dirWorkers(), settings.fileWorkers(), queue)) {
            this.transport = transport;
            Walker walker = new Walker(ctx, pass, tracker, transport, settings.filesPerTask());
            transport.start(walker);
            tracker.root(dirRel);
            if (job.options().singleFile()) {
                walker.planSingle(dirRel, job.path().getFileName());
            } else {
                transport.publish(new DirTask(dirRel, null, null));
            }
            while (!tracker.await(200)) {
                progress.accept(stats);
                if (interrupt.requested()) {
                    stop(transport, tracker, progress, stats);
                    break;
                }
            }
        } finally {
            this.transport = null;
            closeQuietly(job.src());
            closeQuietly(job.tgt());
        }
    }

    /**
     * Drops the queued work, waits for what runs (each file in flight is finished or, past a
     * megabyte, given up and its temp file removed), then sets the metadata of every directory
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

    private static void closeQuietly(FsRoot root) {
        try {
            root.close();
        } catch (IOException e) {
            // a root handle that does not close leaks one descriptor; nothing to report
        }
    }

    static Path parentOf(Path p) {
        if (Names.isRoot(p)) {
            throw new PdmException("--file needs PATH to name a file, not the filesystem root");
        }
        Path parent = p.getParent();
        return parent == null ? Names.ROOT : parent;
    }

    /**
     * Refuses unsafe or impossible jobs before anything is touched (exit 2), and for a copy
     * creates the job PATH's directories on the target. Returns whether the target
     * directory exists (in a dry run it may not).
     */
    static boolean preflight(JobSpec job, Path dirRel) {
        FsRoot src = job.src();
        FsRoot tgt = job.tgt();
        boolean changes = job.action() != Action.VERIFY && !job.options().dryRun();
        if (changes && !tgt.writable()) {
            throw new PdmException("target filesystem '" + tgt.name() + "' is not writable (write = false in "
                    + "config.toml); set write = true for it to let pdm change it");
        }
        if (!src.exists()) {
            throw new PdmException("source root " + src.root() + " of filesystem '" + src.name()
                    + "' does not exist or is not a directory");
        }
        if (Files.exists(tgt.root()) && !tgt.exists()) {
            throw new PdmException("target " + tgt.root() + " exists and is not a directory; pdm does not replace "
                    + "it: give a directory, or remove it first");
        }
        boolean makeRoot = !tgt.exists() && tgt.creatable() && job.action() == Action.COPY;
        if (makeRoot && (tgt.root().getParent() == null || !Files.isDirectory(tgt.root().getParent()))) {
            throw new PdmException("cannot create target directory " + tgt.root() + ": its parent directory "
                    + tgt.root().getParent() + " does not exist; nothing was changed");
        }
        if (!tgt.exists() && !makeRoot && (changes || job.action() == Action.VERIFY)) {
            // (a dry run into a missing ad-hoc target reports the copy that would create it)
            throw new PdmException("target root " + tgt.root() + " of filesystem '" + tgt.name()
                    + "' does not exist or is not a directory");
        }
        FsRoot.refuseOverlap(src, tgt, dirRel);
        try (Dir d = src.open(dirRel)) {
            if (job.options().singleFile() && job.action() != Action.DELETE) {
                FileMeta m = d.stat(job.path().getFileName());
                if (m == null) {
                    throw new PdmException("source file " + Names.display(job.path()) + " does not exist on '"
                            + src.name() + "' (" + src.root() + "); nothing was changed");
                }
                if (m.isDir()) {
                    throw new PdmException("--file names a directory (" + Names.display(job.path()) + " on '"
                            + src.name() + "'); leave out --file to walk it; nothing was changed");
                }
            }
        } catch (NoSuchFileException e) {
            throw new PdmException("source path " + Names.display(dirRel) + " does not exist on '" + src.name()
                    + "' (" + src.root() + "); nothing was changed");
        } catch (AccessDeniedException e) {
            throw new PdmException("source path " + Names.display(dirRel) + " on '" + src.name()
                    + "' cannot be read (permission denied); nothing was changed");
        } catch (IOException e) {
            throw new PdmException("source path " + Names.display(dirRel) + " on '" + src.name()
                    + "' cannot be read: " + e.getMessage() + "; nothing was changed", e);
        }
        refuseEmptySource(job, dirRel);
        if (makeRoot && changes) {
            // Last: a job refused for any reason above must not have written anything.
            try {
                tgt.createRoot();
            } catch (IOException e) {
                throw new PdmException("cannot create target directory " + tgt.root() + ": " + Reasons.of(e)
                        + "; nothing was changed", e);
            }
        }
        try {
            if (job.action() == Action.COPY && changes) {
                makeParents(src, tgt, dirRel);
                return true;
            }
            return tgt.hasDir(dirRel);
        } catch (IOException e) {
            throw new PdmException("cannot prepare target path " + Names.display(dirRel) + " on '" + tgt.name()
                    + "': " + Reasons.of(e), e);
        }
    }

    /**
     * An empty source PATH over a full target is how an unmounted source, a mistyped path or a
     * failed automount wipes a migration: delete and sync refuse it unless told the source
     * really is empty. Checked before sync's copy pass, so the refusal changes nothing.
     */
    private static void refuseEmptySource(JobSpec job, Path dirRel) {
        boolean removes = job.action() == Action.DELETE || (job.options().deleting() && job.action() == Action.COPY);
        if (!removes || job.options().allowEmptySource() || job.options().singleFile()) {
            return;
        }
        try {
            if (job.src().isEmptyDir(dirRel) && job.tgt().hasDir(dirRel) && !job.tgt().isEmptyDir(dirRel)) {
                throw new PdmException("source path " + Names.display(dirRel) + " on '" + job.src().name() + "' ("
                        + job.src().root() + ") is empty but the target's is not: this would remove everything "
                        + "there. Is the source mounted, and is the path right? If the source really is empty, give "
                        + "--allow-empty-source; nothing was changed");
            }
        } catch (IOException e) {
            throw new PdmException("cannot tell whether source path " + Names.display(dirRel) + " on '"
                    + job.src().name() + "' is empty: " + Reasons.of(e) + "; nothing was changed", e);
        }
    }

    /** mkdir -p of the job PATH on the target, each new directory with its source's owner and mode. */
    private static void makeParents(FsRoot src, FsRoot tgt, Path rel) throws IOException {
        Path done = Names.ROOT;
        MetaWriter meta = new MetaWriter(Privileges.isRoot());
        for (Path part : Names.parts(rel)) {
            Path next = done.resolve(part);
            try (Dir t = tgt.open(done)) {
                FileMeta there = t.stat(part);
                if (there == null) {
                    FileMeta s;
                    try (Dir d = src.open(done)) {
                        s = d.stat(part);
                    }
                    Files.createDirectory(t.abs(part),
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                    if (s != null) {
                        meta.apply(t.abs(part), s);
                    }
                } else if (!there.isDir()) {
                    throw new PdmException("target path " + Names.display(next) + " on '" + tgt.name()
                            + "' exists and is not a directory (" + there.type().name().toLowerCase() + "); "
                            + "pdm does not replace or follow it: remove it first");
                }
            }
            done = next;
        }
    }
}

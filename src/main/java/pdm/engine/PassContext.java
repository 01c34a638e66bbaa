package pdm.engine;

import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.MetaWriter;
import pdm.job.JobStats;
import pdm.task.JobOptions;

/**
 * What every pass of one job shares: both roots, the options, the counters, where changes
 * are listed, the one way to remove anything, the request to stop early, in a dry run
 * what its earlier passes would have changed, what the job leaves out, the process's limits, and
 * the threads it lends to the ranges of big files.
 *
 * @param spread where a big file's ranges go as tasks for any worker (distributed mode), or null:
 *               the process copies them on its own threads ({@code ranges})
 */
public record PassContext(FsRoot src, FsRoot tgt, JobOptions options, JobStats stats, SkipFilter filter,
                          boolean preserveOwner, ChangeList changes, Removals removals, Interrupt interrupt,
                          DryRunLedger ledger, Placement placement, ExcludeFilter excludes, Throttle throttle,
                          Ranges ranges, TaskSink spread) {

    /** A pass that copies big files in this process. */
    public PassContext(FsRoot src, FsRoot tgt, JobOptions options, JobStats stats, SkipFilter filter,
                       boolean preserveOwner, ChangeList changes, Removals removals, Interrupt interrupt,
                       DryRunLedger ledger, Placement placement, ExcludeFilter excludes, Throttle throttle,
                       Ranges ranges) {
        this(src, tgt, options, stats, filter, preserveOwner, changes, removals, interrupt, ledger, placement,
                excludes, throttle, ranges, null);
    }

    /** A pass whose big files' ranges are done by the thread that has the file alone. */
    public PassContext(FsRoot src, FsRoot tgt, JobOptions options, JobStats stats, SkipFilter filter,
                       boolean preserveOwner, ChangeList changes, Removals removals, Interrupt interrupt,
                       DryRunLedger ledger, Placement placement, ExcludeFilter excludes, Throttle throttle) {
        this(src, tgt, options, stats, filter, preserveOwner, changes, removals, interrupt, ledger, placement,
                excludes, throttle, Ranges.ONE);
    }

    /** A pass onto a plain POSIX target, without exclusions and limits. */
    public PassContext(FsRoot src, FsRoot tgt, JobOptions options, JobStats stats, SkipFilter filter,
                       boolean preserveOwner, ChangeList changes, Removals removals, Interrupt interrupt,
                       DryRunLedger ledger) {
        this(src, tgt, options, stats, filter, preserveOwner, changes, removals, interrupt, ledger, Placement.POSIX,
                ExcludeFilter.NONE, Throttle.none());
    }

    public MetaWriter metaWriter() {
        return new MetaWriter(preserveOwner);
    }

    public boolean dryRun() {
        return options.dryRun();
    }

    /**
     * Whether work in {@code dir} leaves the target as it is: a dry run, or a target directory
     * that is not there (one the dry run made only in its ledger). It then counts and lists what
     * it would do.
     */
    public boolean writesNothing(DirPair dir) {
        return dryRun() || dir.tgt() == null;
    }

    /** In a dry run: an entry would be created, renamed into or removed from the target directory {@code dirRel}. */
    void wouldTouch(Path dirRel) {
        if (dryRun()) {
            ledger.touch(dirRel);
        }
    }

    /** Whether the pass was asked to stop: no new entry is started. */
    public boolean stopping() {
        return interrupt.requested();
    }

    /** Whether the target entry already has the source's owner, group and mode (owner only when we can set it). */
    public boolean sameOwnership(FileMeta src, FileMeta tgt) {
        return src.perms() == tgt.perms() && sameOwner(src, tgt);
    }

    /** Same uid and gid, or owners are not kept (not root). */
    public boolean sameOwner(FileMeta src, FileMeta tgt) {
        return !preserveOwner || (src.uid() == tgt.uid() && src.gid() == tgt.gid());
    }

    /** Counts a source entry whose owner or group the target cannot get because pdm is not root. */
    void countOwnerNotKept(FileMeta src) {
        if (!preserveOwner && !Privileges.owns(src)) {
            stats.ownersNotKept.increment();
        }
    }
}

package pdm.engine;

import java.io.PrintStream;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.MetaWriter;
import pdm.job.JobStats;
import pdm.task.JobOptions;

/** What every pass of one job shares: both roots, the options, the counters. */
public record PassContext(FsRoot src, FsRoot tgt, JobOptions options, JobStats stats, SkipFilter filter,
                          boolean preserveOwner, PrintStream changes) {

    public MetaWriter metaWriter() {
        return new MetaWriter(preserveOwner);
    }

    public boolean dryRun() {
        return options.dryRun();
    }

    /** Whether the target entry already has the source's owner, group and mode (owner only when we can set it). */
    public boolean sameOwnership(FileMeta src, FileMeta tgt) {
        return src.perms() == tgt.perms() && sameOwner(src, tgt);
    }

    /** Same uid and gid, or owners are not kept (not root). */
    public boolean sameOwner(FileMeta src, FileMeta tgt) {
        return !preserveOwner || (src.uid() == tgt.uid() && src.gid() == tgt.gid());
    }

    /** A dry run prints what it would do, one line per change, like rsync -n. */
    public void wouldDo(String what, String path) {
        if (changes != null) {
            synchronized (changes) {
                changes.println(what + " " + path);
            }
        }
    }
}

package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import pdm.engine.ChangeList.Change;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.task.FinishTask;
import pdm.task.WorkItem;
import pdm.task.WorkItem.Op;

/**
 * Makes the target like the source: creates directories on the walk, copies files whose
 * size or mtime differ (or content, with --checksum), fixes owner and mode without copying
 * when only they differ, recreates symlinks and special files, keeps hard links, and sets
 * each directory's metadata once everything below it is done. What to do is {@link CopyPlan}'s
 * decision, every change {@link EntryWriter}'s; this class joins them for the walk.
 */
final class CopyPass implements PassStrategy, HardLinks.Placer {
    private final PassContext ctx;
    private final CopyPlan plan;
    private final EntryWriter writer;
    private final HardLinks links;
    private final boolean recheck;
    private final AttrSync attrs;

    /**
     * @param links   the pass's hard-link leaders: one per job and process, shared by its tasks
     * @param recheck look at each target entry again before acting instead of trusting the
     *                listing: in distributed mode a task may run twice (a parent re-run after a
     *                worker died publishes its children again), and the second run must find
     *                the work done rather than rewrite it after its directory's times were set
     */
    CopyPass(PassContext ctx, HardLinks links, boolean recheck) {
        this.ctx = ctx;
        this.links = links;
        this.recheck = recheck;
        this.attrs = new AttrSync(ctx);
        this.writer = new EntryWriter(ctx, attrs);
        this.plan = new CopyPlan(ctx, writer, attrs);
    }

    @Override
    public void plan(DirPair dir, Pair p, Plan plan) throws IOException, InterruptedException {
        this.plan.plan(dir, p, plan);
    }

    @Override
    public void work(DirPair dir, WorkItem listed) throws IOException {
        WorkItem item = listed;
        if (recheck && dir.tgt() != null && item.op() != Op.REMOVE) {
            item = new WorkItem(listed.name(), listed.op(), listed.src(), dir.tgt().stat(listed.name()));
        }
        WorkItem it = item;
        if (ctx.dryRun() || it.op() == Op.REMOVE) {
            act(dir, it);
        } else {
            // (an immutable or append-only target entry, or directory, is unlocked to be updated)
            attrs.unlocking(dir, it.name(), it.tgt() != null && it.tgt().isDir(), () -> act(dir, it));
        }
    }

    private void act(DirPair dir, WorkItem item) throws IOException {
        switch (item.op()) {
            case COPY -> copy(dir, item);
            case META -> fixMeta(dir, item);
            case HARDLINK -> links.handle(ctx, dir, item, this);
            case SYMLINK -> symlink(dir, item);
            case SPECIAL -> special(dir, item);
            case REMOVE -> writer.removeStaleTemp(dir, item);
            default -> throw new IllegalArgumentException("copy cannot " + item.op());
        }
    }

    @Override
    public void finishSplit(DirPair dir, FinishTask finish) throws IOException {
        FileMeta now = dir.tgt() == null ? null : dir.tgt().stat(finish.name());
        // (an immutable or append-only target file, or directory, is unlocked to be replaced)
        attrs.unlocking(dir, finish.name(), now != null && now.isDir(), () -> writer.finishSplit(dir, finish));
    }

    @Override
    public void rootOpened(DirPair dir) throws IOException {
        ctx.countOwnerNotKept(dir.src().selfAtOpen()); // (counted as every listed entry is)
        writer.syncRootXattrs(dir);
    }

    @Override
    public void walkDone() {
        links.removeFarm(ctx);
    }

    @Override
    public void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
        attrs.dirDone(rel, srcSelf, tgtSelf);
    }

    /**
     * A file's data, unless the target's is current (then its metadata). Returns false when the
     * file was not placed (nor would be): the name was left alone.
     */
    private boolean copy(DirPair dir, WorkItem item) throws IOException {
        if (plan.dataCurrent(dir, item)) {
            fixMeta(dir, item);
            return true;
        }
        return writer.copyFile(dir, item);
    }

    /** Owner, mode and times of a file whose data is current, and its other attributes where they differ. */
    private void fixMeta(DirPair dir, WorkItem item) throws IOException {
        List<String> changed = plan.attrDifferences(dir, item.name());
        if (plan.stampCurrent(item.src(), item.tgt()) && changed.isEmpty()) {
            ctx.stats().filesSkipped.increment();
            return;
        }
        writer.fixMeta(dir, item, changed);
    }

    private boolean symlink(DirPair dir, WorkItem item) throws IOException {
        byte[] linkTo = dir.src().readlink(item.name());
        // (a symlink whose xattrs alone differ is made anew, with them)
        if (plan.sameSymlink(dir, item, linkTo) && !attrs.entryDiffers(dir, item.name(), item.src(), item.tgt())) {
            if (plan.symlinkStampCurrent(item.src(), item.tgt())) {
                ctx.stats().filesSkipped.increment();
            } else {
                writer.fixSymlinkMeta(dir, item);
            }
            return true;
        }
        return writer.create(dir, item, Change.SYMLINK, (d, tmp) -> d.symlink(tmp, linkTo));
    }

    private boolean special(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        if (plan.isCurrentSpecial(src, item.tgt()) && !attrs.entryDiffers(dir, item.name(), src, item.tgt())) {
            ctx.stats().filesSkipped.increment();
            return true;
        }
        return writer.create(dir, item, Change.valueOf(src.type().name()),
                (d, tmp) -> d.mknod(tmp, src.type(), src.perms(), src.rdev()));
    }

    @Override
    public boolean placeLeader(DirPair dir, WorkItem item) throws IOException {
        return switch (item.src().type()) {
            case FILE -> copy(dir, item);
            case SYMLINK -> symlink(dir, item);
            case DIR -> throw new IllegalArgumentException("a directory has no hard links");
            default -> special(dir, item);
        };
    }

    @Override
    public void link(DirPair dir, WorkItem item, Dir leaderDir, Path leaderName) throws IOException {
        writer.create(dir, item, Change.LINK, (d, tmp) -> d.link(tmp, leaderDir, leaderName));
    }
}

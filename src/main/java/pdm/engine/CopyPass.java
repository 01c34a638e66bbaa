package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import pdm.engine.ChangeList.Change;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
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
            FileMeta now = dir.tgt().stat(listed.name());
            if (now != null && listed.tgt() != null && !listed.tgt().stampBelieved()) {
                now = now.stampNotBelieved(); // (the journal saw the source written: a second look changes nothing)
            }
            item = new WorkItem(listed.name(), listed.op(), listed.src(), now);
        }
        WorkItem it = item;
        if (ctx.dryRun()) {
            act(dir, it, 0);
        } else {
            // (an immutable or append-only target entry, or directory, is unlocked to be updated;
            // so is the directory of a temp file a killed run left, to remove it)
            try {
                act(dir, it, 0);
            } catch (IOException first) {
                attrs.unlockingAfter(first, dir, it.name(), it.tgt() != null && it.tgt().isDir(),
                        unlocked -> act(dir, it, unlocked));
            }
        }
    }

    /** @param unlocked the immutable or append-only bits just cleared on the target entry, to be set back; 0: none */
    private void act(DirPair dir, WorkItem item, int unlocked) throws IOException {
        switch (item.op()) {
            case COPY -> copy(dir, item, unlocked);
            case META -> fixMeta(dir, item, unlocked);
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
        // (no range written into the file from here on: RangeFence; its wait, taken once, outside
        // the unlocking below, which runs the placing again where a flag refused it)
        try (FileHandle fence = RangeFence.forFinish(dir, finish, ctx.interrupt())) {
            // (an immutable or append-only target file, or directory, is unlocked to be replaced)
            attrs.unlocking(dir, finish.name(), now != null && now.isDir(), unlocked -> writer.finishSplit(dir, finish));
        }
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
    private boolean copy(DirPair dir, WorkItem item, int unlocked) throws IOException {
        if (plan.dataCurrent(dir, item)) {
            fixMeta(dir, item, unlocked);
            return true;
        }
        return writer.copyFile(dir, item);
    }

    /**
     * Owner, mode and times of a file whose data is current, and its other attributes where they
     * differ. A target unlocked for this ({@code unlocked}: the bits cleared) gets its flags back,
     * and -i names what differed before the unlock, not the flag pdm itself cleared.
     */
    private void fixMeta(DirPair dir, WorkItem item, int unlocked) throws IOException {
        List<String> changed = plan.attrDifferences(dir, item.name(), unlocked);
        if (plan.stampCurrent(item.src(), item.tgt()) && changed.isEmpty() && unlocked == 0) {
            ctx.stats().filesSkipped.increment();
            return;
        }
        writer.fixMeta(dir, item, changed, unlocked != 0);
    }

    private boolean symlink(DirPair dir, WorkItem item) throws IOException {
        byte[] linkTo = dir.src().readlink(item.name());
        boolean same = plan.sameSymlink(dir, item, linkTo);
        // (a symlink whose xattrs alone differ is made anew, with them; -i names them)
        List<String> changed = attrs.entryDifferences(dir, item.name(), item.src(), item.tgt());
        if (same && changed.isEmpty()) {
            if (plan.symlinkStampCurrent(item.src(), item.tgt())) {
                ctx.stats().filesSkipped.increment();
            } else {
                writer.fixSymlinkMeta(dir, item);
            }
            return true;
        }
        return writer.create(dir, item, Change.SYMLINK, changed, (d, tmp) -> d.symlink(tmp, linkTo));
    }

    private boolean special(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        List<String> changed = attrs.entryDifferences(dir, item.name(), src, item.tgt());
        if (plan.isCurrentSpecial(src, item.tgt()) && changed.isEmpty()) {
            ctx.stats().filesSkipped.increment();
            return true;
        }
        return writer.create(dir, item, Change.valueOf(src.type().name()), changed,
                (d, tmp) -> d.mknod(tmp, src.type(), 0600, src.rdev())); // (owner-only until its ACL is set: MetaWriter)
    }

    @Override
    public boolean placeLeader(DirPair dir, WorkItem item) throws IOException {
        return switch (item.src().type()) {
            case FILE -> copy(dir, item, 0);
            case SYMLINK -> symlink(dir, item);
            case DIR -> throw new IllegalArgumentException("a directory has no hard links");
            default -> special(dir, item);
        };
    }

    @Override
    public void link(DirPair dir, WorkItem item, Dir leaderDir, Path leaderName) throws IOException {
        writer.create(dir, item, Change.LINK, List.of(), (d, tmp) -> d.link(tmp, leaderDir, leaderName));
    }
}

package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import pdm.fs.AttrPolicy;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.task.WorkItem;
import pdm.task.WorkItem.Op;

/**
 * The copy pass's decisions, as DistCp's CopyMapper makes them apart from the write: for each
 * name of a merged listing, what the target needs (a directory made and walked, a file's data,
 * its metadata only, a symlink, a special, a hard link, nothing), and on a file worker whether
 * what the target has is already current. Every change itself is the {@link EntryWriter}'s.
 */
final class CopyPlan {
    private final PassContext ctx;
    private final EntryWriter writer;
    private final AttrSync attrs;

    CopyPlan(PassContext ctx, EntryWriter writer, AttrSync attrs) {
        this.ctx = ctx;
        this.writer = writer;
        this.attrs = attrs;
    }

    /** Decides about one name of the merged listing (on a dir worker). */
    void plan(DirPair dir, Pair p, Plan plan) throws IOException, InterruptedException {
        FileMeta src = p.src();
        FileMeta tgt = p.tgt();
        if (src == null) {
            if (tgt != null && tgt.isFile() && TempNames.isTemp(p.name())) {
                // Left by a run that was killed while writing: ours, and never complete.
                plan.work(new WorkItem(p.name(), Op.REMOVE, null, tgt));
            }
            return;
        }
        if (src.type() != FileType.FILE || !ctx.filter().skips(src)) {
            ctx.countOwnerNotKept(src);
        }
        switch (src.type()) {
            case DIR -> {
                if (tgt != null && tgt.isDir()) {
                    // (a directory gets its times last, once its subtree is done: one whose mtime
                    // is not yet the source's was left half done, its xattrs maybe among what is
                    // missing, whatever its ctime, which every child made moved, says)
                    if (src.mtimeNs() != tgt.mtimeNs() || attrs.worthALook(dir, p)) {
                        writer.syncDirXattrs(dir, p);
                    }
                    writer.narrowDir(dir, p);
                    plan.descend(p.name(), src, tgt);
                } else if (writer.makeDir(dir, p)) {
                    plan.descend(p.name(), src, ctx.writesNothing(dir) ? null : dir.tgt().stat(p.name()));
                }
            }
            case FILE -> {
                if (ctx.filter().skips(src)) {
                    ctx.stats().filesSkipped.increment();
                } else if (src.nlink() > 1) {
                    plan.work(new WorkItem(p.name(), Op.HARDLINK, src, tgt));
                } else if (tgt == null || !src.sameContentStamp(tgt) || ctx.options().checksum() || tgt.nlink() > 1) {
                    // (a target still hard-linked where the source no longer is gets its own inode)
                    plan.work(new WorkItem(p.name(), Op.COPY, src, tgt));
                } else if (!ctx.sameOwnership(src, tgt) || attrs.worthALook(dir, p) || attrs.locksDiffer(src, tgt)) {
                    // (xattrs, ACLs and flags may have changed with nothing else: compared where the
                    // source changed since the copy, so a pass over unchanged files looks at none)
                    plan.work(new WorkItem(p.name(), Op.META, src, tgt));
                } else {
                    ctx.stats().filesSkipped.increment();
                }
            }
            // (a symlink, fifo or device with several names keeps them, as rsync -aH does)
            case SYMLINK -> plan.work(new WorkItem(p.name(), src.nlink() > 1 ? Op.HARDLINK : Op.SYMLINK, src, tgt));
            default -> {
                if (src.nlink() > 1) {
                    plan.work(new WorkItem(p.name(), Op.HARDLINK, src, tgt));
                } else if (isCurrentSpecial(src, tgt) && attrs.entryDifferences(dir, p.name(), src, tgt).isEmpty()) {
                    ctx.stats().filesSkipped.increment();
                } else {
                    plan.work(new WorkItem(p.name(), Op.SPECIAL, src, tgt));
                }
            }
        }
    }

    /**
     * Whether the target file already has the source's data, so only its metadata may need
     * fixing: same size and mtime (with --checksum: same size and content), not still
     * hard-linked where the source no longer is, and not a multi-link source inode changed since.
     */
    boolean dataCurrent(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        FileMeta tgt = item.tgt();
        if (tgt == null || !tgt.isFile() || src.size() != tgt.size()
                || !(src.mtimeNs() == tgt.mtimeNs() || ctx.options().checksum())
                // (a target inode with names the source's lacks, another hard-link group's among
                // them, gets its own inode: else fixing it would change them too, pass after pass)
                || tgt.nlink() > src.nlink()
                // (a multi-link source inode changed after this copy was made, its names among
                // what may have changed, may be another file of the same size and mtime now (ln -f
                // b a): its other names would be linked to this copy's data, so the data is copied
                // again rather than trusted; once, as the copy's ctime is then the later)
                || (src.nlink() > 1 && src.changedAfter(tgt))) {
            return false;
        }
        return !ctx.options().checksum() || sameContent(dir, item.name(), src.size());
    }

    /** The target entry has the source's owner, group, mode and mtime. */
    boolean stampCurrent(FileMeta src, FileMeta tgt) {
        return ctx.sameOwnership(src, tgt) && src.mtimeNs() == tgt.mtimeNs();
    }

    /** A symlink whose owner and mtime are the source's (its mode means nothing). */
    boolean symlinkStampCurrent(FileMeta src, FileMeta tgt) {
        return ctx.sameOwner(src, tgt) && src.mtimeNs() == tgt.mtimeNs();
    }

    /** The target has a symlink to {@code linkTo} under the item's name. */
    boolean sameSymlink(DirPair dir, WorkItem item, byte[] linkTo) throws IOException {
        FileMeta tgt = item.tgt();
        return tgt != null && tgt.isSymlink() && dir.tgt() != null
                && Arrays.equals(linkTo, dir.tgt().readlink(item.name()));
    }

    /** A fifo or device node already as the source has it. */
    boolean isCurrentSpecial(FileMeta src, FileMeta tgt) {
        return tgt != null && tgt.type() == src.type() && tgt.rdev() == src.rdev()
                && ctx.sameOwnership(src, tgt) && src.mtimeNs() == tgt.mtimeNs();
    }

    /**
     * Which of a file's attributes (xattrs, ACLs, flags, project ID) must be fixed with its
     * metadata, named as verify names them: where the source may have any and they differ
     * (none moves the mtime). Empty for none.
     */
    List<String> attrDifferences(DirPair dir, Path name, int unlocked) throws IOException {
        // (the target too: a name the source no longer has, its last one, must go there as well)
        AttrPolicy p = ctx.options().attrs();
        if (dir.tgt() == null || !dir.src().mayHaveAttrs(name, p) && !dir.tgt().mayHaveAttrs(name, p)) {
            return List.of();
        }
        try (FileHandle a = dir.src().openRead(name); FileHandle b = dir.tgt().openRead(name)) {
            return attrs.differences(a, b, unlocked);
        }
    }

    private boolean sameContent(DirPair dir, Path name, long size) throws IOException {
        if (dir.tgt() == null) {
            return false;
        }
        try (FileHandle a = dir.src().openRead(name); FileHandle b = dir.tgt().openRead(name)) {
            return FileData.same(ctx, a, b, size); // (a big file by ranges, on several threads)
        }
    }
}

package pdm.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import pdm.engine.ChangeList.Change;
import pdm.fs.Attrs;
import pdm.fs.Copier;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.fs.MetaWriter;
import pdm.task.WorkItem;
import pdm.task.WorkItem.Op;

/**
 * Makes the target like the source: creates directories on the walk, copies files whose
 * size or mtime differ (or content, with --checksum), fixes owner and mode without copying
 * when only they differ, recreates symlinks and special files, keeps hard links, and sets
 * each directory's metadata once everything below it is done.
 */
final class CopyPass implements Pass {
    private final PassContext ctx;
    private final MetaWriter meta;
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
        this.meta = ctx.metaWriter();
        this.attrs = new AttrSync(ctx);
    }

    @Override
    public void plan(DirPair dir, Pair p, Plan plan) throws IOException, InterruptedException {
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
                    if (dir.tgt() != null && attrs.worthALook(dir, p)) {
                        syncDirXattrs(dir, p.name());
                    }
                    plan.descend(p.name(), src, tgt);
                } else if (makeDir(dir, p)) {
                    plan.descend(p.name(), src, ctx.dryRun() || dir.tgt() == null ? null : dir.tgt().stat(p.name()));
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
                } else if (!ctx.sameOwnership(src, tgt) || attrs.worthALook(dir, p)) {
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
                } else if (isCurrentSpecial(src, tgt)) {
                    ctx.stats().filesSkipped.increment();
                } else {
                    plan.work(new WorkItem(p.name(), Op.SPECIAL, src, tgt));
                }
            }
        }
    }

    /** A fifo or device node already as the source has it. */
    private boolean isCurrentSpecial(FileMeta src, FileMeta tgt) {
        return tgt != null && tgt.type() == src.type() && tgt.rdev() == src.rdev()
                && ctx.sameOwnership(src, tgt) && src.mtimeNs() == tgt.mtimeNs();
    }

    /**
     * A directory the target lacks (or has as something else) is made before the walk goes in.
     * Returns false when it could not be: --max-delete kept the entry in its way.
     */
    private boolean makeDir(DirPair dir, Pair p) throws IOException {
        // A file or symlink where the source has a directory: replaced, never written through.
        if (p.tgt() != null && !ctx.removals().remove(ctx, dir.tgt(), p.name(), p.tgt())) {
            return false;
        }
        ctx.stats().dirsCreated.increment();
        ctx.changes().add(Change.MKDIR, dir.display(p.name()));
        if (ctx.dryRun() || dir.tgt() == null) {
            ctx.wouldTouch(dir.rel());
            return true;
        }
        // Owner-only until dirDone sets the real mode: a 0555 source dir must still be fillable.
        ctx.placement().makeDir(dir, p.name());
        try (Dir from = dir.src().openDir(p.name()); Dir to = dir.tgt().openDir(p.name())) {
            attrs.dirXattrs(from, to); // (its default ACL before its children: they inherit it on both sides)
        }
        return true;
    }

    /**
     * Whether the source entry may take the name of what the target has there. Copy alone
     * never removes a non-empty directory (as rsync without --delete and cp refuse to): that
     * name is left alone and reported, for sync or delete to replace.
     */
    private boolean mayReplace(DirPair dir, WorkItem item) throws IOException {
        FileMeta t = item.tgt();
        if (t == null || !t.isDir() || ctx.options().deleting() || dir.tgt().isEmptyDir(item.name())) {
            return true;
        }
        ctx.stats().notReplaced(dir.display(item.name()));
        ctx.changes().add(Change.KEEP, dir.display(item.name()));
        return false;
    }

    /**
     * Puts the new entry (made under the temp name {@code tmp}; null in a dry run) where the
     * target has {@code item}'s name, counting, listing and logging what it replaces: a
     * directory is removed first (rename(2) cannot put a file over one), another type is
     * replaced by the rename itself; a file updated in place of a file is no removal. Returns
     * false when --max-delete keeps the old entry.
     */
    private boolean putInPlace(DirPair dir, WorkItem item, Path tmp) throws IOException {
        FileMeta t = item.tgt();
        if (t != null && t.isDir()) {
            if (!ctx.removals().remove(ctx, dir.tgt(), item.name(), t)) {
                return false;
            }
        } else if (t != null && t.type() != item.src().type()) {
            return ctx.removals().replaceByRename(ctx, dir.tgt(), tmp, item.name(), t);
        }
        if (tmp != null) {
            dir.tgt().rename(tmp, item.name());
        }
        return true;
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
            case HARDLINK -> links.handle(dir, item, this);
            case SYMLINK -> symlink(dir, item);
            case SPECIAL -> special(dir, item);
            case REMOVE -> removeStaleTemp(dir, item);
            default -> throw new IllegalArgumentException("copy cannot " + item.op());
        }
    }

    @Override
    public void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
        int locked = 0;
        try {
            DirMeta.restore(ctx, rel, srcSelf, tgtSelf);
        } catch (IOException e) {
            // (an immutable or append-only directory takes no new times or mode: unlocked, then set)
            locked = ctx.dryRun() || !ctx.options().attrs().flags() ? 0 : unlockDir(rel, tgtSelf);
            if (locked == 0) {
                throw e;
            }
            DirMeta.restore(ctx, rel, srcSelf, tgtSelf);
        }
        // Flags and project ID last of all: immutable or append-only would refuse the children.
        // (looked at where the directory is new or its times were just set, or its ctime says it may have changed)
        if (ctx.options().attrs().flags() && !ctx.dryRun() && (locked != 0 || tgtSelf == null
                || srcSelf.mtimeNs() != tgtSelf.mtimeNs() || srcSelf.mayHaveChangedSince(tgtSelf))) {
            try (Dir from = ctx.src().open(rel); Dir to = ctx.tgt().open(rel, tgtSelf)) {
                if (attrs.dirFlags(from, to, srcSelf, tgtSelf, true) && locked == 0) {
                    ctx.changes().add(Change.DIRMETA, pdm.fs.Names.display(rel));
                    ctx.stats().metaFixed.increment();
                }
            }
        }
    }

    private int unlockDir(Path rel, FileMeta tgtSelf) throws IOException {
        try (Dir to = ctx.tgt().open(rel, tgtSelf)) {
            int bits = Attrs.unlock(to, pdm.fs.Names.display(rel));
            if (bits != 0) {
                ctx.stats().unlocked.increment();
                ctx.changes().add(Change.UNLOCK, pdm.fs.Names.display(rel));
            }
            return bits;
        }
    }

    /** pdm's own leftover: not the user's data, so neither counted nor listed as a removal. */
    private void removeStaleTemp(DirPair dir, WorkItem item) throws IOException {
        if (ctx.dryRun() || dir.tgt() == null) {
            ctx.wouldTouch(dir.rel());
            return;
        }
        FileMeta now = dir.tgt().stat(item.name());
        if (now != null && now.isFile() && now.ino() == item.tgt().ino()) {
            dir.tgt().deleteFile(item.name());
        }
    }

    /**
     * Copies a file's data, unless --checksum finds the content equal. Returns false when the
     * file was not placed (nor would be): the name was left alone.
     */
    boolean copy(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        FileMeta tgt = item.tgt();
        if (tgt != null && tgt.isFile() && src.size() == tgt.size()
                && (src.mtimeNs() == tgt.mtimeNs() || ctx.options().checksum())
                && !(src.nlink() == 1 && tgt.nlink() > 1)) {
            if (!ctx.options().checksum() || sameContent(dir, item.name())) {
                fixMeta(dir, item);
                return true;
            }
        }
        if (!mayReplace(dir, item)) {
            return false;
        }
        if (ctx.dryRun() || dir.tgt() == null) {
            if (!putInPlace(dir, item, null)) {
                return false;
            }
            ctx.wouldTouch(dir.rel());
            ctx.changes().add(Change.COPY, dir.display(item.name()));
            ctx.stats().filesCopied.increment();
            ctx.stats().bytes.add(src.size());
            return true;
        }
        Path tmp = null;
        boolean placed = false;
        try {
            long n;
            Attrs[] both;
            try (FileHandle in = dir.src().openRead(item.name()); FileHandle out = openNewFile(dir, item, in)) {
                tmp = out.createdAs();
                Attrs first = attrs.read(in);
                attrs.beforeData(out, first, dir.display(item.name()));
                n = Copier.copy(in, out, src.size(), ctx.interrupt()::requested, ctx.throttle());
                both = settleMeta(in, out, src, n, first);
                if (ctx.options().fsync()) {
                    out.fsync();
                }
            }
            boolean inPlace = tmp.equals(item.name()); // (made under its own name: see openNewFile)
            placed = inPlace || putInPlace(dir, item, tmp);
            if (placed) {
                attrs.afterPlace(dir.tgt(), item.name(), both[0], both[1], dir.display(item.name()));
                ctx.changes().add(Change.COPY, dir.display(item.name()));
                ctx.stats().filesCopied.increment();
                ctx.stats().bytes.add(n);
            }
            return placed;
        } finally {
            if (!placed && tmp != null) {
                deleteQuietly(dir, tmp);
            }
        }
    }

    /**
     * The file a copy writes: under a temp name, renamed into place once complete, so that no
     * name ever shows a file with part of its data. A new empty file has no data to be half
     * written, and its mtime is set last, so a crash before that is a difference the next pass
     * sees: it is made under its own name (O_EXCL), which saves the rename, unless the target's
     * placement gives it a layout of its own. Should the name be taken meanwhile (a task run
     * twice), the copy takes the temp way after all.
     */
    private FileHandle openNewFile(DirPair dir, WorkItem item, FileHandle in) throws IOException {
        if (item.tgt() == null && item.src().size() == 0 && !ctx.placement().placesFile(item.src())) {
            try {
                return dir.tgt().create(item.name());
            } catch (FileAlreadyExistsException e) {
                // (fall through)
            }
        }
        // (the target's placement makes it: a Lustre layout is set before any data is written,
        // by a program that may leave the file behind when it fails half way)
        Path tmp = TempNames.next();
        try {
            return ctx.placement().createFile(dir, tmp, in, item.src());
        } catch (IOException | RuntimeException e) {
            deleteQuietly(dir, tmp);
            throw e;
        }
    }

    /**
     * The owner, mode, times and xattrs of a freshly copied file, and a last look at the source:
     * its data must not have moved during the copy, and its ctime must not have moved after its
     * attributes were read. Later passes look at attributes only where the source's ctime is newer than
     * the copy's ({@link FileMeta#mayHaveChangedSince}), so a change that slipped in between would
     * otherwise never be seen. A chmod or xattr write during the copy is simply applied again.
     * Returns {the source's attributes, the target's} for the flags set after the rename.
     */
    private Attrs[] settleMeta(FileHandle in, FileHandle out, FileMeta src, long copied, Attrs first)
            throws IOException {
        FileMeta stamp = src;
        Attrs srcAttrs = first;
        for (int round = 0; ; round++) {
            if (round > 0) {
                srcAttrs = attrs.read(in);
            }
            // On the open file: no path lookups, and the times are final since nothing writes after.
            // Owner and mode first (a chown clears capabilities), then the xattrs, ACLs and
            // capability, which move no time.
            meta.apply(out, stamp);
            Attrs tgtAttrs = attrs.afterMeta(out, srcAttrs);
            FileMeta after = in.meta();
            if (after.ino() != src.ino() || after.size() != copied || after.mtimeNs() != src.mtimeNs()) {
                throw new IOException("changed while being copied (size or mtime moved); the next pass copies it");
            }
            if (after.ctimeNs() == stamp.ctimeNs()) {
                return new Attrs[]{srcAttrs, tgtAttrs};
            }
            if (round == 2) {
                throw new IOException("changed while being copied (its owner, mode or xattrs kept moving);"
                        + " the next pass copies it");
            }
            stamp = after;
        }
    }

    private boolean sameContent(DirPair dir, Path name) throws IOException {
        if (dir.tgt() == null) {
            return false;
        }
        try (FileHandle a = dir.src().openRead(name); FileHandle b = dir.tgt().openRead(name)) {
            return Copier.sameContent(a, b);
        }
    }

    /**
     * Owner, mode and times of a file whose data is current, and its user xattrs where the
     * source has any: they may change with nothing else (an xattr write moves no mtime).
     */
    private void fixMeta(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        FileMeta tgt = item.tgt();
        boolean stampCurrent = ctx.sameOwnership(src, tgt) && src.mtimeNs() == tgt.mtimeNs();
        boolean xattrs = dir.tgt() != null && dir.src().mayHaveAttrs(item.name(), ctx.options().attrs())
                && attrsDiffer(dir, item.name());
        if (stampCurrent && !xattrs) {
            ctx.stats().filesSkipped.increment();
            return;
        }
        if (!ctx.dryRun()) {
            // Through a descriptor of the file itself: should the name have become a symlink
            // since the listing, the open refuses it instead of chmod following it.
            try (FileHandle f = dir.tgt().openRead(item.name())) {
                meta.apply(f, src);
                if (xattrs) {
                    try (FileHandle from = dir.src().openRead(item.name())) {
                        Attrs s = attrs.read(from);
                        Attrs t = attrs.read(f);
                        Attrs.writeXattrs(f, s, t);
                        ctx.stats().attrsNotKept.add(s.skipped());
                        Attrs.writeFlags(f, s, t, dir.display(item.name()));
                    }
                }
            } catch (AccessDeniedException e) {
                // not root and the file is unreadable (mode 0000): its owner may still chmod it
                // (by name, never following: the kernel's *at calls with AT_SYMLINK_NOFOLLOW)
                meta.apply(dir.tgt(), item.name(), src);
            }
        }
        ctx.changes().add(Change.META, dir.display(item.name()));
        ctx.stats().metaFixed.increment();
    }

    private boolean attrsDiffer(DirPair dir, Path name) throws IOException {
        try (FileHandle a = dir.src().openRead(name); FileHandle b = dir.tgt().openRead(name)) {
            return attrs.differ(a, b);
        }
    }

    /** The xattrs of an existing target directory made the source's (before the walk goes in). */
    private void syncDirXattrs(DirPair dir, Path name) throws IOException {
        if (dir.tgt() == null) {
            return;
        }
        try (Dir from = dir.src().openDir(name); Dir to = dir.tgt().openDir(name)) {
            if (!attrs.dirXattrs(from, to)) {
                return;
            }
        }
        ctx.changes().add(Change.META, dir.display(name));
        ctx.stats().metaFixed.increment();
    }

    /**
     * Makes the first name of a multi-link inode as its type is made (a file's data copied, a
     * symlink or special created); false when it was left alone.
     */
    boolean placeLeader(DirPair dir, WorkItem item) throws IOException {
        return switch (item.src().type()) {
            case FILE -> copy(dir, item);
            case SYMLINK -> symlink(dir, item);
            case DIR -> throw new IllegalArgumentException("a directory has no hard links");
            default -> special(dir, item);
        };
    }

    private boolean symlink(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        FileMeta tgt = item.tgt();
        byte[] linkTo = dir.src().readlink(item.name());
        if (tgt != null && tgt.isSymlink() && dir.tgt() != null
                && java.util.Arrays.equals(linkTo, dir.tgt().readlink(item.name()))) {
            if (ctx.sameOwner(src, tgt) && src.mtimeNs() == tgt.mtimeNs()) {
                ctx.stats().filesSkipped.increment();
            } else {
                if (!ctx.dryRun()) {
                    meta.apply(dir.tgt(), item.name(), src);
                }
                ctx.changes().add(Change.META, dir.display(item.name()));
                ctx.stats().metaFixed.increment();
            }
            return true;
        }
        return create(dir, item, Change.SYMLINK, (d, tmp) -> d.symlink(tmp, linkTo));
    }

    private boolean special(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        if (isCurrentSpecial(src, item.tgt())) {
            ctx.stats().filesSkipped.increment();
            return true;
        }
        return create(dir, item, Change.valueOf(src.type().name()),
                (d, tmp) -> d.mknod(tmp, src.type(), src.perms(), src.rdev()));
    }

    /**
     * Hard link {@code item} to the target file {@code leaderName} of {@code leaderDir}, already
     * copied in this pass (both null in a dry run, where it may not exist).
     */
    void link(DirPair dir, WorkItem item, Dir leaderDir, Path leaderName) throws IOException {
        create(dir, item, Change.LINK, (d, tmp) -> d.link(tmp, leaderDir, leaderName));
    }

    private interface Maker {
        void make(Dir dir, Path tmp) throws IOException;
    }

    /** Makes an entry under a temporary name, gives it its metadata and renames it into place. */
    private boolean create(DirPair dir, WorkItem item, Change what, Maker maker) throws IOException {
        if (!mayReplace(dir, item)) {
            return false;
        }
        if (ctx.dryRun() || dir.tgt() == null) {
            if (!putInPlace(dir, item, null)) {
                return false;
            }
            ctx.wouldTouch(dir.rel());
            ctx.changes().add(what, dir.display(item.name()));
            ctx.stats().filesCopied.increment();
            return true;
        }
        Path tmp = TempNames.next();
        boolean placed = false;
        try {
            maker.make(dir.tgt(), tmp);
            if (what != Change.LINK) {
                // (a hard link shares its leader's metadata, which is already right)
                meta.apply(dir.tgt(), tmp, item.src());
            }
            boolean inPlace = tmp.equals(item.name()); // (made under its own name: see openNewFile)
            placed = inPlace || putInPlace(dir, item, tmp);
            if (placed) {
                ctx.changes().add(what, dir.display(item.name()));
                ctx.stats().filesCopied.increment();
            }
        } finally {
            if (!placed) {
                deleteQuietly(dir, tmp);
            }
        }
        return placed;
    }

    private static void deleteQuietly(DirPair dir, Path tmp) {
        try {
            if (dir.tgt() != null && dir.tgt().stat(tmp) != null) {
                dir.tgt().deleteFile(tmp);
            }
        } catch (IOException ignored) {
            // The failure that got us here is what the user needs; a leftover temp file is
            // removed by the next delete pass.
        }
    }

    PassContext ctx() {
        return ctx;
    }
}

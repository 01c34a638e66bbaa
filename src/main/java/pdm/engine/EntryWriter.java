package pdm.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pdm.config.Split;
import pdm.fs.Copier;
import pdm.fs.CopyStoppedException;
import pdm.task.FinishTask;
import pdm.task.RangeTask;
import pdm.engine.ChangeList.Change;
import pdm.fs.Attrs;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.MetaWriter;
import pdm.fs.Pace;
import pdm.fs.linux.Errno;
import pdm.fs.linux.SysException;
import pdm.task.WorkItem;

/**
 * Every change the copy pass makes to the target, in one place, as DistCp's
 * RetriableFileCopyCommand keeps the write apart from the decision ({@link CopyPlan}).
 *
 * <p>A new entry (a file's data, a symlink, a special, a hard link) is made by {@link #write}:
 * under a temp name, then its metadata, then renamed into place, replacing what the target has
 * there (counted as a removal when it is of another type), or rolled back (the temp entry
 * removed) when anything fails. A file the target does not have yet is made under its own name
 * instead, its mtime last ({@link #newFile}). In a dry run, or where the target directory is not
 * there, it counts and lists what it would do, and writes nothing. Metadata of an entry whose data is
 * current is fixed in place ({@link #fixMeta}); directories are made on the walk
 * ({@link #makeDir}) and get their metadata when their subtree is done ({@link DirMeta}).
 *
 * <p>So this is where a write's rules change: the order metadata is applied in (owner, mode and
 * times in {@link #settleMeta}, {@link #fixMeta} and {@link #create}; what the kernel clears on
 * chown or write must come after them: xattrs, ACLs and capabilities, through {@link AttrSync},
 * flags and project ID before the times, immutable and append-only last, a project ID the
 * rename would refuse after it), how a file's data reaches its new file, and
 * which new files may be made under their own name ({@link #newFile}).
 */
final class EntryWriter {
    private final PassContext ctx;
    private final MetaWriter meta;
    private final AttrSync attrs;

    EntryWriter(PassContext ctx, AttrSync attrs) {
        this.ctx = ctx;
        this.meta = ctx.metaWriter();
        this.attrs = attrs;
    }

    /** How a new entry other than a file is made under a temp name, before its metadata is set. */
    interface Maker {
        void make(Dir tgt, Path tmp) throws IOException;
    }

    /** The entry one write makes on the target: its name once it exists, and the bytes of data put in it. */
    private static final class NewEntry {
        Path name;
        /**
         * The inode of a file made under its own name, read only when its making failed: it is
         * removed by that name only while the name is still this file (a task run twice may have
         * put its own copy there meanwhile).
         */
        long ownInode = -1;
        long bytes;
        /** A copied file's attributes and times still to be set once it is placed; null for none. */
        Settled settled;
        /** Data bytes written, holes left out: what the byte rate counts (ranges add from several threads). */
        final java.util.concurrent.atomic.LongAdder written = new java.util.concurrent.atomic.LongAdder();

        /** {@code pace}, counting the data it lets through (the copier asks it before each chunk of data). */
        Pace counting(Pace pace) {
            return new Pace() {
                @Override
                public long chunk() {
                    return pace.chunk();
                }

                @Override
                public void take(long n, java.util.function.BooleanSupplier stop) throws java.io.InterruptedIOException {
                    written.add(n);
                    pace.take(n, stop);
                }
            };
        }
    }

    /**
     * Fills in a {@link NewEntry} for {@code item} of {@code dir}: makes it (recording its name as
     * soon as it exists), its data and its metadata.
     */
    private interface Making {
        void make(DirPair dir, WorkItem item, NewEntry e) throws IOException;
    }

    /**
     * A file's copy, made once: a lambda that captured the directory and the item would be made
     * per file, and under C1 each is a call into the VM (bench/README, "ninth").
     */
    private final Making copying = this::copyData;

    /**
     * Copies a file's data into a new file with the source's metadata and puts it in place.
     * Returns false when the file was not placed (nor would be): the name was left alone.
     */
    boolean copyFile(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        if (ctx.spread() != null && item.op() == WorkItem.Op.COPY && !ctx.writesNothing(dir)
                && ctx.options().split().splits(src.size())) {
            return startSplit(dir, item);
        }
        return write(dir, item, Change.COPY, List.of(), copying);
    }

    private void copyData(DirPair dir, WorkItem item, NewEntry e) throws IOException {
        if (EmptySource.bare(ctx, dir, item) && copyEmpty(dir, item, e)) {
            return;
        }
        FileMeta src = item.src();
        try (FileHandle in = dir.src().openRead(item.name(), src); FileHandle out = newFile(dir, item, in)) {
            e.name = out.createdAs();
            try {
                Attrs first = attrs.readSource(in);
                attrs.beforeData(out, first, dir, item.name());
                // (a big file as ranges, by several threads)
                e.bytes = FileData.copy(ctx, in, out, src.size(), e.counting(ctx.throttle()));
                e.settled = settleMeta(in, out, null, src, e.bytes, first, dir.tgt(), item.name());
                if (ctx.options().fsync()) {
                    out.fsync();
                }
            } catch (IOException | RuntimeException failed) {
                noteOwnInode(e, item, out);
                throw failed;
            }
        }
    }

    /**
     * A big file whose ranges go to any worker (distributed mode, docs/distributed-design.md):
     * its temp file is made under a new name (placement first: a Lustre layout before any data),
     * or found again when this task runs a second time (ranges may be written into it already), given its full
     * length, and the ranges are handed on with the finish that places the file once all are
     * done. Nothing is placed here: returns false when the name is left alone (a non-empty
     * directory in its way), else true.
     */
    private boolean startSplit(DirPair dir, WorkItem item) throws IOException {
        if (!mayReplace(dir, item)) {
            return false;
        }
        FileMeta src = item.src();
        Path again = splitTemp(dir, item.name());
        boolean made = again == null;
        Path tmp = made ? TempNames.split(item.name()) : again;
        try (FileHandle in = dir.src().openRead(item.name())) {
            try (FileHandle out = made ? ctx.placement().createFile(dir, tmp, in, src) : dir.tgt().openWrite(tmp)) {
                if (in.meta().ino() != src.ino()) {
                    throw new IOException("changed while being copied (replaced by another file); the next pass copies it");
                }
                if (made) {
                    attrs.beforeData(out, attrs.readSource(in), dir, item.name()); // (on the empty file)
                }
                Copier.reserve(out, src.size());
                Split split = ctx.options().split();
                int n = split.ranges(src.size());
                List<RangeTask> ranges = new ArrayList<>(n);
                long ino = out.meta().ino();
                for (int i = 0; i < n; i++) {
                    ranges.add(new RangeTask(dir.rel(), item.name(), tmp, ino, src, split.from(i),
                            split.to(i, src.size())));
                }
                ctx.spread().split(new FinishTask(dir.rel(), item.name(), tmp, ino, src, item.tgt(), null), ranges);
            }
        } catch (IOException e) {
            if (made) {
                deleteQuietly(dir, tmp); // (before any range went out)
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CopyStoppedException();
        }
        return true;
    }

    /**
     * The temp file an earlier run of this task made for the big file {@code name}, or null. (A
     * listing of the target directory per big file: small next to copying a file of split_size.)
     */
    private static Path splitTemp(DirPair dir, Path name) throws IOException {
        String prefix = TempNames.splitPrefix(name);
        for (pdm.fs.Entry e : dir.tgt().list()) {
            if (e.meta().isFile() && e.name().toString().startsWith(prefix)) {
                return e.name();
            }
        }
        return null;
    }

    /**
     * The last step of a big file whose ranges are all done ({@link #startSplit}): its temp file
     * (checked by inode) gets the source's metadata and is renamed into place, once the source
     * is seen with the size, mtime and inode it was listed with (else the file fails, never
     * placed mixed, and its temp file is removed). Run again after it placed the file, it finds
     * no temp file and the file in place: nothing to do. Its caller holds the finish's lock
     * ({@link RangeFence#forFinish}): no range is written into the file from here on.
     */
    void finishSplit(DirPair dir, FinishTask f) throws IOException {
        if (dir.tgt() == null) {
            throw new java.nio.file.NoSuchFileException(dir.display(f.name()), null, "target directory gone");
        }
        FileMeta src = f.src();
        FileMeta temp = dir.tgt().stat(f.temp());
        boolean ours = temp != null && temp.isFile() && temp.ino() == f.tempIno();
        if (f.discard() != null) {
            if (ours) {
                deleteQuietly(dir, f.temp());
            }
            return; // (the range's failure is the file's)
        }
        FileMeta tgt = dir.tgt().stat(f.name());
        if (!ours) {
            if (RangeFence.placed(dir, f.name(), src, f.tempIno())) {
                return; // placed by an earlier run of this very task
            }
            throw new IOException("its temp file " + f.temp() + " was removed or replaced before it was placed;"
                    + " the next pass copies it");
        }
        WorkItem item = new WorkItem(f.name(), WorkItem.Op.COPY, src, tgt);
        boolean placed = write(dir, item, Change.COPY, List.of(), (d, it, e) -> {
            try (FileHandle in = dir.src().openRead(f.name()); FileHandle out = dir.tgt().openWrite(f.temp())) {
                e.name = f.temp();
                if (out.meta().ino() != f.tempIno()) {
                    throw new IOException("its temp file " + f.temp() + " was replaced before it was placed;"
                            + " the next pass copies it");
                }
                FileMeta now = in.meta();
                if (now.ino() != src.ino() || now.size() != src.size() || now.mtimeNs() != src.mtimeNs()) {
                    throw new IOException("changed while being copied (size or mtime moved between its first range"
                            + " and its last: " + src.size() + " -> " + now.size() + " bytes); not placed, the next"
                            + " pass copies it");
                }
                e.bytes = 0; // (counted by its ranges, as they were done)
                // (the temp file as it is: a finish run again after a crash may find its metadata set)
                e.settled = settleMeta(in, out, temp, src, src.size(), attrs.readSource(in), dir.tgt(), f.name());
                if (ctx.options().fsync()) {
                    out.fsync();
                }
            }
        });
        if (!placed) {
            deleteQuietly(dir, f.temp()); // (the name was left alone: no use for the data)
        }
    }

    /**
     * An empty source with nothing beyond owner, mode and times ({@link EmptySource}), made under its
     * own name without opening the source. Returns false when the name is taken meanwhile (the
     * caller then copies it the usual way). Should the source change meanwhile, it is opened after
     * all and settled as any copy is.
     */
    private boolean copyEmpty(DirPair dir, WorkItem item, NewEntry e) throws IOException {
        FileHandle out;
        try {
            out = dir.tgt().create(item.name());
        } catch (FileAlreadyExistsException taken) {
            return false;
        }
        try (out) {
            e.name = out.createdAs();
            try {
                // (the order of settleMeta: owner, xattrs, mode, times last: the mtime is all that
                // says this file is done)
                meta.applyOwner(out, item.src(), null, false);
                attrs.afterMeta(out, Attrs.NONE, dir.tgt(), false); // (removes what it inherited, as settleMeta does)
                meta.applyMode(out, item.src());
                meta.applyTimes(out, item.src());
                if (!EmptySource.unchanged(dir, item)) {
                    try (FileHandle in = dir.src().openRead(item.name())) {
                        e.settled = settleMeta(in, out, item.src(), item.src(), 0, attrs.readSource(in), dir.tgt(),
                                item.name());
                    }
                }
                if (ctx.options().fsync()) {
                    out.fsync();
                }
            } catch (IOException | RuntimeException failed) {
                noteOwnInode(e, item, out);
                throw failed;
            }
        }
        return true;
    }

    /**
     * Makes a symlink, special or hard link ({@code what}) anew with the source's metadata (a hard
     * link shares its leader's, which is already right) and puts it in place. Returns false when
     * the name was left alone. {@code changed}: the attributes that differed from the target's
     * entry it replaces ("xattr trusted.sl"), named in its -i line.
     */
    boolean create(DirPair dir, WorkItem item, Change what, List<String> changed, Maker maker) throws IOException {
        return write(dir, item, what, changed, (d, it, e) -> {
            e.name = TempNames.next();
            maker.make(dir.tgt(), e.name); // (a special file owner-only: its mode comes after its ACL)
            if (what != Change.LINK) {
                meta.applyOwner(dir.tgt(), e.name, item.src());
                attrs.entryXattrs(dir, item.name(), e.name); // (after the owner and before the mode, as on a file)
                meta.applyModeTimes(dir.tgt(), e.name, item.src());
            }
        });
    }

    /** The one way a new entry reaches the target: made, given its metadata, then placed or rolled back. */
    private boolean write(DirPair dir, WorkItem item, Change what, List<String> changed, Making making)
            throws IOException {
        if (!mayReplace(dir, item)) {
            return false;
        }
        if (ctx.writesNothing(dir)) {
            if (!putInPlace(dir, item, null)) {
                return false;
            }
            ctx.wouldTouch(dir.rel());
            placed(dir, item, what, changed, what == Change.COPY ? item.src().size() : 0, 0);
            return true;
        }
        NewEntry made = new NewEntry();
        boolean placed = false;
        try {
            making.make(dir, item, made);
            // (a new file may be made under its own name: see newFile)
            placed = made.name.equals(item.name()) || putInPlace(dir, item, made.name);
            if (placed) {
                if (made.settled != null) {
                    // (after the rename: a project-inherit directory refuses a file of another project)
                    Settled m = made.settled;
                    attrs.afterPlace(dir, item.name(), m.src(), m.tgt(), m.timesLater());
                }
                placed(dir, item, what, changed, made.bytes, made.written.sum());
            }
            return placed;
        } finally {
            if (!placed && made.name != null) {
                if (!made.name.equals(item.name())) {
                    deleteQuietly(dir, made.name);
                } else if (made.ownInode >= 0 && isStill(dir, item.name(), made.ownInode)) {
                    deleteQuietly(dir, made.name);
                }
            }
        }
    }

    /** For a file made under its own name whose making fails: its inode, for the rollback to know it by. */
    private static void noteOwnInode(NewEntry e, WorkItem item, FileHandle out) {
        if (item.name().equals(out.createdAs())) {
            try {
                e.ownInode = out.meta().ino();
            } catch (IOException | RuntimeException unknown) {
                // (the file is then left, mtime unset: the next pass copies it again)
            }
        }
    }

    /** Whether {@code name} in the target directory is still the inode {@code ino}. */
    private static boolean isStill(DirPair dir, Path name, long ino) {
        try {
            FileMeta now = dir.tgt().stat(name);
            return now != null && now.ino() == ino;
        } catch (IOException e) {
            return false;
        }
    }

    private void placed(DirPair dir, WorkItem item, Change what, List<String> changed, long bytes, long written) {
        ctx.changes().add(what, dir, item.name(), changed);
        ctx.stats().filesCopied.increment();
        ctx.stats().bytes.add(bytes);
        ctx.stats().bytesWritten.add(written);
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
        if (t != null && t.type() != item.src().type() && tmp != null) {
            sourceStill(dir, item);
        }
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

    /**
     * Safety rule 4 for what a copy replaces: the source is looked at again before the target's
     * entry of another type goes (a directory with all it holds, a symlink), as the delete pass
     * does before each removal. A copy of a file takes as long as its data: a source that is a
     * directory again by then (moved away and back) must not cost the target that directory.
     */
    private static void sourceStill(DirPair dir, WorkItem item) throws IOException {
        sourceStill(dir, item.name(), item.src(), item.tgt());
    }

    private static void sourceStill(DirPair dir, Path name, FileMeta was, FileMeta tgt) throws IOException {
        FileMeta now = dir.src().stat(name);
        if (now == null || now.type() != was.type() || now.ino() != was.ino() || now.dev() != was.dev()) {
            String is = now == null ? "gone" : now.type() != was.type() ? "a " + kind(now) + " now" : "another " + kind(now);
            throw new IOException("changed while being copied (the source's " + kind(was) + " is " + is
                    + "); the target's " + kind(tgt) + " was left as it was, the next pass copies it");
        }
    }

    private static String kind(FileMeta m) {
        return m.isDir() ? "directory" : m.type().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ');
    }

    /**
     * The file a copy writes. One the target does not have is made under its own name (O_EXCL,
     * mode 0600 until settleMeta), and its mtime is set last: until then it has the time it was
     * made, never the source's, so a crash half way leaves a difference the next pass copies
     * again and verify reports. That saves the rename, an eighth of an initial copy's CPU
     * (bench/README). A file that replaces one the target has goes under a temp name and is
     * renamed into place once complete, so that a name that held a whole file never shows part
     * of one; so does a file the target's placement makes (a Lustre layout), and a big file
     * copied as ranges (its rename costs nothing beside its data, and a crash leaves no file of
     * the source's full length under its name). Should the name be taken meanwhile (a task run
     * twice), the copy takes the temp way after all.
     */
    private FileHandle newFile(DirPair dir, WorkItem item, FileHandle in) throws IOException {
        if (item.tgt() == null && !ctx.placement().placesFile(item.src())
                && !ctx.options().split().splits(item.src().size())) {
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
     * What {@link #settleMeta} leaves for once the file is placed: the source's and the target's
     * attributes (for the project ID and the flags), and the times where they had to wait for
     * the project ID ({@link AttrSync#timesAfterPlace}; else null).
     */
    private record Settled(Attrs src, Attrs tgt, FileMeta timesLater) {
    }

    /**
     * The owner, mode, times and xattrs of a freshly copied file, and a last look at the source:
     * its data must not have moved during the copy, and its ctime must not have moved after its
     * attributes were read. Later passes look at attributes only where the source's ctime is newer
     * than the copy's ({@link FileMeta#mayHaveChangedSince}), so a change that slipped in between
     * would otherwise never be seen. A chmod or xattr write during the copy is simply applied
     * again. {@code name}: the name the file is for (the file is made under it, or renamed to it).
     */
    private Settled settleMeta(FileHandle in, FileHandle out, FileMeta current, FileMeta src, long copied, Attrs first,
            Dir createdIn, Path name) throws IOException {
        boolean ownName = name.equals(out.createdAs());
        FileMeta stamp = src;
        FileMeta before = current;
        Attrs srcAttrs = first;
        for (int round = 0; ; round++) {
            if (round > 0) {
                srcAttrs = attrs.readSource(in);
            }
            // On the open file: no path lookups. Owner first (a chown clears capabilities), then
            // the xattrs, ACLs, capability, flags and project ID, then the mode (after the ACLs: see
            // MetaWriter), then the times, last: a file made under its own name (no rename to commit it) says it is done
            // by its mtime alone, and a crash before it leaves the creation time, which the next
            // pass sees differ (where a copy's ctime is newer than the source's, later passes trust
            // its xattrs, flags and project ID). A file to be renamed whose project ID must change
            // takes its times after the rename, with the ID.
            meta.applyOwner(out, stamp, before, true);
            // (the first round's file is as created; a later round's has the xattrs this one set)
            Attrs tgtAttrs = attrs.afterMeta(out, srcAttrs, round == 0 ? createdIn : null, ownName);
            meta.applyMode(out, stamp);
            before = stamp;
            boolean timesLater = !ownName && AttrSync.timesAfterPlace(srcAttrs, tgtAttrs);
            if (!timesLater) {
                meta.applyTimes(out, stamp);
            }
            FileMeta after = in.meta();
            if (after.ino() != src.ino() || after.size() != copied || after.mtimeNs() != src.mtimeNs()) {
                throw new IOException("changed while being copied (size or mtime moved); the next pass copies it");
            }
            if (after.ctimeNs() == stamp.ctimeNs()) {
                return new Settled(srcAttrs, tgtAttrs, timesLater ? stamp : null);
            }
            if (round == 2) {
                throw new IOException("changed while being copied (its owner, mode or xattrs kept moving);"
                        + " the next pass copies it");
            }
            stamp = after;
        }
    }

    /**
     * Owner, mode and times of a file whose data is current, and its xattrs, ACLs, flags and
     * project ID where {@code changed} names some (they may change with nothing else: none moves the
     * mtime), or where {@code relock}: the entry was unlocked to be fixed, and gets its flags back.
     */
    void fixMeta(DirPair dir, WorkItem item, List<String> changed, boolean relock) throws IOException {
        FileMeta src = item.src();
        if (!ctx.dryRun()) {
            // Through a descriptor of the file itself: should the name have become a symlink
            // since the listing, the open refuses it instead of chmod following it.
            try (FileHandle f = dir.tgt().openRead(item.name())) {
                if (changed.isEmpty() && !relock) {
                    meta.apply(f, src, item.tgt());
                } else {
                    // Each write moves the copy's ctime past the source's, after which later
                    // passes trust its xattrs (FileMeta#mayHaveChangedSince): should this stop
                    // half way (a crash), the next pass must still see the copy differ. Its mtime
                    // is put off first, and made right once the xattrs are, before the flags (an
                    // immutable file takes no times).
                    Attrs.markUnfinished(f);
                    meta.applyOwner(f, src, item.tgt(), true);
                    try (FileHandle from = dir.src().openRead(item.name())) {
                        attrs.fixInPlace(from, f, dir.display(item.name()), () -> {
                            meta.applyMode(f, src); // (after the xattrs: see MetaWriter)
                            meta.applyTimes(f, src);
                        });
                    }
                }
            } catch (AccessDeniedException e) {
                // not root and the file is unreadable (mode 0000): its owner may still chmod it
                // (by name, never following: the kernel's *at calls with AT_SYMLINK_NOFOLLOW)
                meta.apply(dir.tgt(), item.name(), src);
            }
        }
        metaFixed(dir, item.name(), changed);
    }

    /** Owner and times of a symlink that already points where the source's does. */
    void fixSymlinkMeta(DirPair dir, WorkItem item) throws IOException {
        if (!ctx.dryRun()) {
            meta.apply(dir.tgt(), item.name(), item.src());
        }
        metaFixed(dir, item.name(), List.of());
    }

    /** Counted, and listed with the attributes that changed ({@code changed}: "acl", "xattr user.x"...). */
    private void metaFixed(DirPair dir, Path name, List<String> changed) {
        ctx.changes().add(Change.META, dir, name, changed);
        ctx.stats().metaFixed.increment();
    }

    /**
     * A directory the target lacks (or has as something else) is made before the walk goes in.
     * Returns false when it could not be: --max-delete kept the entry in its way.
     */
    boolean makeDir(DirPair dir, Pair p) throws IOException {
        // A file or symlink where the source has a directory: replaced, never written through,
        // once the source is seen to be that directory still (its listing may be seconds old).
        if (p.tgt() != null) {
            if (!ctx.writesNothing(dir)) {
                sourceStill(dir, p.name(), p.src(), p.tgt());
            }
            if (!ctx.removals().remove(ctx, dir.tgt(), p.name(), p.tgt())) {
                return false;
            }
        }
        if (ctx.writesNothing(dir)) {
            ctx.wouldTouch(dir.rel());
            dirMade(dir, p);
            return true;
        }
        // Owner-only until dirDone sets the real mode: a 0555 source dir must still be fillable.
        ctx.placement().makeDir(dir, p.name());
        dirMade(dir, p); // (counted once made: a mkdirat that failed made nothing)
        attrs.newDirXattrs(dir, p.name());
        return true;
    }

    private void dirMade(DirPair dir, Pair p) {
        ctx.stats().dirsCreated.increment();
        ctx.changes().add(Change.MKDIR, dir, p.name(), List.of());
    }

    /**
     * The xattrs of an existing target directory made the source's (before the walk goes in);
     * its access ACL put off to its owner's change ({@link DirMeta}) where its owner changes.
     */
    void syncDirXattrs(DirPair dir, Pair p) throws IOException {
        if (dir.tgt() == null) {
            return;
        }
        try (Dir from = dir.src().openDir(p.name()); Dir to = dir.tgt().openDir(p.name())) {
            List<String> changed = attrs.dirXattrs(from, to, true, !ctx.sameOwner(p.src(), p.tgt()));
            if (changed.isEmpty()) {
                return;
            }
            metaFixed(dir, p.name(), changed);
        }
    }

    /** The walk root's xattrs (its ACLs among them) made the source's, before its children are planned. */
    void syncRootXattrs(DirPair dir) throws IOException {
        if (dir.tgt() != null) {
            boolean ownerChanges = !ctx.sameOwner(dir.src().selfAtOpen(), dir.tgt().selfAtOpen());
            List<String> changed = attrs.dirXattrs(dir.src(), dir.tgt(), true, ownerChanges);
            if (!changed.isEmpty()) {
                metaFixed(dir, Path.of(""), changed);
            }
        }
    }

    /**
     * An existing target directory whose mode gives someone what the source's no longer does is
     * narrowed to what both give before the walk goes in: what the pass puts in it is never
     * reachable through the old mode. Its own mode comes once its subtree is done ({@link DirMeta}).
     * An immutable or append-only one is unlocked for the chmod, as for any update.
     */
    void narrowDir(DirPair dir, Pair p) {
        if (ctx.writesNothing(dir) || (p.tgt().perms() & 0777 & ~p.src().perms()) == 0) {
            return;
        }
        int narrowed = p.tgt().perms() & p.src().perms();
        try (Dir to = dir.tgt().openDir(p.name())) {
            attrs.unlockingDir(to, dir.rel().resolve(p.name()), unlocked -> to.setMode(narrowed));
        } catch (IOException e) {
            // (not the walk's failure: a directory pdm may not chmod (not root, or --no-flags
            // and locked) takes its mode with DirMeta, or fails it there with the reason)
        }
    }

    /** pdm's own leftover: not the user's data, so neither counted nor listed as a removal. */
    void removeStaleTemp(DirPair dir, WorkItem item) throws IOException {
        if (ctx.writesNothing(dir)) {
            ctx.wouldTouch(dir.rel());
            return;
        }
        FileMeta now = dir.tgt().stat(item.name());
        if (now != null && now.isFile() && now.ino() == item.tgt().ino()) {
            dir.tgt().deleteFile(item.name());
        }
    }

    private static void deleteQuietly(DirPair dir, Path tmp) {
        try {
            if (dir.tgt() != null && dir.tgt().stat(tmp) != null) {
                try {
                    dir.tgt().deleteFile(tmp);
                } catch (IOException e) {
                    if (!SysException.is(e, Errno.EPERM)) {
                        throw e;
                    }
                    // An append-only directory takes a new name but gives none back: pdm's own temp
                    // file is removed with the flag cleared for that moment, and the flag set again.
                    int bits = Attrs.unlock(dir.tgt(), dir.display(tmp));
                    try {
                        dir.tgt().deleteFile(tmp);
                    } finally {
                        Attrs.relock(dir.tgt(), bits, dir.display(tmp));
                    }
                }
            }
        } catch (IOException ignored) {
            // The failure that got us here is what the user needs; the next copy pass removes
            // a leftover temp file (CopyPlan plans it), and recopies a file left under its own
            // name (its mtime was never set).
        }
    }
}

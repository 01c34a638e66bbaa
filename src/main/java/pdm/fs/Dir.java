package pdm.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pdm.fs.linux.InodeAttrs;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;

/**
 * An open directory. Everything below it is reached relative to its descriptor, never
 * following a symlink (openat2 RESOLVE_NO_SYMLINKS or O_NOFOLLOW, *at calls with
 * AT_SYMLINK_NOFOLLOW), so a user who swaps a directory for a symlink while pdm runs cannot
 * redirect a read or a write, and no absolute path below the root ever reaches the kernel.
 */
public final class Dir implements Closeable {
    private final int fd;
    private final Path rel;
    private final NoAtime noatime;
    private FileMeta atOpen;
    private boolean closed;
    /**
     * Whether files created here come with no kept xattrs of their own (no default ACL to inherit,
     * no security label given on create): null until a new file here was looked at. Each open
     * directory is used by one thread at a time.
     */
    private Boolean bareNewFiles;

    Dir(int fd, Path rel, NoAtime noatime) {
        this.fd = fd;
        this.rel = rel;
        this.noatime = noatime;
    }

    /** Where this directory is below its filesystem root. */
    public Path rel() {
        return rel;
    }

    int fd() {
        return fd;
    }

    /** This directory's own owner alone (fchown). */
    public void setOwner(FileMeta m) throws IOException {
        Sys.fchown(fd, m.uid(), m.gid());
    }

    /** This directory's own mode alone (fchmod). */
    public void setMode(int perms) throws IOException {
        Sys.fchmod(fd, perms);
    }

    /** This directory's own ns times alone. */
    public void setTimes(FileMeta m) throws IOException {
        Sys.futimens(fd, m.atimeNs(), m.mtimeNs());
    }

    /** Every entry with its lstat, in no particular order. Fails as a whole or not at all. */
    public List<Entry> list() throws IOException {
        List<Sys.Dirent> names = Sys.list(fd);
        List<Entry> out = new ArrayList<>(names.size());
        for (Sys.Dirent d : names) {
            Sys.Stat s = Sys.lstat(fd, d.name());
            if (s != null) { // (gone since the listing: as if it had not been listed)
                out.add(new Entry(d.name(), FileMeta.of(s)));
            }
        }
        return out;
    }

    /**
     * The entries of these names that exist, with their lstat: a listing of only what a caller
     * knows to look at (a directory of 10^6 entries of which two changed costs two lstats).
     */
    public List<Entry> entries(java.util.Collection<Path> names) throws IOException {
        List<Entry> out = new ArrayList<>(names.size());
        for (Path name : names) {
            byte[] b = NameBytes.bytes(name);
            Sys.Stat s = Sys.lstat(fd, b);
            if (s != null) {
                out.add(new Entry(b, FileMeta.of(s)));
            }
        }
        return out;
    }

    /** lstat of one entry, or null when it does not exist. */
    public FileMeta stat(Path name) throws IOException {
        Sys.Stat s = Sys.lstat(fd, NameBytes.bytes(name));
        return s == null ? null : FileMeta.of(s);
    }

    /** fstat of this directory itself. */
    public FileMeta self() throws IOException {
        return FileMeta.of(Sys.fstat(fd));
    }

    /**
     * What this directory was when it was opened: the fstat its open checked its identity with,
     * or a new one. Saves a system call per directory and side on the walk; a change since the
     * open shows as a difference to the next pass.
     */
    public FileMeta selfAtOpen() throws IOException {
        FileMeta m = atOpen;
        if (m == null) {
            m = self();
            atOpen = m;
        }
        return m;
    }

    /** What {@link #bareNewFiles(boolean)} recorded: TRUE when a file created here had no kept xattrs; null when not known. */
    public Boolean bareNewFiles() {
        return bareNewFiles;
    }

    /** Records what the first file created here got on create: no kept xattrs ({@code bare}) or some. */
    public void bareNewFiles(boolean bare) {
        bareNewFiles = bare;
    }

    /** Opens a subdirectory (or a deeper relative path); fails (ELOOP / not a directory) rather than follow a symlink. */
    public Dir openDir(Path name) throws IOException {
        byte[] b = NameBytes.bytes(name);
        return new Dir(noatime.open(f -> Sys.openDirBeneath(fd, b, f)), rel.resolve(name), noatime);
    }

    /**
     * Opens a regular file for reading, with O_NOATIME where the kernel allows it (its atime
     * stays as it was); refuses (never blocks on) anything else put in its place.
     */
    public FileHandle openRead(Path name) throws IOException {
        return FileHandle.openRegular(fd, NameBytes.bytes(name), noatime, -1);
    }

    /** The same for an entry {@code listed} as it is now (its owner decides O_NOATIME at once). */
    public FileHandle openRead(Path name, FileMeta listed) throws IOException {
        return FileHandle.openRegular(fd, NameBytes.bytes(name), noatime, listed == null ? -1 : listed.uid());
    }

    /** Creates a new file (O_EXCL, never through a symlink), readable only by its owner until its metadata is applied. */
    public FileHandle create(Path name) throws IOException {
        int flags = Sys.ARCH.oWronly() | Sys.ARCH.oCreat() | Sys.ARCH.oExcl() | Sys.ARCH.oNofollow()
                | Sys.ARCH.oCloexec();
        return new FileHandle(Sys.openat(fd, NameBytes.bytes(name), flags, 0600), name);
    }

    /**
     * Opens for writing the regular file {@code name} as it is (no create, no truncate, never
     * through a symlink): a big file's temp file, which the ranges of its copy write into.
     */
    public FileHandle openWrite(Path name) throws IOException {
        int flags = Sys.ARCH.oWronly() | Sys.ARCH.oNofollow() | Sys.ARCH.oNonblock() | Sys.ARCH.oCloexec();
        FileHandle h = new FileHandle(Sys.openat(fd, NameBytes.bytes(name), flags, 0), name);
        try {
            if (!FileMeta.of(Sys.fstat(h.fd())).isFile()) {
                throw new IOException("not a regular file; not written");
            }
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /**
     * Opens for writing the empty regular file {@code name} that a helper program (Lustre's
     * {@code lfs setstripe}) has just created with its data layout: never through a symlink,
     * refused unless it is still a regular, empty, single-link file, and made owner-only before
     * any data goes in (the helper created it with the umask's mode).
     */
    public FileHandle openCreated(Path name) throws IOException {
        int flags = Sys.ARCH.oWronly() | Sys.ARCH.oNofollow() | Sys.ARCH.oNonblock() | Sys.ARCH.oCloexec();
        FileHandle h = new FileHandle(Sys.openat(fd, NameBytes.bytes(name), flags, 0), name);
        try {
            Sys.Stat s = Sys.fstat(h.fd());
            FileMeta m = FileMeta.of(s);
            if (!m.isFile() || m.size() != 0 || m.nlink() != 1) {
                throw new IOException("the file made to hold the data is not a new empty file (" + m.type().name()
                        .toLowerCase(java.util.Locale.ROOT) + ", " + m.size() + " bytes, " + m.nlink() + " links); not written");
            }
            Sys.setMeta(h.fd(), m.uid(), m.gid(), false, 0600, m.atimeNs(), m.mtimeNs());
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /**
     * A path that names {@code name} in this directory through this process's descriptor
     * ({@code /proc/PID/fd/N/NAME}), for a helper program that takes paths: the directory it
     * reaches is this one, whatever a user has renamed or swapped for a symlink above it.
     */
    public String procPath(Path name) {
        return procPath() + "/" + name;
    }

    /** This directory itself, as {@link #procPath(Path)} names it. */
    public String procPath() {
        return FileHandle.procPath(fd);
    }

    /** chmod of an entry pdm made itself under a name only it uses (a directory made by a helper program). */
    public void chmod(Path name, int perms) throws IOException {
        Sys.chmodat(fd, NameBytes.bytes(name), perms);
    }

    /** mkdir with the given permission bits (the umask applies; pdm sets the final mode later). */
    public void mkdir(Path name, int perms) throws IOException {
        Sys.mkdirat(fd, NameBytes.bytes(name), perms);
    }

    /** A symlink holding exactly {@code target}'s bytes. */
    public void symlink(Path name, byte[] target) throws IOException {
        Sys.symlinkat(target, fd, NameBytes.bytes(name));
    }

    /** The exact bytes a symlink holds. */
    public byte[] readlink(Path name) throws IOException {
        return Sys.readlinkat(fd, NameBytes.bytes(name));
    }

    /**
     * Whether the entry may have attributes the policy keeps that its stat does not show: any
     * kept xattr (one llistxattr, no open), or, when flags are kept, always (only an open and an
     * ioctl can tell).
     */
    public boolean mayHaveAttrs(Path name, AttrPolicy p) throws IOException {
        if (p.flags()) {
            return true;
        }
        String prefix = p.xattrs() == XattrScope.USER && !p.acls() ? "user."
                : p.xattrs() == XattrScope.NONE ? (p.acls() ? "system.posix_acl_" : null) : "";
        return prefix != null && Sys.hasXattrWithPrefix(fd, NameBytes.bytes(name), prefix);
    }

    /**
     * Whether the kept xattrs, flags or project ID of the entry {@code name} here and of the same
     * name in {@code other} may differ, asked without opening either where the kernel can
     * (llistxattr and file_getattr of both sides; a no-COW change cannot happen to a file with
     * data, and dirsync is a directory's, looked at when it is done): true means "open and compare".
     */
    public boolean mayDifferInAttrs(Path name, Dir other, AttrPolicy p) throws IOException {
        AttrPolicy names = new AttrPolicy(p.xattrs(), p.acls(), false);
        // (the target too: a name the source no longer has, its last one, must go there as well)
        if (p.anyXattrs() && (mayHaveAttrs(name, names) || other.mayHaveAttrs(name, names))) {
            return true;
        }
        if (!p.flags()) {
            return false;
        }
        byte[] b = NameBytes.bytes(name);
        InodeAttrs.FileAttr s = InodeAttrs.fileAttr(fd, b);
        InodeAttrs.FileAttr t = s == null ? null : InodeAttrs.fileAttr(other.fd, b);
        return s == null || t == null || (s.xflags() & InodeFlags.XFLAGS_COPIED) != (t.xflags() & InodeFlags.XFLAGS_COPIED)
                || s.projid() != t.projid();
    }

    /**
     * Whether the entry {@code name} (on the device {@code dev}, as listed) has none of what the
     * policy could keep beyond owner, mode and times, asked by name without opening it: no xattr
     * at all (one llistxattr; a name the policy drops would be counted, so any sends the caller the
     * usual way), and where flags are kept, no copied flag and no project ID (one file_getattr, on
     * a filesystem whose xflags show every flag a file keeps). False means "open it and read".
     */
    public boolean bareByName(Path name, AttrPolicy p, long dev) throws IOException {
        byte[] b = NameBytes.bytes(name);
        if (p.anyXattrs() && Sys.hasXattrWithPrefix(fd, b, "")) {
            return false;
        }
        if (!p.flags()) {
            return true;
        }
        if (selfAtOpen().dev() != dev || !InodeAttrs.xflagsEnough(fd, dev)) {
            return false;
        }
        InodeAttrs.FileAttr a = InodeAttrs.fileAttr(fd, b);
        return a != null && (InodeAttrs.flagsOfXflags((int) a.xflags()) & InodeFlags.COPIED) == 0 && a.projid() == 0;
    }

    /** A hard link {@code name} here to {@code otherName} in {@code other}. */
    public void link(Path name, Dir other, Path otherName) throws IOException {
        Sys.linkat(other.fd, NameBytes.bytes(otherName), fd, NameBytes.bytes(name));
    }

    /** A fifo, socket or device node. */
    public void mknod(Path name, FileType type, int perms, long rdev) throws IOException {
        Sys.mknodat(fd, NameBytes.bytes(name), type.modeBits() | perms, rdev);
    }

    /**
     * Owner, mode and ns times of an entry by name, never following a symlink: a symlink gets
     * its own owner and times (it has no mode of its own), anything else all three.
     */
    public void setMeta(Path name, FileMeta m, boolean owner) throws IOException {
        if (owner) {
            setOwner(name, m);
        }
        setModeTimes(name, m);
    }

    /** The owner of an entry by name, never following a symlink (first: a chown clears setuid/setgid). */
    public void setOwner(Path name, FileMeta m) throws IOException {
        Sys.lchownat(fd, NameBytes.bytes(name), m.uid(), m.gid());
    }

    /** The mode (none for a symlink) and ns times of an entry by name, never following a symlink. */
    public void setModeTimes(Path name, FileMeta m) throws IOException {
        byte[] b = NameBytes.bytes(name);
        if (!m.isSymlink()) {
            Sys.chmodat(fd, b, m.perms());
        }
        Sys.lutimensat(fd, b, m.atimeNs(), m.mtimeNs());
    }

    /** renameat within this directory; replaces a file or symlink at {@code to}. */
    public void rename(Path from, Path to) throws IOException {
        Sys.renameat(fd, NameBytes.bytes(from), fd, NameBytes.bytes(to));
    }

    public void deleteFile(Path name) throws IOException {
        Sys.unlinkat(fd, NameBytes.bytes(name), false);
    }

    /** rmdir of an empty directory (a non-empty one is refused by the kernel: ENOTEMPTY). */
    public void deleteEmptyDir(Path name) throws IOException {
        Sys.unlinkat(fd, NameBytes.bytes(name), true);
    }

    /** Asked about each entry of a tree before it goes, and told when it went. */
    public interface RemovalGuard {
        /**
         * @param rel the entry's path below the filesystem root
         * @return false to leave it (and the directories above it), the rest of the tree still
         *         shown to the guard entry by entry
         */
        boolean mayRemove(Path rel, FileMeta meta) throws IOException;

        /** A directory left because entries below it were ({@link #mayRemove} said no to them). */
        default void left(Path rel, FileMeta meta) {
        }

        /** The entry is gone (in a dry run: would be). */
        void removed(Path rel, FileMeta meta);

        /**
         * Whether the entry must stay although the tree holding it goes (one a job excludes):
         * its siblings are still removed, the directories above it are not.
         */
        default boolean keeps(Path rel, FileMeta meta) {
            return false;
        }

        /** Whether an immutable or append-only entry (or directory holding it) may be unlocked to go. */
        default boolean unlocks() {
            return false;
        }

        /** Told when {@code rel} (or the directory holding it) was unlocked so that it could go. */
        default void unlocked(Path rel) {
        }

        /** For pdm's own trees (its hard-link directory): nothing of the user's, nothing to count. */
        RemovalGuard OWN = new RemovalGuard() {
            @Override
            public boolean mayRemove(Path rel, FileMeta meta) {
                return true;
            }

            @Override
            public void removed(Path rel, FileMeta meta) {
            }
        };
    }

    /**
     * Removes an entry of any type; a directory with everything below it, depth first, each
     * level opened without following symlinks, each entry cleared with {@code guard} first.
     * With {@code dryRun} nothing is removed but the guard hears the same entries, so a dry
     * run counts exactly what the real one would remove.
     *
     * @return true when the whole tree is gone, false when the guard stopped it part way or kept
     *         some of it
     */
    public boolean removeTree(Path name, FileMeta meta, RemovalGuard guard, boolean dryRun) throws IOException {
        Removed r = remove(name, meta, guard, dryRun);
        return r == Removed.ALL || r == Removed.GONE;
    }

    /**
     * How a removal ended. GONE: the entry was no longer there, which is what the removal wanted,
     * and not counted as the guard's (another run of the same task removed it, one whose worker
     * lost its broker connection, or someone on the target did).
     */
    private enum Removed { ALL, GONE, KEPT, STOPPED }

    private Removed remove(Path name, FileMeta meta, RemovalGuard guard, boolean dryRun) throws IOException {
        Path entry = rel.resolve(name);
        if (guard.keeps(entry, meta)) {
            return Removed.KEPT;
        }
        if (meta.isDir()) {
            boolean kept = false;
            boolean stopped = false;
            Dir opened;
            try {
                opened = openDir(name);
            } catch (NoSuchFileException gone) {
                return Removed.GONE;
            }
            try (Dir child = opened) {
                // (on past an entry the guard stopped: every entry the cap leaves is shown to it,
                // counted and listed, as --max-delete 0 promises)
                for (Entry e : child.list()) {
                    Removed r = child.remove(e.name(), e.meta(), guard, dryRun);
                    stopped |= r == Removed.STOPPED;
                    kept |= r == Removed.KEPT;
                }
            }
            if (stopped) {
                guard.left(entry, meta);
                return Removed.STOPPED;
            }
            if (kept) {
                return Removed.KEPT; // (not empty: it stays, with what it holds)
            }
        }
        if (!guard.mayRemove(entry, meta)) {
            return Removed.STOPPED;
        }
        if (dryRun) {
            wouldUnlockToRemove(name, meta, guard);
        } else {
            try {
                Sys.unlinkat(fd, NameBytes.bytes(name), meta.isDir());
            } catch (NoSuchFileException gone) {
                return Removed.GONE;
            } catch (IOException e) {
                int own = guard.unlocks() ? unlockToRemove(name, meta, guard) : -1;
                if (own < 0) {
                    throw e;
                }
                try {
                    Sys.unlinkat(fd, NameBytes.bytes(name), meta.isDir());
                } finally {
                    Attrs.relock(this, own, Names.display(rel));
                }
            }
        }
        guard.removed(entry, meta);
        return Removed.ALL;
    }

    /**
     * A dry run's {@link #unlockToRemove}: the same unlocks told to {@code guard}, read from the
     * listing's statx (immutable, append-only) instead of a removal refused, so that a dry run
     * lists the {@code unlock} lines its real run prints.
     */
    private void wouldUnlockToRemove(Path name, FileMeta meta, RemovalGuard guard) throws IOException {
        if (!guard.unlocks()) {
            return;
        }
        boolean entry = (meta.isDir() || meta.isFile()) && meta.locks() > 0;
        boolean own = selfAtOpen().locks() > 0;
        if (entry) {
            guard.unlocked(rel.resolve(name));
        }
        if (own) {
            guard.unlocked(rel);
        }
    }

    /**
     * Clears immutable and append-only on the entry and on this directory, which forbid its
     * removal, telling {@code guard} of each. Returns the bits cleared on this directory (to set
     * again), or -1 when neither had any.
     */
    private int unlockToRemove(Path name, FileMeta meta, RemovalGuard guard) throws IOException {
        int entry = 0;
        if (meta.isDir()) {
            try (Dir d = openDir(name)) {
                entry = Attrs.unlock(d, name.toString());
            }
        } else if (meta.isFile()) {
            try (FileHandle f = openRead(name)) {
                entry = Attrs.unlock(f, name.toString());
            }
        }
        int own = Attrs.unlock(this, Names.display(rel));
        if (entry != 0) {
            guard.unlocked(rel.resolve(name));
        }
        if (own != 0) {
            guard.unlocked(rel);
        }
        return entry == 0 && own == 0 ? -1 : own;
    }

    /** Whether the subdirectory {@code name} has no entries (opened without following a symlink). */
    public boolean isEmptyDir(Path name) throws IOException {
        try (Dir child = openDir(name)) {
            return child.unlisted();
        }
    }

    /** Whether this directory has no entries (reads at most one batch of its listing). */
    public boolean unlisted() throws IOException {
        return Sys.isEmpty(fd);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}

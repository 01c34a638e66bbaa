package pdm.fs.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static pdm.fs.linux.Syscall.ptr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import pdm.fs.linux.Syscall.Nr;

/**
 * The system calls pdm makes, all through one downcall of java.lang.foreign ({@link Syscall})
 * with errno captured by the linker. Names are exact bytes (no charset anywhere); every call that
 * takes a name is relative to a directory descriptor, and every failure is an IOException
 * naming the call, the errno and the path ({@link SysException}, or the JDK's own type for
 * the errnos that have one). The kernel's structs are {@link MemoryLayout}s with named fields.
 */
public final class Sys {
    public static final Arch ARCH = Arch.current();
    private static final MemoryLayout CAPTURE = Syscall.CAPTURE;
    /** The longest path the kernel takes in one call, with its NUL (linux/limits.h). */
    private static final int PATH_MAX = 4096;
    private static final int DIRENTS = 64 << 10;
    /** Enough for the xattr names of nearly every file in one call; more is read in a second one. */
    private static final int XATTR_NAMES = 4096;
    /** STATX_BASIC_STATS: type, mode, nlink, uid, gid, times, ino, size, blocks. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    /** The bit of stx_mask that says stx_ctime is filled in. */
    private static final int STATX_CTIME = 0x80;

    // ---- the kernel's structs (the same layout on x86_64 and arm64)

    /** struct statx_timestamp (linux/stat.h). */
    private static final StructLayout STATX_TIMESTAMP = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_nsec"), JAVA_INT.withName("__reserved"));

    /** struct statx (linux/stat.h), with the fields after stx_dev_minor as padding to its 256 bytes. */
    private static final StructLayout STATX_LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("stx_mask"), JAVA_INT.withName("stx_blksize"), JAVA_LONG.withName("stx_attributes"),
            JAVA_INT.withName("stx_nlink"), JAVA_INT.withName("stx_uid"), JAVA_INT.withName("stx_gid"),
            JAVA_SHORT.withName("stx_mode"), MemoryLayout.paddingLayout(2), JAVA_LONG.withName("stx_ino"),
            JAVA_LONG.withName("stx_size"), JAVA_LONG.withName("stx_blocks"),
            JAVA_LONG.withName("stx_attributes_mask"), STATX_TIMESTAMP.withName("stx_atime"),
            STATX_TIMESTAMP.withName("stx_btime"), STATX_TIMESTAMP.withName("stx_ctime"),
            STATX_TIMESTAMP.withName("stx_mtime"), JAVA_INT.withName("stx_rdev_major"),
            JAVA_INT.withName("stx_rdev_minor"), JAVA_INT.withName("stx_dev_major"),
            JAVA_INT.withName("stx_dev_minor"), MemoryLayout.paddingLayout(256 - 144));
    private static final long STX_MASK = offset(STATX_LAYOUT, "stx_mask");
    private static final long STX_ATTRIBUTES = offset(STATX_LAYOUT, "stx_attributes");
    private static final long STX_ATTRIBUTES_MASK = offset(STATX_LAYOUT, "stx_attributes_mask");
    /** STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND (linux/stat.h). */
    private static final long STATX_ATTR_LOCKS = 0x10 | 0x20;
    private static final long STX_NLINK = offset(STATX_LAYOUT, "stx_nlink");
    private static final long STX_UID = offset(STATX_LAYOUT, "stx_uid");
    private static final long STX_GID = offset(STATX_LAYOUT, "stx_gid");
    private static final long STX_MODE = offset(STATX_LAYOUT, "stx_mode");
    private static final long STX_INO = offset(STATX_LAYOUT, "stx_ino");
    private static final long STX_SIZE = offset(STATX_LAYOUT, "stx_size");
    private static final long STX_BLOCKS = offset(STATX_LAYOUT, "stx_blocks");
    private static final long STX_ATIME_SEC = offset(STATX_LAYOUT, "stx_atime", "tv_sec");
    private static final long STX_ATIME_NSEC = offset(STATX_LAYOUT, "stx_atime", "tv_nsec");
    private static final long STX_CTIME_SEC = offset(STATX_LAYOUT, "stx_ctime", "tv_sec");
    private static final long STX_CTIME_NSEC = offset(STATX_LAYOUT, "stx_ctime", "tv_nsec");
    private static final long STX_MTIME_SEC = offset(STATX_LAYOUT, "stx_mtime", "tv_sec");
    private static final long STX_MTIME_NSEC = offset(STATX_LAYOUT, "stx_mtime", "tv_nsec");
    private static final long STX_RDEV_MAJOR = offset(STATX_LAYOUT, "stx_rdev_major");
    private static final long STX_RDEV_MINOR = offset(STATX_LAYOUT, "stx_rdev_minor");
    private static final long STX_DEV_MAJOR = offset(STATX_LAYOUT, "stx_dev_major");
    private static final long STX_DEV_MINOR = offset(STATX_LAYOUT, "stx_dev_minor");

    /** struct linux_dirent64 (linux/dirent.h) up to d_name, which follows as a NUL-terminated name. */
    private static final StructLayout DIRENT64 = MemoryLayout.structLayout(
            JAVA_LONG.withName("d_ino"), JAVA_LONG.withName("d_off"), JAVA_SHORT.withName("d_reclen"),
            JAVA_BYTE.withName("d_type"));
    private static final long D_RECLEN = offset(DIRENT64, "d_reclen");
    private static final long D_TYPE = offset(DIRENT64, "d_type");
    private static final long D_NAME = DIRENT64.byteSize();

    /** struct open_how (linux/openat2.h). */
    private static final StructLayout OPEN_HOW = MemoryLayout.structLayout(
            JAVA_LONG.withName("flags"), JAVA_LONG.withName("mode"), JAVA_LONG.withName("resolve"));
    private static final long HOW_FLAGS = offset(OPEN_HOW, "flags");
    private static final long HOW_MODE = offset(OPEN_HOW, "mode");
    private static final long HOW_RESOLVE = offset(OPEN_HOW, "resolve");

    /** struct timespec[2] as utimensat and futimens take it: atime, then mtime. */
    private static final MemoryLayout TIMESPEC = MemoryLayout.structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));
    private static final MemoryLayout TIMES = MemoryLayout.sequenceLayout(2, TIMESPEC);
    private static final long TIMES_SEC = offset(TIMESPEC, "tv_sec");
    private static final long TIMES_NSEC = offset(TIMESPEC, "tv_nsec");

    /**
     * struct statfs of the kernel on 64-bit (asm-generic/statfs.h; x86_64's has the same fields and
     * sizes): what glibc's statvfs(3) reads and converts.
     */
    private static final StructLayout STATFS_LAYOUT = MemoryLayout.structLayout(
            JAVA_LONG.withName("f_type"), JAVA_LONG.withName("f_bsize"), JAVA_LONG.withName("f_blocks"),
            JAVA_LONG.withName("f_bfree"), JAVA_LONG.withName("f_bavail"), JAVA_LONG.withName("f_files"),
            JAVA_LONG.withName("f_ffree"), JAVA_LONG.withName("f_fsid"), JAVA_LONG.withName("f_namelen"),
            JAVA_LONG.withName("f_frsize"), JAVA_LONG.withName("f_flags"), MemoryLayout.paddingLayout(32));
    private static final long F_BSIZE = offset(STATFS_LAYOUT, "f_bsize");
    private static final long F_FRSIZE = offset(STATFS_LAYOUT, "f_frsize");
    private static final long F_BLOCKS = offset(STATFS_LAYOUT, "f_blocks");
    private static final long F_BFREE = offset(STATFS_LAYOUT, "f_bfree");
    private static final long F_FILES = offset(STATFS_LAYOUT, "f_files");
    private static final long F_FFREE = offset(STATFS_LAYOUT, "f_ffree");
    private static final long F_FLAGS = offset(STATFS_LAYOUT, "f_flags");
    /** ST_RDONLY of f_flags (linux/statfs.h, as statvfs's f_flag): the filesystem is mounted read-only. */
    private static final long ST_RDONLY = 1;

    /**
     * The byte offset of a field, read and written with MemorySegment.get/set: a VarHandle per
     * field cost about 2 ms each to make, at every start, and is no faster once compiled.
     */
    private static long offset(MemoryLayout struct, String... path) {
        return struct.byteOffset(Arrays.stream(path).map(MemoryLayout.PathElement::groupElement)
                .toArray(MemoryLayout.PathElement[]::new));
    }

    /** Whether openat2(2) exists here (Linux 5.6+); without it directories are opened one component at a time. */
    private static volatile boolean openat2 = true;

    static {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATX_LAYOUT);
            MemorySegment cap = a.allocate(CAPTURE);
            long r = Syscall.invoke(cap, Nr.STATX, ARCH.atFdcwd(), ptr(a.allocateFrom("/")), 0, STATX_BASIC_STATS,
                    ptr(buf), 0);
            if (r != 0 && Syscall.errno(cap) == Errno.ENOSYS.number()) {
                throw new UnsupportedPlatformException("this kernel has no statx(2) (Linux 4.11 or newer is needed)");
            }
        } catch (UnsupportedPlatformException e) {
            throw e;
        } catch (Throwable t) {
            throw new UnsupportedPlatformException("cannot make system calls through java.lang.foreign: " + t);
        }
    }

    private Sys() {
    }

    /** System call {@code nr} with the thread's errno capture: what the kernel returned, or -1. */
    private static long sys(Scratch s, Nr nr, long a, long b, long c, long d, long e, long f) {
        return Syscall.invoke(s.capture, nr, a, b, c, d, e, f);
    }

    private static long sys(Scratch s, Nr nr, long a, long b, long c, long d) {
        return Syscall.invoke(s.capture, nr, a, b, c, d, 0, 0);
    }

    /**
     * Per-thread memory for the calls of this package: the errno capture, two names, a statx
     * buffer, times, dirents, and the argument of the ioctls read once per file ({@link InodeAttrs}).
     */
    static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment capture = arena.allocate(CAPTURE);
        final MemorySegment name1 = arena.allocate(PATH_MAX + 1);
        final MemorySegment name2 = arena.allocate(PATH_MAX + 1);
        final MemorySegment statx = arena.allocate(STATX_LAYOUT);
        final byte[] statxBytes = new byte[(int) STATX_LAYOUT.byteSize()];
        /** The same bytes as a segment, made once: a copy into it checks no array type or length (a VM call in C1 code). */
        final MemorySegment statxHeap = MemorySegment.ofArray(statxBytes);
        final MemorySegment times = arena.allocate(TIMES);
        final MemorySegment how = arena.allocate(OPEN_HOW);
        final MemorySegment offsets = arena.allocate(16, 8);
        final MemorySegment small = arena.allocate(PATH_MAX + 1);
        final MemorySegment xattrNames = arena.allocate(XATTR_NAMES);
        /** An ioctl's argument: an int of inode flags, or a struct fsxattr (28 bytes). */
        final MemorySegment ioctl = arena.allocate(32, 8);
        MemorySegment dirents;

        MemorySegment dirents() {
            if (dirents == null) {
                dirents = arena.allocate(DIRENTS, 8);
            }
            return dirents;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** The calling thread's {@link Scratch}. */
    static Scratch scratch() {
        return SCRATCH.get();
    }

    static MemorySegment cstr(MemorySegment into, byte[] name) throws IOException {
        if (name.length >= PATH_MAX) {
            throw new SysException(NameBytes.text(name), "path", Errno.ENAMETOOLONG.number());
        }
        MemorySegment.copy(name, 0, into, JAVA_BYTE, 0, name.length);
        into.set(JAVA_BYTE, name.length, (byte) 0);
        return into;
    }

    private static final byte[] PROC_FD = "/proc/self/fd/".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** "/proc/self/fd/DIRFD/NAME" and a NUL in {@code into}, built in place (on the per-entry path: no garbage). */
    private static MemorySegment procPath(MemorySegment into, int dirFd, byte[] name) throws IOException {
        byte[] digits = Integer.toString(dirFd).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        long length = PROC_FD.length + digits.length + 1L + name.length;
        if (length >= PATH_MAX) {
            throw new SysException(NameBytes.text(name), "path", Errno.ENAMETOOLONG.number());
        }
        MemorySegment.copy(PROC_FD, 0, into, JAVA_BYTE, 0, PROC_FD.length);
        MemorySegment.copy(digits, 0, into, JAVA_BYTE, PROC_FD.length, digits.length);
        into.set(JAVA_BYTE, PROC_FD.length + digits.length, (byte) '/');
        MemorySegment.copy(name, 0, into, JAVA_BYTE, PROC_FD.length + digits.length + 1, name.length);
        into.set(JAVA_BYTE, length, (byte) 0);
        return into;
    }

    private static int errnoOf(Scratch s) {
        return Syscall.errno(s.capture);
    }

    /**
     * What system call {@code call} returned ({@code r}) when it succeeded. A failure with one of
     * the {@code tolerated} errnos is returned as the negative errno (test it with
     * {@link #failed}); any other is thrown as the exception of {@code call} on {@code what} (name
     * bytes, or a description). One overload per count of tolerated errnos, and descriptors named
     * only on failure ({@link #checkFd}): a call that succeeds allocates nothing here. (The C1 code
     * pdm runs allocates a capturing lambda, a varargs array or a concatenated string on every
     * call, a lambda through the runtime: with a dozen calls per file that was 1.5% of a copy's
     * CPU, bench/README.md.)
     */
    private static long check(Scratch s, long r, String call, Object what) throws IOException {
        return r >= 0 ? r : fail(s, call, what, null, null, null);
    }

    private static long check(Scratch s, long r, String call, Object what, Errno tolerated) throws IOException {
        return r >= 0 ? r : fail(s, call, what, tolerated, null, null);
    }

    private static long check(Scratch s, long r, String call, Object what, Errno t1, Errno t2) throws IOException {
        return r >= 0 ? r : fail(s, call, what, t1, t2, null);
    }

    private static long check(Scratch s, long r, String call, Object what, Errno t1, Errno t2, Errno t3)
            throws IOException {
        return r >= 0 ? r : fail(s, call, what, t1, t2, t3);
    }

    /** {@link #check} of a call on descriptor {@code fd}. */
    private static long checkFd(Scratch s, long r, String call, int fd) throws IOException {
        return r >= 0 ? r : fail(s, call, "descriptor " + fd, null, null, null);
    }

    private static long checkFd(Scratch s, long r, String call, int fd, Errno tolerated) throws IOException {
        return r >= 0 ? r : fail(s, call, "descriptor " + fd, tolerated, null, null);
    }

    private static long fail(Scratch s, String call, Object what, Errno t1, Errno t2, Errno t3) throws IOException {
        int errno = errnoOf(s);
        if ((t1 != null && t1.number() == errno) || (t2 != null && t2.number() == errno)
                || (t3 != null && t3.number() == errno)) {
            return -errno;
        }
        throw SysException.of(call, errno, what instanceof byte[] b ? NameBytes.text(b) : String.valueOf(what));
    }

    /** Whether a result of {@link #call} is the tolerated failure {@code e}. */
    private static boolean failed(long result, Errno e) {
        return result == -e.number();
    }

    // ---- descriptors and names

    /** openat(2) of a name in {@code dirFd} (AT_FDCWD for an absolute path given by the user). */
    public static int openat(int dirFd, byte[] name, int flags, int mode) throws IOException {
        Scratch s = SCRATCH.get();
        return (int) check(s, sys(s, Nr.OPENAT, dirFd, ptr(cstr(s.name1, name)), flags, mode), "openat", name);
    }

    /**
     * Opens the directory {@code rel} (several components) below {@code dirFd}, refusing any
     * symlink, magic link or escape on the way (openat2 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
     * RESOLVE_NO_MAGICLINKS); where the kernel lacks openat2, one component at a time with
     * O_NOFOLLOW. A symlink fails with ELOOP, a file with ENOTDIR. A path longer than the
     * kernel takes in one call (PATH_MAX) is opened in pieces that fit, each beneath the one
     * before, so the rule holds at every step and a tree of any depth can be reached.
     * {@code extraFlags} (O_NOATIME) apply to the last directory only: a lookup on the way
     * reads no directory.
     */
    public static int openDirBeneath(int dirFd, byte[] rel, int extraFlags) throws IOException {
        int flags = ARCH.oRdonly() | ARCH.oDirectory() | ARCH.oNofollow() | ARCH.oCloexec();
        if (openat2 && rel.length < PATH_MAX) {
            int fd = openat2(dirFd, rel, rel, flags | extraFlags);
            if (fd >= 0) {
                return fd;
            }
        }
        int fd = dirFd;
        try {
            if (openat2) {
                for (int start = 0; start < rel.length; ) {
                    int end = pieceEnd(rel, start);
                    int next = openat2(fd, Arrays.copyOfRange(rel, start, end), rel,
                            end == rel.length ? flags | extraFlags : flags);
                    if (next < 0) { // (no openat2 after all: one component at a time)
                        fd = swap(fd, dirFd, dirFd);
                        return openDirBeneath(dirFd, rel, extraFlags);
                    }
                    fd = swap(fd, dirFd, next);
                    start = end + 1;
                }
                return fd;
            }
            List<byte[]> parts = components(rel);
            if (parts.isEmpty()) {
                return openat(dirFd, new byte[]{'.'}, flags | extraFlags, 0);
            }
            for (int i = 0; i < parts.size(); i++) {
                fd = swap(fd, dirFd, openat(fd, parts.get(i), i == parts.size() - 1 ? flags | extraFlags : flags, 0));
            }
            return fd;
        } catch (IOException | RuntimeException e) {
            if (fd != dirFd) {
                close(fd);
            }
            throw e;
        }
    }

    /** Closes {@code fd} unless it is the caller's {@code keep}, and returns {@code next}. */
    private static int swap(int fd, int keep, int next) {
        if (fd != keep) {
            close(fd);
        }
        return next;
    }

    /** The end (exclusive) of the longest piece from {@code start} that fits one call and ends at a '/'. */
    static int pieceEnd(byte[] rel, int start) {
        if (rel.length - start < PATH_MAX) {
            return rel.length;
        }
        for (int i = start + PATH_MAX - 1; i > start; i--) {
            if (rel[i] == '/') {
                return i;
            }
        }
        return start + PATH_MAX - 1; // (no '/' in reach: a component longer than NAME_MAX, which the kernel refuses)
    }

    /** openat2 of a directory; -1 when this kernel has none (then never tried again). */
    private static int openat2(int dirFd, byte[] piece, byte[] whole, int flags) throws IOException {
        Scratch s = SCRATCH.get();
        s.how.set(JAVA_LONG, HOW_FLAGS, (long) flags);
        s.how.set(JAVA_LONG, HOW_MODE, 0L);
        s.how.set(JAVA_LONG, HOW_RESOLVE, ARCH.resolveBeneath() | ARCH.resolveNoSymlinks()
                | ARCH.resolveNoMagiclinks());
        long fd = check(s, sys(s, Nr.OPENAT2, dirFd, ptr(cstr(s.name1, piece)), ptr(s.how), OPEN_HOW.byteSize()),
                "openat2", whole, Errno.ENOSYS);
        if (failed(fd, Errno.ENOSYS)) {
            openat2 = false;
            return -1;
        }
        return (int) fd;
    }

    private static List<byte[]> components(byte[] rel) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= rel.length; i++) {
            if (i == rel.length || rel[i] == '/') {
                if (i > start && !(i == start + 1 && rel[start] == '.')) {
                    out.add(Arrays.copyOfRange(rel, start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    public static void close(int fd) {
        sys(SCRATCH.get(), Nr.CLOSE, fd, 0, 0, 0);
    }

    /** One entry of a directory listing: its exact name bytes and the d_type the kernel gave. */
    public record Dirent(byte[] name, int type) {
    }

    /** Told each entry of a listing but . and ..; returns false to stop reading. */
    @FunctionalInterface
    private interface DirentVisitor {
        boolean entry(MemorySegment buf, long nameAt, int length, int type);
    }

    /** Reads an open directory with getdents64, batch by batch, and hands each entry but . and .. to {@code v}. */
    private static void readDir(int dirFd, DirentVisitor v) throws IOException {
        Scratch s = SCRATCH.get();
        MemorySegment buf = s.dirents();
        while (true) {
            long n = check(s, sys(s, Nr.GETDENTS64, dirFd, ptr(buf), DIRENTS, 0), "getdents64", "directory");
            if (n == 0) {
                return;
            }
            for (long off = 0; off < n; off += Short.toUnsignedInt(buf.get(JAVA_SHORT, off + D_RECLEN))) {
                long nameAt = off + D_NAME;
                int len = 0;
                while (buf.get(JAVA_BYTE, nameAt + len) != 0) {
                    len++;
                }
                boolean dots = buf.get(JAVA_BYTE, nameAt) == '.'
                        && (len == 1 || (len == 2 && buf.get(JAVA_BYTE, nameAt + 1) == '.'));
                if (!dots && !v.entry(buf, nameAt, len, Byte.toUnsignedInt(buf.get(JAVA_BYTE, off + D_TYPE)))) {
                    return;
                }
            }
        }
    }

    /** Every entry of an open directory but . and .., in the kernel's order (getdents64). */
    public static List<Dirent> list(int dirFd) throws IOException {
        List<Dirent> out = new ArrayList<>();
        readDir(dirFd, (buf, at, len, type) -> {
            byte[] name = new byte[len];
            MemorySegment.copy(buf, JAVA_BYTE, at, name, 0, len);
            out.add(new Dirent(name, type));
            return true;
        });
        return out;
    }

    /**
     * Whether an open directory has no entry but . and ..: reads up to the first entry, not
     * all of it (a directory of a million names answers as fast as an empty one).
     */
    public static boolean isEmpty(int dirFd) throws IOException {
        boolean[] any = {false};
        readDir(dirFd, (buf, at, len, type) -> {
            any[0] = true;
            return false;
        });
        return !any[0];
    }

    // ---- metadata

    /**
     * The fields of statx(2) pdm uses; times in ns since the epoch, dev and rdev as glibc's dev_t;
     * ctimeNs is Long.MAX_VALUE where the filesystem does not report a ctime (statx leaves
     * STATX_CTIME out of the mask it returns); locks is STATX_ATTR_IMMUTABLE | STATX_ATTR_APPEND
     * as set on the entry, or -1 where the filesystem does not report both (stx_attributes_mask).
     */
    public record Stat(int mode, int uid, int gid, long size, long mtimeNs, long atimeNs, long dev, long ino, int nlink,
                       long rdev, long blocks, long ctimeNs, int locks) {
    }

    /** lstat of {@code name} in {@code dirFd}, or null when it does not exist. */
    public static Stat lstat(int dirFd, byte[] name) throws IOException {
        Scratch s = SCRATCH.get();
        long r = check(s, sys(s, Nr.STATX, dirFd, ptr(cstr(s.name1, name)), ARCH.atSymlinkNofollow(),
                STATX_BASIC_STATS, ptr(s.statx), 0), "statx", name, Errno.ENOENT);
        return failed(r, Errno.ENOENT) ? null : stat(s);
    }

    /** fstat of an open descriptor (statx with AT_EMPTY_PATH). */
    public static Stat fstat(int fd) throws IOException {
        Scratch s = SCRATCH.get();
        statxFd(s, fd);
        return stat(s);
    }

    /** statx of an open descriptor (AT_EMPTY_PATH) into the thread's statx buffer. */
    private static void statxFd(Scratch s, int fd) throws IOException {
        s.small.set(JAVA_BYTE, 0, (byte) 0);
        checkFd(s, sys(s, Nr.STATX, fd, ptr(s.small), ARCH.atEmptyPath() | ARCH.atSymlinkNofollow(),
                STATX_BASIC_STATS, ptr(s.statx), 0), "statx", fd);
    }

    /** STATX_ATTR_MOUNT_ROOT (linux/stat.h, Linux 5.8). */
    private static final long STATX_ATTR_MOUNT_ROOT = 0x2000;

    /**
     * Whether the open directory {@code fd} is the root of a mount (statx's STATX_ATTR_MOUNT_ROOT),
     * or null where the kernel does not say (before Linux 5.8). Asked of the descriptor a walk
     * uses, not of a path that an unmount may point elsewhere meanwhile.
     */
    public static Boolean isMountRoot(int fd) throws IOException {
        Scratch s = SCRATCH.get();
        statxFd(s, fd);
        if ((s.statx.get(JAVA_LONG, STX_ATTRIBUTES_MASK) & STATX_ATTR_MOUNT_ROOT) == 0) {
            return null;
        }
        return (s.statx.get(JAVA_LONG, STX_ATTRIBUTES) & STATX_ATTR_MOUNT_ROOT) != 0;
    }

    /**
     * Decodes the struct statx (linux/stat.h: the same layout on every architecture) the thread's
     * last statx filled: copied to the heap in one move and read there. Once or twice per entry of
     * every pass; the C1-compiled code pdm runs checks each read of a segment, where an array read
     * is a load.
     */
    private static Stat stat(Scratch s) {
        byte[] b = s.statxBytes;
        MemorySegment.copy(s.statx, 0, s.statxHeap, 0, b.length);
        int nlink = i32(b, STX_NLINK);
        int uid = i32(b, STX_UID);
        int gid = i32(b, STX_GID);
        int mode = (b[(int) STX_MODE] & 0xff) | (b[(int) STX_MODE + 1] & 0xff) << 8;
        long ino = i64(b, STX_INO);
        long size = i64(b, STX_SIZE);
        long blocks = i64(b, STX_BLOCKS);
        long atime = ns(i64(b, STX_ATIME_SEC), i32(b, STX_ATIME_NSEC));
        long mtime = ns(i64(b, STX_MTIME_SEC), i32(b, STX_MTIME_NSEC));
        long ctime = (i32(b, STX_MASK) & STATX_CTIME) == 0 ? Long.MAX_VALUE
                : ns(i64(b, STX_CTIME_SEC), i32(b, STX_CTIME_NSEC));
        long rdev = makedev(i32(b, STX_RDEV_MAJOR), i32(b, STX_RDEV_MINOR));
        long dev = makedev(i32(b, STX_DEV_MAJOR), i32(b, STX_DEV_MINOR));
        // (immutable and append-only as the filesystem says them, -1 where it does not say both)
        int locks = (i64(b, STX_ATTRIBUTES_MASK) & STATX_ATTR_LOCKS) == STATX_ATTR_LOCKS
                ? (int) (i64(b, STX_ATTRIBUTES) & STATX_ATTR_LOCKS) : -1;
        return new Stat(mode, uid, gid, size, mtime, atime, dev, ino, nlink, rdev, blocks, ctime, locks);
    }

    // (little-endian: x86_64 and arm64, the two architectures Arch admits)
    private static int i32(byte[] b, long at) {
        int o = (int) at;
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | b[o + 3] << 24;
    }

    private static long i64(byte[] b, long at) {
        return (i32(b, at) & 0xffffffffL) | (long) i32(b, at + 4) << 32;
    }

    private static long ns(long sec, int nsec) {
        return sec * 1_000_000_000L + Integer.toUnsignedLong(nsec);
    }

    /** glibc's makedev: what st_dev and st_rdev hold, and what mknod takes. */
    static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major);
        long mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    public static void mkdirat(int dirFd, byte[] name, int mode) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.MKDIRAT, dirFd, ptr(cstr(s.name1, name)), mode, 0), "mkdirat", name);
    }

    public static void mknodat(int dirFd, byte[] name, int mode, long dev) throws IOException {
        if (dev >>> 32 != 0) { // (the kernel takes 32 bits; glibc refuses more the same way)
            throw SysException.of("mknodat", Errno.EINVAL.number(), NameBytes.text(name));
        }
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.MKNODAT, dirFd, ptr(cstr(s.name1, name)), mode, dev), "mknodat", name);
    }

    public static void symlinkat(byte[] target, int dirFd, byte[] name) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.SYMLINKAT, ptr(cstr(s.name2, target)), dirFd, ptr(cstr(s.name1, name)), 0),
                "symlinkat", name);
    }

    /** The exact bytes a symlink holds. */
    public static byte[] readlinkat(int dirFd, byte[] name) throws IOException {
        Scratch s = SCRATCH.get();
        int n = (int) check(s, sys(s, Nr.READLINKAT, dirFd, ptr(cstr(s.name1, name)), ptr(s.small), PATH_MAX + 1L),
                "readlinkat", name);
        byte[] out = new byte[n];
        MemorySegment.copy(s.small, JAVA_BYTE, 0, out, 0, n);
        return out;
    }

    /** A hard link {@code newName} in {@code newDir} to {@code oldName} in {@code oldDir} (never following a symlink). */
    public static void linkat(int oldDir, byte[] oldName, int newDir, byte[] newName) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.LINKAT, oldDir, ptr(cstr(s.name1, oldName)), newDir, ptr(cstr(s.name2, newName)), 0, 0),
                "linkat", newName);
    }

    /** rename within or between directories; replaces a file or symlink at the new name. */
    public static void renameat(int oldDir, byte[] oldName, int newDir, byte[] newName) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.RENAMEAT2, oldDir, ptr(cstr(s.name1, oldName)), newDir, ptr(cstr(s.name2, newName)), 0,
                0), "renameat2", newName);
    }

    public static void unlinkat(int dirFd, byte[] name, boolean dir) throws IOException {
        int flags = dir ? ARCH.atRemovedir() : 0;
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.UNLINKAT, dirFd, ptr(cstr(s.name1, name)), flags, 0), "unlinkat", name);
    }


    /** lchown of a name: never follows a symlink. */
    public static void lchownat(int dirFd, byte[] name, int uid, int gid) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.FCHOWNAT, dirFd, ptr(cstr(s.name1, name)), uid, gid, ARCH.atSymlinkNofollow(), 0),
                "fchownat", name);
    }

    /** chmod of a name known not to be a symlink (the kernel cannot chmod a symlink itself). */
    public static void chmodat(int dirFd, byte[] name, int mode) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.FCHMODAT, dirFd, ptr(cstr(s.name1, name)), mode, 0), "fchmodat", name);
    }

    /** utimensat with AT_SYMLINK_NOFOLLOW: the entry's own times, to the nanosecond, whatever its type. */
    public static void lutimensat(int dirFd, byte[] name, long atimeNs, long mtimeNs) throws IOException {
        Scratch s = SCRATCH.get();
        times(s, atimeNs, mtimeNs);
        check(s, sys(s, Nr.UTIMENSAT, dirFd, ptr(cstr(s.name1, name)), ptr(s.times), ARCH.atSymlinkNofollow()),
                "utimensat", name);
    }

    private static void times(Scratch s, long atimeNs, long mtimeNs) {
        long second = TIMESPEC.byteSize();
        s.times.set(JAVA_LONG, TIMES_SEC, Math.floorDiv(atimeNs, 1_000_000_000L));
        s.times.set(JAVA_LONG, TIMES_NSEC, Math.floorMod(atimeNs, 1_000_000_000L));
        s.times.set(JAVA_LONG, second + TIMES_SEC, Math.floorDiv(mtimeNs, 1_000_000_000L));
        s.times.set(JAVA_LONG, second + TIMES_NSEC, Math.floorMod(mtimeNs, 1_000_000_000L));
    }

    /** fchown, fchmod and futimens on an open descriptor, in the only order that keeps setuid bits. */
    public static void setMeta(int fd, int uid, int gid, boolean owner, int perms, long atimeNs, long mtimeNs)
            throws IOException {
        if (owner) {
            fchown(fd, uid, gid);
        }
        fchmod(fd, perms);
        futimens(fd, atimeNs, mtimeNs);
    }

    public static void fchown(int fd, int uid, int gid) throws IOException {
        Scratch s = SCRATCH.get();
        checkFd(s, sys(s, Nr.FCHOWN, fd, uid, gid, 0), "fchown", fd);
    }

    public static void fchmod(int fd, int perms) throws IOException {
        Scratch s = SCRATCH.get();
        checkFd(s, sys(s, Nr.FCHMOD, fd, perms, 0, 0), "fchmod", fd);
    }

    /** The atime and mtime of an open descriptor, to the nanosecond (utimensat with a NULL name). */
    public static void futimens(int fd, long atimeNs, long mtimeNs) throws IOException {
        Scratch s = SCRATCH.get();
        times(s, atimeNs, mtimeNs);
        checkFd(s, sys(s, Nr.UTIMENSAT, fd, 0, ptr(s.times), 0), "futimens", fd);
    }

    // ---- extended attributes (on descriptors: a file or directory pdm holds open)

    /** The names of every xattr of an open file or directory (all namespaces the caller may see). */
    public static List<String> listXattrs(int fd) throws IOException {
        Scratch s = SCRATCH.get();
        long size = checkFd(s, sys(s, Nr.FLISTXATTR, fd, 0, 0, 0), "flistxattr", fd, Errno.EOPNOTSUPP);
        if (size <= 0) {
            return List.of();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(size + 1);
            long n = checkFd(s, sys(s, Nr.FLISTXATTR, fd, ptr(buf), size + 1, 0), "flistxattr", fd);
            return names(buf, n);
        }
    }

    /**
     * Whether the entry {@code name} of the open directory {@code dirFd} has an xattr whose
     * name starts with {@code prefix}, asked without opening it: one listxattrat ({@link
     * #listByName}), never following the entry if it is a symlink. An entry that vanished has none.
     */
    public static boolean hasXattrWithPrefix(int dirFd, byte[] name, String prefix) throws IOException {
        Scratch s = SCRATCH.get();
        long n = check(s, listByName(s, dirFd, name, ptr(s.xattrNames), XATTR_NAMES), "llistxattr", name,
                Errno.ERANGE, Errno.ENOENT, Errno.EOPNOTSUPP);
        MemorySegment names = s.xattrNames;
        if (failed(n, Errno.ERANGE)) {
            long size = check(s, listByName(s, dirFd, name, 0, 0), "llistxattr", name, Errno.ENOENT,
                    Errno.EOPNOTSUPP);
            MemorySegment more = Arena.ofAuto().allocate(Math.max(1, size));
            names = more;
            n = size < 0 ? size : check(s, listByName(s, dirFd, name, ptr(more), size), "llistxattr", name,
                    Errno.ENOENT, Errno.EOPNOTSUPP);
        }
        if (n < 0) { // (gone, or a filesystem without xattrs: none)
            return false;
        }
        byte[] want = prefix.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (long start = 0; start < n; ) {
            long end = start;
            while (end < n && names.get(JAVA_BYTE, end) != 0) {
                end++;
            }
            if (end - start >= want.length) {
                boolean match = true;
                for (int k = 0; k < want.length && match; k++) {
                    match = names.get(JAVA_BYTE, start + k) == want[k];
                }
                if (match) {
                    return true;
                }
            }
            start = end + 1;
        }
        return false;
    }

    /** The value of one xattr, or null when it is gone. */
    public static byte[] getXattr(int fd, String name) throws IOException {
        Scratch s = SCRATCH.get();
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        long size = check(s, sys(s, Nr.FGETXATTR, fd, ptr(cstr(s.name1, n)), 0, 0), "fgetxattr", name,
                Errno.ENODATA);
        if (failed(size, Errno.ENODATA)) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, size));
            long got = check(s, sys(s, Nr.FGETXATTR, fd, ptr(s.name1), ptr(buf), size), "fgetxattr", name,
                    Errno.ENODATA);
            if (failed(got, Errno.ENODATA)) {
                return null;
            }
            byte[] out = new byte[(int) got];
            MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, out.length);
            return out;
        }
    }

    public static void setXattr(int fd, String name, byte[] value) throws IOException {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, value.length);
            Scratch s = SCRATCH.get();
            check(s, sys(s, Nr.FSETXATTR, fd, ptr(cstr(s.name1, n)), ptr(v), value.length, 0, 0), "fsetxattr", name);
        }
    }

    public static void removeXattr(int fd, String name) throws IOException {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.FREMOVEXATTR, fd, ptr(cstr(s.name1, n)), 0, 0), "fremovexattr", name, Errno.ENODATA);
    }

    // ---- extended attributes of an entry pdm does not open (a symlink, fifo, socket or device node):
    // by name, through the directory's /proc/self/fd link, never following the entry itself

    /** The names of every xattr of the entry {@code name} of {@code dirFd}; none where it is gone or has none. */
    public static List<String> listXattrs(int dirFd, byte[] name) throws IOException {
        Scratch s = SCRATCH.get();
        long size = check(s, listByName(s, dirFd, name, 0, 0), "llistxattr", name, Errno.EOPNOTSUPP, Errno.ENOENT);
        if (size <= 0) {
            return List.of();
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(size + 1);
            long n = check(s, listByName(s, dirFd, name, ptr(buf), size + 1), "llistxattr", name);
            return names(buf, n);
        }
    }

    /** Whether listxattrat(2) may be used here (Linux 6.13); false once the kernel or a seccomp profile refused it. */
    private static volatile boolean listxattrat = true;

    /**
     * llistxattr of the entry {@code name} of the open directory {@code dirFd}: listxattrat where
     * the kernel has it, else through the directory's /proc/self/fd link (a walk of procfs and the
     * link at every call). Neither follows the entry if it is a symlink. An older kernel answers
     * ENOSYS; a container's seccomp profile older than the call may answer EPERM (Docker's default
     * does), which no listing by name otherwise gives: the /proc way is tried, and where it works
     * listxattrat is not asked again.
     */
    private static long listByName(Scratch s, int dirFd, byte[] name, long buf, long size) throws IOException {
        if (listxattrat) {
            long r = sys(s, Nr.LISTXATTRAT, dirFd, ptr(cstr(s.name1, name)), ARCH.atSymlinkNofollow(), buf, size, 0);
            int e = r >= 0 ? 0 : errnoOf(s);
            if (e != Errno.ENOSYS.number() && e != Errno.EPERM.number()) {
                return r; // (the caller's check reads a failure's errno from the capture)
            }
            long viaProc = sys(s, Nr.LLISTXATTR, ptr(procPath(s.name2, dirFd, name)), buf, size, 0);
            if (e == Errno.ENOSYS.number() || viaProc >= 0 || errnoOf(s) != Errno.EPERM.number()) {
                listxattrat = false;
            }
            return viaProc;
        }
        return sys(s, Nr.LLISTXATTR, ptr(procPath(s.name2, dirFd, name)), buf, size, 0);
    }

    /** The value of one xattr of the entry {@code name} of {@code dirFd}, or null when it is gone. */
    public static byte[] getXattr(int dirFd, byte[] name, String attr) throws IOException {
        Scratch s = SCRATCH.get();
        MemorySegment p = procPath(s.name2, dirFd, name);
        MemorySegment n = cstr(s.name1, attr.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long size = check(s, sys(s, Nr.LGETXATTR, ptr(p), ptr(n), 0, 0), "lgetxattr", attr, Errno.ENODATA,
                Errno.ENOENT);
        if (size < 0) {
            return null;
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.max(1, size));
            long got = check(s, sys(s, Nr.LGETXATTR, ptr(p), ptr(n), ptr(buf), size), "lgetxattr", attr,
                    Errno.ENODATA, Errno.ENOENT);
            if (got < 0) {
                return null;
            }
            byte[] out = new byte[(int) got];
            MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, out.length);
            return out;
        }
    }

    public static void setXattr(int dirFd, byte[] name, String attr, byte[] value) throws IOException {
        Scratch s = SCRATCH.get();
        MemorySegment p = procPath(s.name2, dirFd, name);
        MemorySegment n = cstr(s.name1, attr.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, value.length);
            check(s, sys(s, Nr.LSETXATTR, ptr(p), ptr(n), ptr(v), value.length, 0, 0), "lsetxattr", attr);
        }
    }

    public static void removeXattr(int dirFd, byte[] name, String attr) throws IOException {
        Scratch s = SCRATCH.get();
        MemorySegment p = procPath(s.name2, dirFd, name);
        MemorySegment n = cstr(s.name1, attr.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        check(s, sys(s, Nr.LREMOVEXATTR, ptr(p), ptr(n), 0, 0), "lremovexattr", attr, Errno.ENODATA);
    }

    /** The NUL-separated names of a listxattr buffer. */
    private static List<String> names(MemorySegment buf, long n) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < n; i++) {
            if (buf.get(JAVA_BYTE, i) == 0) {
                byte[] name = new byte[i - start];
                MemorySegment.copy(buf, JAVA_BYTE, start, name, 0, name.length);
                out.add(new String(name, java.nio.charset.StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return out;
    }

    // ---- data

    /** copy_file_range(2) of up to {@code len} bytes at the same offset of both files; 0 at the source's end. */
    public static long copyFileRange(int in, int out, long offset, long len) throws IOException {
        Scratch s = SCRATCH.get();
        s.offsets.set(JAVA_LONG, 0, offset);
        s.offsets.set(JAVA_LONG, 8, offset);
        return checkFd(s, sys(s, Nr.COPY_FILE_RANGE, in, ptr(s.offsets), out, ptr(s.offsets) + 8, len, 0),
                "copy_file_range", in);
    }

    /**
     * sendfile(2) of up to {@code len} bytes of {@code in} from {@code offset} to {@code out} at
     * {@code out}'s file offset, which moves on by what was written; 0 at the source's end.
     */
    public static long sendfile(int out, int in, long offset, long len) throws IOException {
        Scratch s = SCRATCH.get();
        s.offsets.set(JAVA_LONG, 0, offset);
        return checkFd(s, sys(s, Nr.SENDFILE, out, in, ptr(s.offsets), len), "sendfile", in);
    }

    /** lseek(2) to {@code offset} from the start (SEEK_SET, 0 on every architecture). */
    public static void seekTo(int fd, long offset) throws IOException {
        Scratch s = SCRATCH.get();
        checkFd(s, sys(s, Nr.LSEEK, fd, offset, 0, 0), "lseek", fd);
    }

    public static long pread(int fd, MemorySegment buf, long len, long offset) throws IOException {
        checkBounds(buf, len);
        try {
            Scratch s = SCRATCH.get();
            return checkFd(s, sys(s, Nr.PREAD64, fd, ptr(buf), len, offset), "pread", fd);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    public static long pwrite(int fd, MemorySegment buf, long len, long offset) throws IOException {
        checkBounds(buf, len);
        try {
            Scratch s = SCRATCH.get();
            return checkFd(s, sys(s, Nr.PWRITE64, fd, ptr(buf), len, offset), "pwrite", fd);
        } finally {
            Reference.reachabilityFence(buf);
        }
    }

    /**
     * lseek with SEEK_DATA or SEEK_HOLE: the next data or hole at or after {@code offset}; -1
     * for ENXIO (no more data past it).
     */
    public static long seek(int fd, long offset, boolean data) throws IOException {
        // ENXIO: offset at or past the end, or only a hole follows
        Scratch s = SCRATCH.get();
        long r = checkFd(s, sys(s, Nr.LSEEK, fd, offset, data ? ARCH.seekData() : ARCH.seekHole(), 0), "lseek", fd,
                Errno.ENXIO);
        return failed(r, Errno.ENXIO) ? -1 : r;
    }

    public static void ftruncate(int fd, long length) throws IOException {
        Scratch s = SCRATCH.get();
        checkFd(s, sys(s, Nr.FTRUNCATE, fd, length, 0, 0), "ftruncate", fd);
    }

    /** What {@link #lockWhole} got. */
    public enum Lock {
        /** Held until the descriptor (its open file description) is closed. */
        HELD,
        /** Another open file description holds a lock that conflicts. */
        BUSY,
        /** The filesystem takes no such locks (Lustre mounted without flock, NFS without lockd). */
        UNSUPPORTED
    }

    /** fcntl's F_OFD_SETLK, F_RDLCK and F_WRLCK (linux/fcntl.h, asm-generic/fcntl.h). */
    private static final int F_OFD_SETLK = 37;
    private static final short F_RDLCK = 0;
    private static final short F_WRLCK = 1;

    /**
     * Locks all of {@code fd}'s file, never waiting: an open file description lock (fcntl
     * F_OFD_SETLK), shared (a read lock: {@code fd} open for reading) or exclusive (a write lock:
     * open for writing). It is released when the descriptor is closed, or its process dies.
     */
    public static Lock lockWhole(int fd, boolean exclusive) throws IOException {
        Scratch s = SCRATCH.get();
        MemorySegment flock = s.ioctl; // (struct flock: 32 bytes on x86_64 and arm64; l_pid 0 for OFD locks)
        flock.fill((byte) 0);
        flock.set(JAVA_SHORT, 0, exclusive ? F_WRLCK : F_RDLCK); // l_type; l_whence SEEK_SET, l_start 0, l_len 0: all
        long r = sys(s, Nr.FCNTL, fd, F_OFD_SETLK, ptr(flock), 0);
        if (r >= 0) {
            return Lock.HELD;
        }
        int errno = errnoOf(s);
        if (errno == Errno.EAGAIN.number() || errno == Errno.EACCES.number()) {
            return Lock.BUSY;
        }
        if (errno == Errno.ENOSYS.number() || errno == Errno.EOPNOTSUPP.number() || errno == Errno.ENOLCK.number()
                || errno == Errno.EINVAL.number()) {
            return Lock.UNSUPPORTED;
        }
        throw SysException.of("fcntl(F_OFD_SETLK)", errno, "descriptor " + fd);
    }

    public static void fsync(int fd) throws IOException {
        Scratch s = SCRATCH.get();
        checkFd(s, sys(s, Nr.FSYNC, fd, 0, 0, 0), "fsync", fd);
    }

    /** fadvise64(POSIX_FADV_SEQUENTIAL) or (DONTNEED) of the whole file: a hint; a failure is ignored. */
    public static void fadvise(int fd, boolean dontNeed) {
        sys(SCRATCH.get(), Nr.FADVISE64, fd, 0, 0, dontNeed ? 4 : 2);
    }

    /** What the kernel would do with a buffer shorter than the length it is told: refused here. */
    private static void checkBounds(MemorySegment buf, long len) {
        if (len < 0 || len > buf.byteSize()) {
            throw new IndexOutOfBoundsException("a length of " + len + " for a buffer of " + buf.byteSize() + " bytes");
        }
    }

    // ---- the terminal and the filesystem as a whole (for the progress line)

    /** TIOCGWINSZ: the same on x86_64 and arm64 (asm-generic/ioctls.h). */
    private static final long TIOCGWINSZ = 0x5413;

    /** The number of columns of the terminal {@code fd} is, or 0 when it is no terminal (or says no width). */
    public static int terminalColumns(int fd) {
        Scratch s = SCRATCH.get();
        long r = sys(s, Nr.IOCTL, fd, TIOCGWINSZ, ptr(s.offsets), 0);
        // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }
        return r < 0 ? 0 : Short.toUnsignedInt(s.offsets.get(JAVA_SHORT, 2));
    }

    /** What a filesystem holds: inodes and bytes in use (statvfs: total less free). */
    public record Usage(long usedInodes, long usedBytes) {
    }

    /** statfs(2) of the filesystem {@code path} is on, into {@code buf}. */
    private static void statfs(byte[] path, MemorySegment buf) throws IOException {
        Scratch s = SCRATCH.get();
        check(s, sys(s, Nr.STATFS, ptr(cstr(s.name1, path)), ptr(buf), 0, 0), "statfs", path);
    }

    /** What the filesystem {@code path} is on holds, as statvfs(3) says it (from statfs(2), as glibc). */
    public static Usage statvfs(byte[] path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATFS_LAYOUT);
            statfs(path, buf);
            long frsize = buf.get(JAVA_LONG, F_FRSIZE) != 0 ? buf.get(JAVA_LONG, F_FRSIZE) : buf.get(JAVA_LONG, F_BSIZE);
            long blocks = buf.get(JAVA_LONG, F_BLOCKS);
            long bfree = buf.get(JAVA_LONG, F_BFREE);
            long files = buf.get(JAVA_LONG, F_FILES);
            long ffree = buf.get(JAVA_LONG, F_FFREE);
            return new Usage(Math.max(0, files - ffree), Math.max(0, (blocks - bfree) * frsize));
        }
    }

    /** Whether the filesystem {@code path} is on is mounted read-only (ST_RDONLY of statfs's f_flags). */
    public static boolean mountedReadOnly(byte[] path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATFS_LAYOUT);
            statfs(path, buf);
            return (buf.get(JAVA_LONG, F_FLAGS) & ST_RDONLY) != 0;
        }
    }
}

package pdm.fs.linux;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The system calls pdm makes, each through one downcall handle of java.lang.foreign with
 * errno captured by the linker. Names are exact bytes (no charset anywhere); every call that
 * takes a name is relative to a directory descriptor, and every failure is an IOException
 * naming the call, the errno and the path.
 */
public final class Sys {
    public static final Arch ARCH = Arch.current();
    private static final Errors ERRORS = new Errors(ARCH);
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final int PATH_MAX = 4096;
    private static final int DIRENTS = 64 << 10;
    private static final int STATX_SIZE = 256;
    /** Enough for the xattr names of nearly every file in one call; more is read in a second one. */
    private static final int XATTR_NAMES = 4096;
    /** STATX_BASIC_STATS: type, mode, nlink, uid, gid, times, ino, size, blocks. */
    private static final int STATX_BASIC_STATS = 0x7ff;
    /** The bit of stx_mask that says stx_ctime is filled in. */
    private static final int STATX_CTIME = 0x80;

    private static final MethodHandle OPENAT = errno("openat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT, JAVA_INT), 3);
    private static final MethodHandle SYSCALL4 = errno("syscall", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT,
            ADDRESS, ADDRESS, JAVA_LONG), 1);
    private static final MethodHandle CLOSE = errno("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
    private static final MethodHandle GETDENTS = errno("getdents64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
            ADDRESS, JAVA_LONG), -1);
    private static final MethodHandle STATX = errno("statx", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
            JAVA_INT, JAVA_INT, ADDRESS), -1);

    /** Metadata calls: made on first use (a downcall handle costs a few ms to make, at every start). */
    private static final class Meta {
        static final MethodHandle MKDIRAT = errno("mkdirat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT), -1);
        static final MethodHandle MKNODAT = errno("mknodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_LONG), -1);
        static final MethodHandle SYMLINKAT = errno("symlinkat", FunctionDescriptor.of(JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS), -1);
        static final MethodHandle READLINKAT = errno("readlinkat", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG), -1);
        static final MethodHandle LINKAT = errno("linkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, ADDRESS, JAVA_INT), -1);
        static final MethodHandle RENAMEAT2 = errno("renameat2", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, JAVA_INT, ADDRESS, JAVA_INT), -1);
        static final MethodHandle UNLINKAT = errno("unlinkat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT), -1);
        static final MethodHandle FCHOWNAT = errno("fchownat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT, JAVA_INT), -1);
        static final MethodHandle FCHOWN = errno("fchown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT,
                JAVA_INT), -1);
        static final MethodHandle FCHMODAT = errno("fchmodat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                JAVA_INT, JAVA_INT), -1);
        static final MethodHandle FCHMOD = errno("fchmod", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), -1);
        static final MethodHandle UTIMENSAT = errno("utimensat", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS,
                ADDRESS, JAVA_INT), -1);
        static final MethodHandle FUTIMENS = errno("futimens", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS),
                -1);
    }

    /** Extended attribute calls, made on first use. */
    private static final class Xattr {
        static final MethodHandle FLISTXATTR = errno("flistxattr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, JAVA_LONG), -1);
        static final MethodHandle FGETXATTR = errno("fgetxattr", FunctionDescriptor.of(JAVA_LONG, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG), -1);
        static final MethodHandle FSETXATTR = errno("fsetxattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT), -1);
        static final MethodHandle FREMOVEXATTR = errno("fremovexattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                ADDRESS), -1);
        static final MethodHandle LLISTXATTR = errno("llistxattr", FunctionDescriptor.of(JAVA_LONG, ADDRESS,
                ADDRESS, JAVA_LONG), -1);
    }

    /** Data calls, made on first use. */
    private static final class Data {
        static final MethodHandle COPY_FILE_RANGE = errno("copy_file_range", FunctionDescriptor.of(JAVA_LONG,
                JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT), -1);
        static final MethodHandle PREAD = errno("pread64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_LONG), -1);
        static final MethodHandle PWRITE = errno("pwrite64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS,
                JAVA_LONG, JAVA_LONG), -1);
        static final MethodHandle LSEEK = errno("lseek64", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG,
                JAVA_INT), -1);
        static final MethodHandle FTRUNCATE = errno("ftruncate64", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
                JAVA_LONG), -1);
        static final MethodHandle FSYNC = errno("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT), -1);
        /** posix_fadvise returns its error instead of setting errno. */
        static final MethodHandle FADVISE = LINKER.downcallHandle(symbol("posix_fadvise64"),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    }

    /** Whether openat2(2) exists here (Linux 5.6+); without it directories are opened one component at a time. */
    private static volatile boolean openat2 = true;

    static {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(STATX_SIZE);
            MemorySegment cap = a.allocate(CAPTURE);
            int r = (int) STATX.invokeExact(cap, ARCH.atFdcwd(), a.allocateFrom("/"), 0, STATX_BASIC_STATS, buf);
            if (r != 0 && ERRORS.is((int) ERRNO.get(cap, 0L), "ENOSYS")) {
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

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsupportedPlatformException("the C library has no " + name));
    }

    private static MethodHandle errno(String name, FunctionDescriptor fd, int firstVariadic) {
        Linker.Option capture = Linker.Option.captureCallState("errno");
        return firstVariadic < 0 ? LINKER.downcallHandle(symbol(name), fd, capture)
                : LINKER.downcallHandle(symbol(name), fd, Linker.Option.firstVariadicArg(firstVariadic), capture);
    }

    /** Per-thread memory for the calls: the errno capture, two names, a statx buffer, times, dirents. */
    private static final class Scratch {
        final Arena arena = Arena.ofAuto();
        final MemorySegment capture = arena.allocate(CAPTURE);
        final MemorySegment name1 = arena.allocate(PATH_MAX + 1);
        final MemorySegment name2 = arena.allocate(PATH_MAX + 1);
        final MemorySegment statx = arena.allocate(STATX_SIZE, 8);
        final MemorySegment times = arena.allocate(32, 8);
        final MemorySegment how = arena.allocate(24, 8);
        final MemorySegment offsets = arena.allocate(16, 8);
        final MemorySegment small = arena.allocate(PATH_MAX + 1);
        final MemorySegment xattrNames = arena.allocate(XATTR_NAMES);
        MemorySegment dirents;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private static MemorySegment cstr(MemorySegment into, byte[] name) throws IOException {
        if (name.length > PATH_MAX) {
            throw ERRORS.of("path", ARCH.errno("ENAMETOOLONG"), Text.of(name));
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
        if (length > PATH_MAX) {
            throw ERRORS.of("path", ARCH.errno("ENAMETOOLONG"), Text.of(name));
        }
        MemorySegment.copy(PROC_FD, 0, into, JAVA_BYTE, 0, PROC_FD.length);
        MemorySegment.copy(digits, 0, into, JAVA_BYTE, PROC_FD.length, digits.length);
        into.set(JAVA_BYTE, PROC_FD.length + digits.length, (byte) '/');
        MemorySegment.copy(name, 0, into, JAVA_BYTE, PROC_FD.length + digits.length + 1, name.length);
        into.set(JAVA_BYTE, length, (byte) 0);
        return into;
    }

    private static int errnoOf(Scratch s) {
        return (int) ERRNO.get(s.capture, 0L);
    }

    private static IOException fail(Scratch s, String call, byte[] name) {
        return ERRORS.of(call, errnoOf(s), Text.of(name));
    }

    private static IOException fail(Scratch s, String call, String what) {
        return ERRORS.of(call, errnoOf(s), what);
    }

    private static RuntimeException bug(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** One downcall, given the thread's scratch memory; returns what the C function returned. */
    @FunctionalInterface
    private interface Downcall {
        long call(Scratch s) throws Throwable;
    }

    /**
     * Runs a downcall whose negative result means failure, which is thrown as the IOException
     * of {@code call} on {@code what} (name bytes, or a description); returns the result.
     */
    private static long check(String call, Object what, Downcall d) throws IOException {
        Scratch s = SCRATCH.get();
        long r;
        try {
            r = d.call(s);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
        if (r < 0) {
            throw ERRORS.of(call, errnoOf(s), what instanceof byte[] b ? Text.of(b) : String.valueOf(what));
        }
        return r;
    }

    /** Whether {@code e} came from this errno, e.g. {@code is(e, "EXDEV")}. */
    public static boolean is(IOException e, String errno) {
        String m = e instanceof java.nio.file.FileSystemException f ? f.getReason() : e.getMessage();
        return m != null && m.contains(": " + errno + " (");
    }

    // ---- descriptors and names

    /** openat(2) of a name in {@code dirFd} (AT_FDCWD for an absolute path given by the user). */
    public static int openat(int dirFd, byte[] name, int flags, int mode) throws IOException {
        return (int) check("openat", name, s -> (int) OPENAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), flags,
                mode));
    }

    /**
     * Opens the directory {@code rel} (several components) below {@code dirFd} in one call,
     * refusing any symlink, magic link or escape on the way (openat2 RESOLVE_BENEATH |
     * RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS); where the kernel lacks openat2, one
     * component at a time with O_NOFOLLOW. A symlink fails with ELOOP, a file with ENOTDIR.
     */
    public static int openDirBeneath(int dirFd, byte[] rel) throws IOException {
        int flags = ARCH.oRdonly() | ARCH.oDirectory() | ARCH.oNofollow() | ARCH.oCloexec();
        if (openat2) {
            Scratch s = SCRATCH.get();
            s.how.set(JAVA_LONG, 0, flags);
            s.how.set(JAVA_LONG, 8, 0L);
            s.how.set(JAVA_LONG, 16, ARCH.resolveBeneath() | ARCH.resolveNoSymlinks() | ARCH.resolveNoMagiclinks());
            try {
                long fd = (long) SYSCALL4.invokeExact(s.capture, ARCH.sysOpenat2(), dirFd, cstr(s.name1, rel), s.how,
                        24L);
                if (fd >= 0) {
                    return (int) fd;
                }
                if (!ERRORS.is(errnoOf(s), "ENOSYS")) {
                    throw fail(s, "openat2", rel);
                }
                openat2 = false;
            } catch (IOException e) {
                throw e;
            } catch (Throwable t) {
                throw bug(t);
            }
        }
        int fd = openat(dirFd, new byte[]{'.'}, ARCH.oRdonly() | ARCH.oDirectory() | ARCH.oCloexec(), 0);
        try {
            for (byte[] part : components(rel)) {
                int next = openat(fd, part, flags, 0);
                close(fd);
                fd = next;
            }
            return fd;
        } catch (IOException e) {
            close(fd);
            throw e;
        }
    }

    private static List<byte[]> components(byte[] rel) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= rel.length; i++) {
            if (i == rel.length || rel[i] == '/') {
                if (i > start) {
                    out.add(java.util.Arrays.copyOfRange(rel, start, i));
                }
                start = i + 1;
            }
        }
        return out;
    }

    public static void close(int fd) {
        Scratch s = SCRATCH.get();
        try {
            int ignored = (int) CLOSE.invokeExact(s.capture, fd);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** One entry of a directory listing: its exact name bytes and the d_type the kernel gave. */
    public record Dirent(byte[] name, int type) {
    }

    /** Every entry of an open directory but . and .., in the kernel's order (getdents64). */
    public static List<Dirent> list(int dirFd) throws IOException {
        Scratch s = SCRATCH.get();
        if (s.dirents == null) {
            s.dirents = s.arena.allocate(DIRENTS, 8);
        }
        List<Dirent> out = new ArrayList<>();
        try {
            while (true) {
                long n = (long) GETDENTS.invokeExact(s.capture, dirFd, s.dirents, (long) DIRENTS);
                if (n < 0) {
                    throw fail(s, "getdents64", "directory");
                }
                if (n == 0) {
                    return out;
                }
                long off = 0;
                while (off < n) {
                    int reclen = Short.toUnsignedInt(s.dirents.get(JAVA_SHORT, off + 16));
                    int type = Byte.toUnsignedInt(s.dirents.get(JAVA_BYTE, off + 18));
                    long nameAt = off + 19;
                    int len = 0;
                    while (s.dirents.get(JAVA_BYTE, nameAt + len) != 0) {
                        len++;
                    }
                    if (!(len == 1 && s.dirents.get(JAVA_BYTE, nameAt) == '.')
                            && !(len == 2 && s.dirents.get(JAVA_BYTE, nameAt) == '.'
                            && s.dirents.get(JAVA_BYTE, nameAt + 1) == '.')) {
                        byte[] name = new byte[len];
                        MemorySegment.copy(s.dirents, JAVA_BYTE, nameAt, name, 0, len);
                        out.add(new Dirent(name, type));
                    }
                    off += reclen;
                }
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /**
     * Whether an open directory has no entry but . and ..: reads one batch of its listing, not
     * all of it (a directory of a million names answers as fast as an empty one).
     */
    public static boolean isEmpty(int dirFd) throws IOException {
        Scratch scratch = SCRATCH.get();
        if (scratch.dirents == null) {
            scratch.dirents = scratch.arena.allocate(DIRENTS, 8);
        }
        while (true) {
            long n = check("getdents64", "directory", s -> (long) GETDENTS.invokeExact(s.capture, dirFd, s.dirents,
                    (long) DIRENTS));
            if (n == 0) {
                return true;
            }
            for (long off = 0; off < n; off += Short.toUnsignedInt(scratch.dirents.get(JAVA_SHORT, off + 16))) {
                byte c0 = scratch.dirents.get(JAVA_BYTE, off + 19);
                byte c1 = scratch.dirents.get(JAVA_BYTE, off + 20);
                byte c2 = c1 == 0 ? 0 : scratch.dirents.get(JAVA_BYTE, off + 21);
                boolean dot = c0 == '.' && (c1 == 0 || (c1 == '.' && c2 == 0));
                if (!dot) {
                    return false;
                }
            }
        }
    }

    // ---- metadata

    /**
     * The fields of statx(2) pdm uses; times in ns since the epoch, dev and rdev as glibc's dev_t;
     * ctimeNs is Long.MAX_VALUE where the filesystem does not report a ctime (statx leaves
     * STATX_CTIME out of the mask it returns).
     */
    public record Stat(int mode, int uid, int gid, long size, long mtimeNs, long atimeNs, long dev, long ino, int nlink,
                       long rdev, long blocks, long ctimeNs) {
    }

    /** lstat of {@code name} in {@code dirFd}, or null when it does not exist. */
    public static Stat lstat(int dirFd, byte[] name) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            int r = (int) STATX.invokeExact(s.capture, dirFd, cstr(s.name1, name), ARCH.atSymlinkNofollow(),
                    STATX_BASIC_STATS, s.statx);
            if (r != 0) {
                if (ERRORS.is(errnoOf(s), "ENOENT")) {
                    return null;
                }
                throw fail(s, "statx", name);
            }
            return stat(s.statx);
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** fstat of an open descriptor (statx with AT_EMPTY_PATH). */
    public static Stat fstat(int fd) throws IOException {
        Scratch scratch = SCRATCH.get();
        check("statx", "descriptor " + fd, s -> {
            s.small.set(JAVA_BYTE, 0, (byte) 0);
            return (int) STATX.invokeExact(s.capture, fd, s.small, ARCH.atEmptyPath() | ARCH.atSymlinkNofollow(),
                    STATX_BASIC_STATS, s.statx);
        });
        return stat(scratch.statx);
    }

    /** Decodes struct statx (linux/stat.h: the same layout on every architecture). */
    static Stat stat(MemorySegment b) {
        int nlink = b.get(JAVA_INT, 16);
        int uid = b.get(JAVA_INT, 20);
        int gid = b.get(JAVA_INT, 24);
        int mode = Short.toUnsignedInt(b.get(JAVA_SHORT, 28));
        long ino = b.get(JAVA_LONG, 32);
        long size = b.get(JAVA_LONG, 40);
        long blocks = b.get(JAVA_LONG, 48);
        long atime = b.get(JAVA_LONG, 64) * 1_000_000_000L + Integer.toUnsignedLong(b.get(JAVA_INT, 72));
        long mtime = b.get(JAVA_LONG, 112) * 1_000_000_000L + Integer.toUnsignedLong(b.get(JAVA_INT, 120));
        long ctime = (b.get(JAVA_INT, 0) & STATX_CTIME) == 0 ? Long.MAX_VALUE
                : b.get(JAVA_LONG, 96) * 1_000_000_000L + Integer.toUnsignedLong(b.get(JAVA_INT, 104));
        long rdev = makedev(b.get(JAVA_INT, 128), b.get(JAVA_INT, 132));
        long dev = makedev(b.get(JAVA_INT, 136), b.get(JAVA_INT, 140));
        return new Stat(mode, uid, gid, size, mtime, atime, dev, ino, nlink, rdev, blocks, ctime);
    }

    /** glibc's makedev: what st_dev and st_rdev hold, and what mknod takes. */
    static long makedev(int major, int minor) {
        long ma = Integer.toUnsignedLong(major);
        long mi = Integer.toUnsignedLong(minor);
        return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
    }

    public static void mkdirat(int dirFd, byte[] name, int mode) throws IOException {
        check("mkdirat", name, s -> (int) Meta.MKDIRAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), mode));
    }

    public static void mknodat(int dirFd, byte[] name, int mode, long dev) throws IOException {
        check("mknodat", name, s -> (int) Meta.MKNODAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), mode, dev));
    }

    public static void symlinkat(byte[] target, int dirFd, byte[] name) throws IOException {
        check("symlinkat", name, s -> (int) Meta.SYMLINKAT.invokeExact(s.capture, cstr(s.name2, target), dirFd,
                cstr(s.name1, name)));
    }

    /** The exact bytes a symlink holds. */
    public static byte[] readlinkat(int dirFd, byte[] name) throws IOException {
        Scratch scratch = SCRATCH.get();
        int n = (int) check("readlinkat", name, s -> (long) Meta.READLINKAT.invokeExact(s.capture, dirFd,
                cstr(s.name1, name), s.small, (long) PATH_MAX + 1));
        byte[] out = new byte[n];
        MemorySegment.copy(scratch.small, JAVA_BYTE, 0, out, 0, n);
        return out;
    }

    /** A hard link {@code newName} in {@code newDir} to {@code oldName} in {@code oldDir} (never following a symlink). */
    public static void linkat(int oldDir, byte[] oldName, int newDir, byte[] newName) throws IOException {
        check("linkat", newName, s -> (int) Meta.LINKAT.invokeExact(s.capture, oldDir, cstr(s.name1, oldName), newDir,
                cstr(s.name2, newName), 0));
    }

    /** rename within or between directories; replaces a file or symlink at the new name. */
    public static void renameat(int oldDir, byte[] oldName, int newDir, byte[] newName) throws IOException {
        check("renameat2", newName, s -> (int) Meta.RENAMEAT2.invokeExact(s.capture, oldDir, cstr(s.name1, oldName),
                newDir, cstr(s.name2, newName), 0));
    }

    public static void unlinkat(int dirFd, byte[] name, boolean dir) throws IOException {
        int flags = dir ? ARCH.atRemovedir() : 0;
        check("unlinkat", name, s -> (int) Meta.UNLINKAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), flags));
    }


    /** lchown of a name: never follows a symlink. */
    public static void lchownat(int dirFd, byte[] name, int uid, int gid) throws IOException {
        check("fchownat", name, s -> (int) Meta.FCHOWNAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), uid, gid,
                ARCH.atSymlinkNofollow()));
    }

    /** chmod of a name known not to be a symlink (the kernel cannot chmod a symlink itself). */
    public static void chmodat(int dirFd, byte[] name, int mode) throws IOException {
        check("fchmodat", name, s -> (int) Meta.FCHMODAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), mode, 0));
    }

    /** utimensat with AT_SYMLINK_NOFOLLOW: the entry's own times, to the nanosecond, whatever its type. */
    public static void lutimensat(int dirFd, byte[] name, long atimeNs, long mtimeNs) throws IOException {
        check("utimensat", name, s -> {
            times(s, atimeNs, mtimeNs);
            return (int) Meta.UTIMENSAT.invokeExact(s.capture, dirFd, cstr(s.name1, name), s.times,
                    ARCH.atSymlinkNofollow());
        });
    }

    private static void times(Scratch s, long atimeNs, long mtimeNs) {
        s.times.set(JAVA_LONG, 0, Math.floorDiv(atimeNs, 1_000_000_000L));
        s.times.set(JAVA_LONG, 8, Math.floorMod(atimeNs, 1_000_000_000L));
        s.times.set(JAVA_LONG, 16, Math.floorDiv(mtimeNs, 1_000_000_000L));
        s.times.set(JAVA_LONG, 24, Math.floorMod(mtimeNs, 1_000_000_000L));
    }

    /** fchown, fchmod and futimens on an open descriptor, in the only order that keeps setuid bits. */
    public static void setMeta(int fd, int uid, int gid, boolean owner, int perms, long atimeNs, long mtimeNs)
            throws IOException {
        String what = "descriptor " + fd;
        if (owner) {
            check("fchown", what, s -> (int) Meta.FCHOWN.invokeExact(s.capture, fd, uid, gid));
        }
        check("fchmod", what, s -> (int) Meta.FCHMOD.invokeExact(s.capture, fd, perms));
        check("futimens", what, s -> {
            times(s, atimeNs, mtimeNs);
            return (int) Meta.FUTIMENS.invokeExact(s.capture, fd, s.times);
        });
    }

    // ---- extended attributes (on descriptors: a file or directory pdm holds open)

    /** The names of every xattr of an open file or directory (all namespaces the caller may see). */
    public static List<String> listXattrs(int fd) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            long size = (long) Xattr.FLISTXATTR.invokeExact(s.capture, fd, MemorySegment.NULL, 0L);
            if (size < 0) {
                if (ERRORS.is(errnoOf(s), "EOPNOTSUPP")) {
                    return List.of();
                }
                throw fail(s, "flistxattr", "descriptor " + fd);
            }
            if (size == 0) {
                return List.of();
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(size + 1);
                long n = (long) Xattr.FLISTXATTR.invokeExact(s.capture, fd, buf, size + 1);
                if (n < 0) {
                    throw fail(s, "flistxattr", "descriptor " + fd);
                }
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
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /**
     * Whether the entry {@code name} of the open directory {@code dirFd} has an xattr whose
     * name starts with {@code prefix}, asked without opening it: one llistxattr through the
     * directory's /proc/self/fd link (resolved below that descriptor, never following the
     * entry if it is a symlink). An entry that vanished has none.
     */
    public static boolean hasXattrWithPrefix(int dirFd, byte[] name, String prefix) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            MemorySegment p = procPath(s.name2, dirFd, name);
            long n = (long) Xattr.LLISTXATTR.invokeExact(s.capture, p, s.xattrNames, (long) XATTR_NAMES);
            MemorySegment names = s.xattrNames;
            if (n < 0 && ERRORS.is(errnoOf(s), "ERANGE")) {
                long size = (long) Xattr.LLISTXATTR.invokeExact(s.capture, p, MemorySegment.NULL, 0L);
                names = Arena.ofAuto().allocate(Math.max(1, size));
                n = (long) Xattr.LLISTXATTR.invokeExact(s.capture, p, names, size);
            }
            if (n < 0) {
                int e = errnoOf(s);
                if (ERRORS.is(e, "ENOENT") || ERRORS.is(e, "EOPNOTSUPP")) {
                    return false;
                }
                throw ERRORS.of("llistxattr", e, Text.of(name));
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
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** The value of one xattr, or null when it is gone. */
    public static byte[] getXattr(int fd, String name) throws IOException {
        Scratch s = SCRATCH.get();
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            long size = (long) Xattr.FGETXATTR.invokeExact(s.capture, fd, cstr(s.name1, n), MemorySegment.NULL, 0L);
            if (size < 0) {
                if (ERRORS.is(errnoOf(s), "ENODATA")) {
                    return null;
                }
                throw fail(s, "fgetxattr", name);
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(Math.max(1, size));
                long got = (long) Xattr.FGETXATTR.invokeExact(s.capture, fd, s.name1, buf, size);
                if (got < 0) {
                    throw fail(s, "fgetxattr", name);
                }
                byte[] out = new byte[(int) got];
                MemorySegment.copy(buf, JAVA_BYTE, 0, out, 0, out.length);
                return out;
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static void setXattr(int fd, String name, byte[] value) throws IOException {
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, v, JAVA_BYTE, 0, value.length);
            check("fsetxattr", name, s -> (int) Xattr.FSETXATTR.invokeExact(s.capture, fd, cstr(s.name1, n), v,
                    (long) value.length, 0));
        }
    }

    public static void removeXattr(int fd, String name) throws IOException {
        Scratch s = SCRATCH.get();
        byte[] n = name.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            if ((int) Xattr.FREMOVEXATTR.invokeExact(s.capture, fd, cstr(s.name1, n)) != 0
                    && !ERRORS.is(errnoOf(s), "ENODATA")) {
                throw fail(s, "fremovexattr", name);
            }
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    // ---- data

    /** copy_file_range(2) of up to {@code len} bytes at the same offset of both files; 0 at the source's end. */
    public static long copyFileRange(int in, int out, long offset, long len) throws IOException {
        return check("copy_file_range", "descriptor " + in, s -> {
            s.offsets.set(JAVA_LONG, 0, offset);
            s.offsets.set(JAVA_LONG, 8, offset);
            return (long) Data.COPY_FILE_RANGE.invokeExact(s.capture, in, s.offsets, out, s.offsets.asSlice(8), len, 0);
        });
    }

    public static long pread(int fd, MemorySegment buf, long len, long offset) throws IOException {
        return check("pread", "descriptor " + fd, s -> (long) Data.PREAD.invokeExact(s.capture, fd, buf, len, offset));
    }

    public static long pwrite(int fd, MemorySegment buf, long len, long offset) throws IOException {
        return check("pwrite", "descriptor " + fd, s -> (long) Data.PWRITE.invokeExact(s.capture, fd, buf, len, offset));
    }

    /**
     * lseek with SEEK_DATA or SEEK_HOLE: the next data or hole at or after {@code offset}; -1
     * for ENXIO (no more data past it).
     */
    public static long seek(int fd, long offset, boolean data) throws IOException {
        Scratch s = SCRATCH.get();
        try {
            long r = (long) Data.LSEEK.invokeExact(s.capture, fd, offset, data ? ARCH.seekData() : ARCH.seekHole());
            if (r < 0) {
                if (errnoOf(s) == 6) { // ENXIO: offset at or past the end, or only a hole follows
                    return -1;
                }
                throw fail(s, "lseek", "descriptor " + fd);
            }
            return r;
        } catch (IOException e) {
            throw e;
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    public static void ftruncate(int fd, long length) throws IOException {
        check("ftruncate", "descriptor " + fd, s -> (int) Data.FTRUNCATE.invokeExact(s.capture, fd, length));
    }

    public static void fsync(int fd) throws IOException {
        check("fsync", "descriptor " + fd, s -> (int) Data.FSYNC.invokeExact(s.capture, fd));
    }

    /** posix_fadvise(POSIX_FADV_SEQUENTIAL) or (DONTNEED): a hint; a failure is ignored. */
    public static void fadvise(int fd, boolean dontNeed) {
        try {
            int ignored = (int) Data.FADVISE.invokeExact(fd, 0L, 0L, dontNeed ? 4 : 2);
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    // ---- the terminal and the filesystem as a whole (for the progress line)

    /** Calls made once in a while, on first use. */
    private static final class Info {
        /** ioctl(fd, TIOCGWINSZ, struct winsize *): variadic after the request. */
        static final MethodHandle IOCTL = errno("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG,
                ADDRESS), 2);
        static final MethodHandle STATVFS = errno("statvfs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS), -1);
        /** TIOCGWINSZ: the same on x86_64 and arm64 (asm-generic/ioctls.h). */
        static final long TIOCGWINSZ = 0x5413;
        /** struct statvfs of glibc on LP64: eleven unsigned longs, then six ints of padding. */
        static final int STATVFS_SIZE = 112;
    }

    /** The number of columns of the terminal {@code fd} is, or 0 when it is no terminal (or says no width). */
    public static int terminalColumns(int fd) {
        Scratch s = SCRATCH.get();
        try {
            int r = (int) Info.IOCTL.invokeExact(s.capture, fd, Info.TIOCGWINSZ, s.offsets);
            // struct winsize { unsigned short ws_row, ws_col, ws_xpixel, ws_ypixel; }
            return r < 0 ? 0 : Short.toUnsignedInt(s.offsets.get(JAVA_SHORT, 2));
        } catch (Throwable t) {
            throw bug(t);
        }
    }

    /** What a filesystem holds: inodes and bytes in use (statvfs: total less free). */
    public record Usage(long usedInodes, long usedBytes) {
    }

    /** statvfs(3) of the filesystem {@code path} is on. */
    public static Usage statvfs(byte[] path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Info.STATVFS_SIZE, 8);
            check("statvfs", path, x -> (int) Info.STATVFS.invokeExact(x.capture, cstr(x.name1, path), buf));
            long frsize = buf.get(JAVA_LONG, 8);
            long blocks = buf.get(JAVA_LONG, 16);
            long bfree = buf.get(JAVA_LONG, 24);
            long files = buf.get(JAVA_LONG, 40);
            long ffree = buf.get(JAVA_LONG, 48);
            return new Usage(Math.max(0, files - ffree), Math.max(0, (blocks - bfree) * frsize));
        }
    }
}

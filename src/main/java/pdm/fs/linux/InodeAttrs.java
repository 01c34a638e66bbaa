package pdm.fs.linux;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import pdm.fs.linux.Syscall.Nr;

/**
 * Inode flags ({@code chattr}/{@code lsattr}: FS_IOC_GETFLAGS/SETFLAGS) and the fsxattr of an
 * open file or directory (FS_IOC_FSGETXATTR/FSSETXATTR: the project ID and its inherit bit).
 * The request numbers and struct fsxattr are the same on x86_64 and arm64 (asm-generic ioctl
 * encoding, LP64). A file type or filesystem that has no such attributes answers ENOTTY or
 * EOPNOTSUPP: reads say so with {@link #NONE} or null instead of failing.
 */
public final class InodeAttrs {
    /** What {@link #flags} returns where the entry has no inode flags. */
    public static final long NONE = -1;

    /** _IOR('f', 1, long): the size field says 8, but the kernel moves an unsigned int. */
    private static final long FS_IOC_GETFLAGS = 0x80086601L;
    private static final long FS_IOC_SETFLAGS = 0x40086602L;
    /** _IOR('X', 31, struct fsxattr) and _IOW('X', 32, ...). */
    private static final long FS_IOC_FSGETXATTR = 0x801c581fL;
    private static final long FS_IOC_FSSETXATTR = 0x401c5820L;

    /** asm-generic errno numbers (the same on both architectures): "this entry has none of these". */
    private static final int ENOTTY = 25;
    private static final int EOPNOTSUPP = 95;
    private static final int ENODATA = 61;

    /** struct fsxattr (linux/fs.h): 28 bytes, aligned to 4. */
    private static final StructLayout FSXATTR = MemoryLayout.structLayout(
            JAVA_INT.withName("fsx_xflags"), JAVA_INT.withName("fsx_extsize"), JAVA_INT.withName("fsx_nextents"),
            JAVA_INT.withName("fsx_projid"), JAVA_INT.withName("fsx_cowextsize"), MemoryLayout.paddingLayout(8));
    private static final long XFLAGS = FSXATTR.byteOffset(groupElement("fsx_xflags"));
    private static final long EXTSIZE = FSXATTR.byteOffset(groupElement("fsx_extsize"));
    private static final long NEXTENTS = FSXATTR.byteOffset(groupElement("fsx_nextents"));
    private static final long PROJID = FSXATTR.byteOffset(groupElement("fsx_projid"));
    private static final long COWEXTSIZE = FSXATTR.byteOffset(groupElement("fsx_cowextsize"));

    private static final MemoryLayout CAPTURE = Syscall.CAPTURE;
    private static final int ENOSYS = 38;
    private static final int EPERM = 1;
    private static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** struct file_attr (linux/fs.h), FILE_ATTR_SIZE_VER0. */
    private static final StructLayout FILE_ATTR = MemoryLayout.structLayout(
            JAVA_LONG.withName("fa_xflags"), JAVA_INT.withName("fa_extsize"), JAVA_INT.withName("fa_nextents"),
            JAVA_INT.withName("fa_projid"), JAVA_INT.withName("fa_cowextsize"));
    private static final long FA_XFLAGS = FILE_ATTR.byteOffset(groupElement("fa_xflags"));
    private static final long FA_PROJID = FILE_ATTR.byteOffset(groupElement("fa_projid"));
    /** Whether file_getattr exists here; false after the first ENOSYS. */
    private static volatile boolean fileGetattr = true;

    /**
     * The xflags (struct fsxattr's: S i a d A and project-inherit, not no-COW or dirsync) and the
     * project ID of the entry {@code name} of {@code dirFd}, in one call without opening it
     * (file_getattr, Linux 6.17+, never following a symlink); null where the kernel or the
     * filesystem cannot say (then only an open and the ioctls can).
     */
    public record FileAttr(long xflags, long projid) {
    }

    public static FileAttr fileAttr(int dirFd, byte[] name) throws IOException {
        if (!fileGetattr) {
            return null;
        }
        // (the thread's scratch memory, not an arena per call: once per entry that is not opened;
        // its ioctl argument, 32 bytes, holds the 24 of struct file_attr)
        Sys.Scratch scratch = Sys.scratch();
        MemorySegment cap = scratch.capture;
        MemorySegment s = scratch.ioctl;
        // (file_getattr(2), Linux 6.17, which glibc 2.36 does not wrap)
        long r = Syscall.invoke(cap, Nr.FILE_GETATTR, dirFd, Syscall.ptr(Sys.cstr(scratch.name1, name)), Syscall.ptr(s),
                FILE_ATTR.byteSize(), AT_SYMLINK_NOFOLLOW, 0);
        if (r == 0) {
            return new FileAttr(s.get(JAVA_LONG, FA_XFLAGS), Integer.toUnsignedLong(s.get(JAVA_INT, FA_PROJID)));
        }
        int e = Syscall.errno(cap);
        // (EPERM: a container's seccomp profile older than the call, as Docker's default answers
        // what it does not know; a read of attributes has no other EPERM. The open and the ioctls
        // then say it, for this entry and every later one.)
        if (e == ENOSYS || e == EPERM) {
            fileGetattr = false;
        }
        if (e == ENOSYS || e == EPERM || e == ENOTTY || e == EOPNOTSUPP
                || e == 2 /* ENOENT: gone, the copy says so */) {
            return null;
        }
        throw SysException.of("file_getattr", e, new String(name, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** The fields of struct fsxattr; {@code nextents} is read-only. */
    public record FsXattr(int xflags, int extsize, int nextents, int projid, int cowextsize) {
        /** The same with this project ID. */
        public FsXattr withProjid(int id) {
            return new FsXattr(xflags, extsize, nextents, id, cowextsize);
        }

        /** The same with {@code bit} of the xflags set or cleared. */
        public FsXattr withXflag(int bit, boolean on) {
            return new FsXattr(on ? xflags | bit : xflags & ~bit, extsize, nextents, projid, cowextsize);
        }
    }

    private InodeAttrs() {
    }

    /** The inode flags (an unsigned int), or {@link #NONE} where the filesystem or file type has none. */
    public static long flags(int fd) throws IOException {
        // (the thread's memory, not an arena per call: read once per file)
        Sys.Scratch s = Sys.scratch();
        MemorySegment v = s.ioctl; // (an int, whatever the request's size field says)
        if (ioctl(s.capture, fd, FS_IOC_GETFLAGS, v) == 0) {
            return Integer.toUnsignedLong(v.get(JAVA_INT, 0));
        }
        int e = Syscall.errno(s.capture);
        if (e == ENOTTY || e == EOPNOTSUPP) {
            return NONE;
        }
        throw SysException.of("ioctl(FS_IOC_GETFLAGS)", e, "descriptor " + fd);
    }

    public static void setFlags(int fd, int flags, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            MemorySegment v = a.allocate(JAVA_INT);
            v.set(JAVA_INT, 0, flags);
            if (ioctl(cap, fd, FS_IOC_SETFLAGS, v) != 0) {
                throw SysException.of("ioctl(FS_IOC_SETFLAGS)", Syscall.errno(cap), what);
            }
        }
    }

    /** The fsxattr, or null where the filesystem or file type has none. */
    public static FsXattr fsxattr(int fd) throws IOException {
        Sys.Scratch scratch = Sys.scratch();
        MemorySegment s = scratch.ioctl;
        if (ioctl(scratch.capture, fd, FS_IOC_FSGETXATTR, s) == 0) {
            return new FsXattr(s.get(JAVA_INT, XFLAGS), s.get(JAVA_INT, EXTSIZE), s.get(JAVA_INT, NEXTENTS),
                    s.get(JAVA_INT, PROJID), s.get(JAVA_INT, COWEXTSIZE));
        }
        int e = Syscall.errno(scratch.capture);
        if (e == ENOTTY || e == EOPNOTSUPP) {
            return null;
        }
        throw SysException.of("ioctl(FS_IOC_FSGETXATTR)", e, "descriptor " + fd);
    }

    /** Writes back an fsxattr read by {@link #fsxattr} and changed (read-modify-write, as chattr -p does). */
    public static void setFsxattr(int fd, FsXattr x, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            MemorySegment s = a.allocate(FSXATTR); // (zeroed: the pad must be)
            s.set(JAVA_INT, XFLAGS, x.xflags());
            s.set(JAVA_INT, EXTSIZE, x.extsize());
            s.set(JAVA_INT, NEXTENTS, x.nextents());
            s.set(JAVA_INT, PROJID, x.projid());
            s.set(JAVA_INT, COWEXTSIZE, x.cowextsize());
            if (ioctl(cap, fd, FS_IOC_FSSETXATTR, s) != 0) {
                throw SysException.of("ioctl(FS_IOC_FSSETXATTR)", Syscall.errno(cap), what);
            }
        }
    }

    /**
     * Whether the filesystem of the open {@code fd} holds xattrs named {@code name}: reading one it
     * does not have says ENODATA, one it cannot hold EOPNOTSUPP (ACLs on a filesystem mounted noacl,
     * xattrs on one without them). Changes nothing.
     */
    public static boolean holdsXattr(int fd, String name) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            // (fgetxattr(fd, name, NULL, 0): the size only)
            long r = Syscall.invoke(cap, Nr.FGETXATTR, fd, Syscall.ptr(a.allocateFrom(name)), 0, 0);
            int e = Syscall.errno(cap);
            if (r >= 0 || e == ENODATA) {
                return true;
            }
            if (e == EOPNOTSUPP) {
                return false;
            }
            throw SysException.of("fgetxattr", e, name);
        }
    }

    /** sizeof(struct statfs) on 64-bit Linux; f_type is its first field, a long. */
    private static final long STATFS_SIZE = 120;
    /** ext2/3/4, XFS, tmpfs (statfs f_type): no inode flag of a file that FS_IOC_FSGETXATTR leaves out. */
    private static final java.util.Set<Long> XFLAGS_SAY_ALL = java.util.Set.of(0xEF53L, 0x58465342L, 0x01021994L);
    /** Per device (st_dev): whether {@link #XFLAGS_SAY_ALL} holds for its filesystem. */
    private static final java.util.concurrent.ConcurrentHashMap<Long, Boolean> XFLAGS_ENOUGH =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Whether a regular file's copied inode flags can be read from its fsxattr alone, one ioctl
     * with its project ID: true on filesystems whose files have no copied flag the xflags leave out
     * (no-COW is btrfs's, and FS_IOC_FSGETXATTR does not show it). Asked once per device.
     */
    public static boolean xflagsEnough(int fd, long dev) {
        Boolean known = XFLAGS_ENOUGH.get(dev); // (first: the lambda below, made per call, costs a call into the VM under C1)
        if (known != null) {
            return known;
        }
        return XFLAGS_ENOUGH.computeIfAbsent(dev, d -> {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment cap = a.allocate(CAPTURE);
                MemorySegment buf = a.allocate(STATFS_SIZE, 8);
                long r = Syscall.invoke(cap, Nr.FSTATFS, fd, Syscall.ptr(buf), 0, 0);
                return r == 0 && XFLAGS_SAY_ALL.contains(buf.get(JAVA_LONG, 0) & 0xffffffffL);
            }
        });
    }

    /**
     * The inode flags that fsxattr's xflags stand for (the kernel's own mapping, fileattr_fill_xflags):
     * sync, immutable, append-only, nodump, noatime, project-inherit.
     */
    public static int flagsOfXflags(int xflags) {
        int f = 0;
        f |= (xflags & 0x20) != 0 ? 0x8 : 0;          // FS_XFLAG_SYNC -> FS_SYNC_FL
        f |= (xflags & 0x8) != 0 ? 0x10 : 0;          // FS_XFLAG_IMMUTABLE -> FS_IMMUTABLE_FL
        f |= (xflags & 0x10) != 0 ? 0x20 : 0;         // FS_XFLAG_APPEND -> FS_APPEND_FL
        f |= (xflags & 0x80) != 0 ? 0x40 : 0;         // FS_XFLAG_NODUMP -> FS_NODUMP_FL
        f |= (xflags & 0x40) != 0 ? 0x80 : 0;         // FS_XFLAG_NOATIME -> FS_NOATIME_FL
        f |= (xflags & 0x200) != 0 ? 0x20000000 : 0;  // FS_XFLAG_PROJINHERIT -> FS_PROJINHERIT_FL
        return f;
    }

    private static long ioctl(MemorySegment cap, int fd, long request, MemorySegment arg) {
        return Syscall.invoke(cap, Nr.IOCTL, fd, request, Syscall.ptr(arg), 0);
    }
}

package pdm.fs.linux;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;
import static pdm.fs.linux.Syscall.ptr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import pdm.fs.linux.Syscall.Nr;

/**
 * fanotify(7) on a whole filesystem, reporting each event with the directory it happened in
 * (FAN_REPORT_DFID_NAME), and the calls that turn such a directory handle back into a path.
 * Kept out of {@link Sys}: the watcher is the only user, and a single thread. Constants are those
 * of the kernel's include/uapi/linux/fanotify.h (the same on x86_64 and aarch64).
 */
public final class Fanotify implements AutoCloseable {
    public static final long MODIFY = 0x2;
    public static final long ATTRIB = 0x4;
    public static final long CLOSE_WRITE = 0x8;
    public static final long MOVED_FROM = 0x40;
    public static final long MOVED_TO = 0x80;
    public static final long CREATE = 0x100;
    public static final long DELETE = 0x200;
    public static final long Q_OVERFLOW = 0x4000;
    public static final long ONDIR = 0x40000000L;
    private static final long EVENT_ON_CHILD = 0x08000000L;

    private static final int FAN_NONBLOCK = 0x2;
    private static final int FAN_CLOEXEC = 0x1;
    private static final int FAN_CLASS_NOTIF = 0;
    private static final int FAN_REPORT_DFID_NAME = 0x400 | 0x800;
    /** Also the object's own handle: a written file's inode, whichever of its names the write went through. */
    private static final int FAN_REPORT_FID = 0x200;
    private static final int FAN_MARK_ADD = 0x1;
    private static final int FAN_MARK_FILESYSTEM = 0x100;
    private static final int METADATA_VERSION = 3;
    private static final int INFO_FID = 1;
    private static final int INFO_DFID_NAME = 2;
    private static final int INFO_DFID = 3;
    /** What the watcher asks for: every change of a name, of data and of metadata, on files and dirs. */
    private static final long MASK = CREATE | DELETE | MOVED_FROM | MOVED_TO | MODIFY | ATTRIB | CLOSE_WRITE | ONDIR
            | EVENT_ON_CHILD;

    private static final Arch ARCH = Arch.current();
    private static final MemoryLayout CAPTURE = Syscall.CAPTURE;

    /**
     * One event: {@code dir} is the absolute path of the directory it happened in (the object
     * itself for an event on a directory reported with the name "."), null when the directory
     * is gone by the time it is read (or for a queue overflow); {@code name} the entry's name;
     * {@code unplaced} why the directory could not be found, when that failed for another reason;
     * {@code object} the handle of the object itself (a struct file_handle), when the kernel gave one.
     */
    public record Event(long mask, byte[] dir, byte[] name, String unplaced, byte[] object) {
        public boolean overflow() {
            return (mask & Q_OVERFLOW) != 0;
        }

        public boolean onDir() {
            return (mask & ONDIR) != 0;
        }

        @Override
        public String toString() {
            return "Event[" + Long.toHexString(mask) + " " + (dir == null ? "?" : NameBytes.text(dir)) + " "
                    + (name == null ? "" : NameBytes.text(name)) + "]";
        }
    }

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment capture = arena.allocate(CAPTURE);
    private final MemorySegment buffer = arena.allocate(64 << 10, 8);
    private final MemorySegment handle = arena.allocate(MAX_HANDLE + 8, 8);
    private final MemorySegment link = arena.allocate(4097);
    private final int fd;
    /** Any descriptor on the watched filesystem: open_by_handle_at resolves handles against its mount. */
    private final int mountFd;
    private static final int MAX_HANDLE = 128;

    private Fanotify(int fd, int mountFd) {
        this.fd = fd;
        this.mountFd = mountFd;
    }

    /**
     * Starts watching the whole filesystem that holds {@code dir} (an absolute path). Needs root
     * (CAP_SYS_ADMIN for the filesystem mark, CAP_DAC_READ_SEARCH to open handles).
     */
    public static Fanotify watch(byte[] dir) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            MemorySegment path = cstr(a, dir);
            int mountFd = (int) Syscall.invoke(cap, Nr.OPENAT, ARCH.atFdcwd(), ptr(path),
                    ARCH.oRdonly() | ARCH.oDirectory() | ARCH.oCloexec(), 0);
            if (mountFd < 0) {
                throw SysException.of("open", errno(cap), NameBytes.text(dir));
            }
            int fd = (int) Syscall.invoke(cap, Nr.FANOTIFY_INIT, FAN_CLASS_NOTIF | FAN_CLOEXEC | FAN_NONBLOCK
                    | FAN_REPORT_DFID_NAME | FAN_REPORT_FID, ARCH.oRdonly(), 0, 0);
            if (fd < 0) {
                int e = errno(cap);
                Sys.close(mountFd);
                throw SysException.of("fanotify_init", e, NameBytes.text(dir) + " (needs root and Linux 5.9 or newer)");
            }
            long r = Syscall.invoke(cap, Nr.FANOTIFY_MARK, fd, FAN_MARK_ADD | FAN_MARK_FILESYSTEM, MASK, ARCH.atFdcwd(),
                    ptr(path), 0);
            if (r < 0) {
                int e = errno(cap);
                Sys.close(fd);
                Sys.close(mountFd);
                throw SysException.of("fanotify_mark", e, NameBytes.text(dir));
            }
            return new Fanotify(fd, mountFd);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** statfs(2)'s f_type of the filesystem holding {@code path}: which kind of filesystem it is. */
    public static long fsType(byte[] path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            MemorySegment buf = a.allocate(256, 8);
            long r = Syscall.invoke(cap, Nr.STATFS, ptr(cstr(a, path)), ptr(buf), 0, 0);
            if (r < 0) {
                throw SysException.of("statfs", errno(cap), NameBytes.text(path));
            }
            return buf.get(JAVA_LONG, 0); // f_type: the first field, a long on both architectures
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The events queued now; empty when there are none (the descriptor does not block). */
    public List<Event> read() throws IOException {
        long n;
        try {
            n = Syscall.invoke(capture, Nr.READ, fd, ptr(buffer), buffer.byteSize(), 0);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (n < 0) {
            int e = errno(capture);
            if (Errno.of(e) == Errno.EAGAIN || Errno.of(e) == Errno.EINTR) {
                return List.of();
            }
            throw SysException.of("read", e, "fanotify queue");
        }
        List<Event> out = new ArrayList<>();
        long at = 0;
        while (at + 24 <= n) {
            int len = buffer.get(JAVA_INT_UNALIGNED, at);
            int version = buffer.get(JAVA_BYTE, at + 4);
            if (version != METADATA_VERSION || len < 24) {
                throw new IOException("fanotify event of version " + version + " and length " + len
                        + ": this kernel's format is not the one pdm reads (" + METADATA_VERSION + ")");
            }
            int metaLen = Short.toUnsignedInt(buffer.get(JAVA_SHORT_UNALIGNED, at + 6));
            long mask = buffer.get(JAVA_LONG_UNALIGNED, at + 8); // (records are 4-byte aligned only)
            out.add(decode(mask, at + metaLen, at + len));
            at += len;
        }
        return out;
    }

    private Event decode(long mask, long info, long end) {
        byte[] object = null;
        long dirHandle = -1;
        int dirBytes = 0;
        byte[] name = null;
        while (info + 4 <= end) {
            int type = Byte.toUnsignedInt(buffer.get(JAVA_BYTE, info));
            int len = Short.toUnsignedInt(buffer.get(JAVA_SHORT_UNALIGNED, info + 2));
            if (len == 0) {
                break;
            }
            long fh = info + 12; // after the header (4) and the fsid (8): a struct file_handle
            int bytes = buffer.get(JAVA_INT_UNALIGNED, fh);
            if (type == INFO_FID && bytes <= MAX_HANDLE) {
                object = buffer.asSlice(fh, 8L + bytes).toArray(JAVA_BYTE);
            } else if (type == INFO_DFID_NAME || type == INFO_DFID) {
                dirHandle = fh;
                dirBytes = bytes;
                if (type == INFO_DFID_NAME) {
                    long from = fh + 8 + bytes;
                    long to = from;
                    while (to < info + len && buffer.get(JAVA_BYTE, to) != 0) {
                        to++;
                    }
                    name = buffer.asSlice(from, to - from).toArray(JAVA_BYTE);
                }
            }
            info += len;
        }
        if (dirHandle < 0) {
            return new Event(mask, null, null, null, object);
        }
        if (dirBytes > MAX_HANDLE) {
            return new Event(mask, null, name, "a directory handle of " + dirBytes + " bytes", object);
        }
        try {
            return new Event(mask, pathOf(dirHandle, dirBytes), name, null, object);
        } catch (IOException e) {
            return new Event(mask, null, name, e.getMessage(), object);
        }
    }

    /**
     * An inode as the kernel has it now: its number, how many names it has (0: none, an open
     * descriptor holds it), and with exactly one, that name's path (null when it cannot be read).
     */
    public record Inode(long ino, int links, byte[] path) {
    }

    /**
     * The inode the object {@code handle} (an {@link Event#object}) names, now; null when it is
     * gone (no name and no open descriptor holds it any more).
     */
    public Inode inode(byte[] handle) throws IOException {
        return inode(mountFd, handle, handleBuffer(handle));
    }

    /** {@link #aliveAt}'s answer for an object that lives at a path it cannot tell. */
    public static final byte[] SOMEWHERE = new byte[0];

    /**
     * Where the object of {@code handle} on the filesystem that holds {@code dir} lives now: the
     * path of one of its names (the kernel's pick among several), {@link #SOMEWHERE} when it lives
     * and that cannot be told, or null when it is gone. Alive also when that cannot be told (no
     * CAP_DAC_READ_SEARCH): the caller then assumes the worst. Gone too: held open with no name left.
     */
    public static byte[] aliveAt(byte[] dir, byte[] handle) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            int mount = (int) Syscall.invoke(cap, Nr.OPENAT, ARCH.atFdcwd(), ptr(cstr(a, dir)),
                    ARCH.oRdonly() | ARCH.oDirectory() | ARCH.oCloexec(), 0);
            if (mount < 0) {
                throw SysException.of("open", errno(cap), NameBytes.text(dir));
            }
            try {
                MemorySegment h = a.allocate(handle.length, 8);
                MemorySegment.copy(handle, 0, h, JAVA_BYTE, 0, handle.length);
                int fd = open(mount, handle, h);
                if (fd < 0) {
                    return null;
                }
                try {
                    if (Sys.fstat(fd).nlink() == 0) {
                        return null; // (held open, its last name gone: nothing a walk could find)
                    }
                    return procPath(fd);
                } catch (IOException e) {
                    return SOMEWHERE;
                } finally {
                    Sys.close(fd);
                }
            } catch (SysException e) {
                return SOMEWHERE;
            } finally {
                Sys.close(mount);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private MemorySegment handleBuffer(byte[] h) {
        MemorySegment.copy(h, 0, handle, JAVA_BYTE, 0, Math.min(h.length, (int) handle.byteSize()));
        return handle;
    }

    private static Inode inode(int mount, byte[] raw, MemorySegment h) throws IOException {
        int fd = open(mount, raw, h);
        if (fd < 0) {
            return null;
        }
        try {
            Sys.Stat st = Sys.fstat(fd);
            byte[] path = null;
            if (st.nlink() == 1) {
                try {
                    path = procPath(fd);
                } catch (IOException e) {
                    // (not known: the caller assumes the worst)
                }
            }
            return new Inode(st.ino(), st.nlink(), path);
        } finally {
            Sys.close(fd);
        }
    }

    /** The path the kernel gives for an open descriptor: exact for an inode of one name. */
    private static byte[] procPath(int fd) throws IOException {
        return Sys.readlinkat(ARCH.atFdcwd(), ("/proc/self/fd/" + fd).getBytes(StandardCharsets.US_ASCII));
    }

    /** An O_PATH descriptor of the object of handle {@code h}, or -1 when it is gone (no name and no open descriptor holds it). */
    private static int open(int mount, byte[] raw, MemorySegment h) throws IOException {
        if (raw.length < 8 || raw.length > MAX_HANDLE + 8) {
            throw new IOException("not a file handle: " + raw.length + " bytes");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(CAPTURE);
            int fd = (int) Syscall.invoke(cap, Nr.OPEN_BY_HANDLE_AT, mount, ptr(h), ARCH.oPath() | ARCH.oCloexec(), 0);
            if (fd < 0) {
                int e = errno(cap);
                if (Errno.of(e) == Errno.ESTALE || Errno.of(e) == Errno.ENOENT) {
                    return -1;
                }
                throw SysException.of("open_by_handle_at", e, "a file handle of the watched filesystem");
            }
            return fd;
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The path of a directory handle now, or null when the directory is gone (ESTALE: deleted;
     * the event of its parent says so). Any other failure is thrown: the change cannot be placed.
     */
    private byte[] pathOf(long fh, int bytes) throws IOException {
        MemorySegment.copy(buffer, fh, handle, 0, 8L + bytes);
        try {
            int dirFd = (int) Syscall.invoke(capture, Nr.OPEN_BY_HANDLE_AT, mountFd, ptr(handle),
                    ARCH.oPath() | ARCH.oCloexec(), 0);
            if (dirFd < 0) {
                int e = errno(capture);
                if (Errno.of(e) == Errno.ESTALE || Errno.of(e) == Errno.ENOENT) {
                    return null;
                }
                throw SysException.of("open_by_handle_at", e, "a directory handle of the watched filesystem");
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment proc = cstr(a, ("/proc/self/fd/" + dirFd).getBytes(StandardCharsets.US_ASCII));
                long n = Syscall.invoke(capture, Nr.READLINKAT, ARCH.atFdcwd(), ptr(proc), ptr(link),
                        link.byteSize() - 1);
                if (n < 0) {
                    return null;
                }
                byte[] path = link.asSlice(0, n).toArray(JAVA_BYTE);
                return endsWith(path, " (deleted)") ? null : path;
            } finally {
                Sys.close(dirFd);
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static boolean endsWith(byte[] path, String suffix) {
        byte[] s = suffix.getBytes(StandardCharsets.US_ASCII);
        return path.length >= s.length && Arrays.equals(path, path.length - s.length, path.length, s, 0, s.length);
    }

    @Override
    public void close() {
        Sys.close(fd);
        Sys.close(mountFd);
        arena.close();
    }

    private static int errno(MemorySegment capture) {
        return Syscall.errno(capture);
    }

    private static MemorySegment cstr(Arena a, byte[] s) {
        MemorySegment m = a.allocate(s.length + 1L);
        MemorySegment.copy(s, 0, m, JAVA_BYTE, 0, s.length);
        m.set(JAVA_BYTE, s.length, (byte) 0);
        return m;
    }
}

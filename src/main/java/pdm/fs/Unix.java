package pdm.fs;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.concurrent.TimeUnit;
import pdm.PdmException;

/**
 * The few things the public NIO API cannot do without losing data, reached through the
 * JDK's own UNIX provider: numeric uid/gid, the full st_mode (setuid/setgid/sticky),
 * inode numbers for hard links, exact name bytes (Path.toString is lossy for non-UTF-8
 * names, see PLATFORM-NOTES.md), one-call lchown, and mknod for fifos and devices.
 * Needs {@code --add-opens java.base/sun.nio.fs=ALL-UNNAMED}, which ./pdm, the jar
 * manifest and the test setup give.
 */
public final class Unix {
    /** What the JVM must be started with; ./pdm, the jar manifest and the tests pass it. */
    public static final String JVM_OPTIONS = "--add-opens java.base/sun.nio.fs=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED";

    private static final MethodHandle MODE, UID, GID, INO, DEV, RDEV, NLINK;
    private static final MethodHandle AS_BYTES, NEW_PATH, LCHOWN, LUTIMES, MKNOD, UNIX_ERRNO, ERRNO;
    private static final MethodHandle OPENAT, DUP, FDOPENDIR, NEW_SDS, NEW_FD, OPEN_CHANNEL, CLOSE;
    private static final MethodHandle DIR_FD, CHANNEL_FD, FD_VAL, FSTAT, FCHOWN, FCHMOD, FUTIMENS, FLISTXATTR;
    private static final Object FS = FileSystems.getDefault();

    static {
        try {
            Class<?> attrs = Class.forName("sun.nio.fs.UnixFileAttributes");
            Class<?> path = Class.forName("sun.nio.fs.UnixPath");
            Class<?> fs = Class.forName("sun.nio.fs.UnixFileSystem");
            Class<?> nd = Class.forName("sun.nio.fs.UnixNativeDispatcher");
            Class<?> ux = Class.forName("sun.nio.fs.UnixException");
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(attrs, MethodHandles.lookup());
            MODE = getter(lookup, attrs, "mode", int.class);
            UID = getter(lookup, attrs, "uid", int.class);
            GID = getter(lookup, attrs, "gid", int.class);
            INO = getter(lookup, attrs, "ino", long.class);
            DEV = getter(lookup, attrs, "dev", long.class);
            RDEV = getter(lookup, attrs, "rdev", long.class);
            NLINK = getter(lookup, attrs, "nlink", int.class);
            AS_BYTES = lookup.findVirtual(path, "asByteArray", MethodType.methodType(byte[].class))
                    .asType(MethodType.methodType(byte[].class, Path.class));
            NEW_PATH = lookup.findConstructor(path, MethodType.methodType(void.class, fs, byte[].class))
                    .asType(MethodType.methodType(Path.class, Object.class, byte[].class));
            LCHOWN = lookup.findStatic(nd, "lchown", MethodType.methodType(void.class, path, int.class, int.class))
                    .asType(MethodType.methodType(void.class, Path.class, int.class, int.class));
            LUTIMES = lookup.findStatic(nd, "lutimes", MethodType.methodType(void.class, path, long.class, long.class))
                    .asType(MethodType.methodType(void.class, Path.class, long.class, long.class));
            MKNOD = lookup.findStatic(nd, "mknod", MethodType.methodType(void.class, path, int.class, long.class))
                    .asType(MethodType.methodType(void.class, Path.class, int.class, long.class));
            FSTAT = lookup.findStatic(attrs, "get", MethodType.methodType(attrs, int.class))
                    .asType(MethodType.methodType(PosixFileAttributes.class, int.class));
            FCHOWN = lookup.findStatic(nd, "fchown", MethodType.methodType(void.class, int.class, int.class, int.class));
            FCHMOD = lookup.findStatic(nd, "fchmod", MethodType.methodType(void.class, int.class, int.class));
            FUTIMENS = lookup.findStatic(nd, "futimens", MethodType.methodType(void.class, int.class, long.class, long.class));
            FLISTXATTR = lookup.findStatic(nd, "flistxattr", MethodType.methodType(int.class, int.class, long.class, int.class));
            Class<?> sds = Class.forName("sun.nio.fs.UnixSecureDirectoryStream");
            OPENAT = lookup.findStatic(nd, "openat", MethodType.methodType(int.class, int.class, byte[].class, int.class, int.class));
            DUP = lookup.findStatic(nd, "dup", MethodType.methodType(int.class, int.class));
            FDOPENDIR = lookup.findStatic(nd, "fdopendir", MethodType.methodType(long.class, int.class));
            CLOSE = lookup.findStatic(nd, "close", MethodType.methodType(void.class, int.class));
            NEW_SDS = MethodHandles.privateLookupIn(sds, MethodHandles.lookup()).findConstructor(sds,
                            MethodType.methodType(void.class, path, long.class, int.class, java.nio.file.DirectoryStream.Filter.class))
                    .asType(MethodType.methodType(java.nio.file.SecureDirectoryStream.class, Path.class, long.class, int.class,
                            java.nio.file.DirectoryStream.Filter.class));
            DIR_FD = MethodHandles.privateLookupIn(sds, MethodHandles.lookup()).findGetter(sds, "dfd", int.class)
                    .asType(MethodType.methodType(int.class, java.nio.file.SecureDirectoryStream.class));
            Class<?> fci = Class.forName("sun.nio.ch.FileChannelImpl");
            Class<?> ioUtil = Class.forName("sun.nio.ch.IOUtil");
            MethodHandles.Lookup ch = MethodHandles.privateLookupIn(fci, MethodHandles.lookup());
            CHANNEL_FD = ch.findGetter(fci, "fd", java.io.FileDescriptor.class)
                    .asType(MethodType.methodType(java.io.FileDescriptor.class, java.nio.channels.FileChannel.class));
            FD_VAL = ch.findStatic(ioUtil, "fdVal", MethodType.methodType(int.class, java.io.FileDescriptor.class));
            NEW_FD = ch.findStatic(ioUtil, "newFD", MethodType.methodType(java.io.FileDescriptor.class, int.class));
            OPEN_CHANNEL = ch.findStatic(fci, "open", MethodType.methodType(java.nio.channels.FileChannel.class,
                    java.io.FileDescriptor.class, String.class, boolean.class, boolean.class, boolean.class, Object.class));
            ERRNO = lookup.findVirtual(ux, "errno", MethodType.methodType(int.class))
                    .asType(MethodType.methodType(int.class, Throwable.class));
            UNIX_ERRNO = lookup.findVirtual(ux, "errorString", MethodType.methodType(String.class))
                    .asType(MethodType.methodType(String.class, Throwable.class));
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new PdmException("pdm needs the JVM options " + JVM_OPTIONS + " "
                    + "(run it through ./pdm or java -jar pdm.jar): " + e, e);
        }
    }

    private Unix() {
    }

    private static MethodHandle getter(MethodHandles.Lookup lookup, Class<?> attrs, String name, Class<?> type)
            throws ReflectiveOperationException {
        return lookup.findVirtual(attrs, name, MethodType.methodType(type))
                .asType(MethodType.methodType(type, Object.class));
    }

    /** Turns attributes read through a NOFOLLOW view of the UNIX provider into a FileMeta. */
    public static FileMeta meta(PosixFileAttributes a) {
        try {
            int mode = (int) MODE.invokeExact((Object) a);
            return new FileMeta(FileType.ofMode(mode), mode & 07777, (int) UID.invokeExact((Object) a),
                    (int) GID.invokeExact((Object) a), a.size(), nanos(a.lastModifiedTime()),
                    nanos(a.lastAccessTime()), (long) DEV.invokeExact((Object) a), (long) INO.invokeExact((Object) a),
                    (int) NLINK.invokeExact((Object) a), (long) RDEV.invokeExact((Object) a));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long nanos(FileTime t) {
        long s = t.to(TimeUnit.SECONDS);
        return s * 1_000_000_000L + (t.to(TimeUnit.NANOSECONDS) - s * 1_000_000_000L);
    }

    public static FileTime fileTime(long nanos) {
        return FileTime.from(nanos, TimeUnit.NANOSECONDS);
    }

    /** The exact bytes of a path, as the kernel sees them. */
    public static byte[] bytes(Path p) {
        try {
            return (byte[]) AS_BYTES.invokeExact(p);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A path of exactly these bytes (no decoding, so non-UTF-8 names survive). */
    public static Path path(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("a path cannot contain a NUL byte");
            }
        }
        try {
            return (Path) NEW_PATH.invokeExact(FS, bytes.clone());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** lchown(2): one call for owner and group, never following a symlink. */
    public static void lchown(Path p, int uid, int gid) throws java.io.IOException {
        try {
            LCHOWN.invokeExact(p, uid, gid);
        } catch (Throwable t) {
            throw asIo(t, "chown");
        }
    }

    /** lutimes(2) with times in microseconds: sets a symlink's or a fifo's own times without opening it. */
    public static void lutimes(Path p, long atimeMicros, long mtimeMicros) throws java.io.IOException {
        try {
            LUTIMES.invokeExact(p, atimeMicros, mtimeMicros);
        } catch (Throwable t) {
            throw asIo(t, "lutimes");
        }
    }

    /** The file descriptor behind a channel opened by this JVM, for the f*() calls below. */
    public static int fd(java.nio.channels.FileChannel ch) {
        try {
            return (int) FD_VAL.invokeExact((java.io.FileDescriptor) CHANNEL_FD.invokeExact(ch));
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final int O_RDONLY = 0, O_NONBLOCK = 04000, O_DIRECTORY = 0200000, O_NOFOLLOW = 0400000,
            O_CLOEXEC = 02000000;
    private static final java.nio.file.DirectoryStream.Filter<Path> ALL = p -> true;

    /**
     * Opens a regular file below an open directory for reading. Unlike the JDK's
     * newByteChannel it cannot hang: O_NONBLOCK keeps a fifo that a user put in the file's
     * place from blocking the open, and anything but a regular file is refused.
     */
    public static java.nio.channels.FileChannel openFile(int dirFd, Path name) throws java.io.IOException {
        int fd = openat(dirFd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
        try {
            FileMeta m = fstat(fd);
            if (!m.isFile()) {
                throw new java.io.IOException("is no longer a regular file (now " + m.type().name().toLowerCase(java.util.Locale.ROOT)
                        + "); not read");
            }
            return (java.nio.channels.FileChannel) OPEN_CHANNEL.invokeExact((java.io.FileDescriptor) NEW_FD.invokeExact(fd),
                    Names.text(name), true, false, false, (Object) null);
        } catch (Throwable t) {
            closeQuietly(fd);
            if (t instanceof java.io.IOException e) {
                throw e;
            }
            throw rethrow(t);
        }
    }

    /**
     * Opens a subdirectory as a SecureDirectoryStream with O_DIRECTORY|O_NOFOLLOW, so a
     * symlink fails with ELOOP and a fifo with ENOTDIR instead of blocking the open.
     */
    public static java.nio.file.SecureDirectoryStream<Path> openDir(int dirFd, Path name, Path fullPath)
            throws java.io.IOException {
        int fd = openat(dirFd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        int fd2 = -1;
        try {
            fd2 = (int) DUP.invokeExact(fd);
            long dp = (long) FDOPENDIR.invokeExact(fd2);
            @SuppressWarnings("unchecked")
            java.nio.file.SecureDirectoryStream<Path> s = (java.nio.file.SecureDirectoryStream<Path>) NEW_SDS.invokeExact(
                    fullPath, dp, fd, ALL);
            return s;
        } catch (Throwable t) {
            closeQuietly(fd);
            if (fd2 >= 0) {
                closeQuietly(fd2);
            }
            throw t instanceof java.io.IOException e ? e : asIo(t, "opendir " + Names.text(name));
        }
    }

    private static int openat(int dirFd, Path name, int flags) throws java.io.IOException {
        try {
            return (int) OPENAT.invokeExact(dirFd, bytes(name), flags, 0);
        } catch (Throwable t) {
            throw asIo(t, Names.text(name));
        }
    }

    private static void closeQuietly(int fd) {
        try {
            CLOSE.invokeExact(fd);
        } catch (Throwable ignored) {
            // nothing more to do with a descriptor that will not close
        }
    }

    /** The file descriptor of an open directory. */
    public static int fd(java.nio.file.SecureDirectoryStream<?> dir) {
        try {
            return (int) DIR_FD.invokeExact(dir);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** fstat(2) of an open file. */
    public static FileMeta fstat(int fd) throws java.io.IOException {
        try {
            return meta((PosixFileAttributes) FSTAT.invokeExact(fd));
        } catch (Throwable t) {
            throw asIo(t, "fstat");
        }
    }

    /** fchown, fchmod, futimens on an open file: no path lookups, ns-exact times. */
    public static void setMeta(int fd, FileMeta m, boolean owner) throws java.io.IOException {
        try {
            if (owner) {
                FCHOWN.invokeExact(fd, m.uid(), m.gid());
            }
            FCHMOD.invokeExact(fd, m.perms());
            FUTIMENS.invokeExact(fd, m.atimeNs(), m.mtimeNs());
        } catch (Throwable t) {
            throw asIo(t, "set owner/mode/times");
        }
    }

    /** Whether an open file has any extended attribute (flistxattr with a zero-size buffer). */
    public static boolean hasXattrs(int fd) throws java.io.IOException {
        try {
            return (int) FLISTXATTR.invokeExact(fd, 0L, 0) > 0;
        } catch (Throwable t) {
            String reason = asIo(t, "flistxattr").getMessage();
            if (reason.contains("not supported")) {
                return false;
            }
            throw new java.io.IOException(reason);
        }
    }

    /** mknod(2) for fifos, character and block devices and sockets. */
    public static void mknod(Path p, FileType type, int perms, long rdev) throws java.io.IOException {
        try {
            MKNOD.invokeExact(p, type.modeBits() | perms, rdev);
        } catch (Throwable t) {
            throw asIo(t, "mknod");
        }
    }

    /** A UnixException as the typed IOException the rest of pdm (and the JDK) uses. */
    private static java.io.IOException asIo(Throwable t, String file) {
        if (!t.getClass().getName().equals("sun.nio.fs.UnixException")) {
            throw rethrow(t);
        }
        String reason;
        int errno;
        try {
            reason = (String) UNIX_ERRNO.invokeExact(t);
            errno = (int) ERRNO.invokeExact(t);
        } catch (Throwable ignored) {
            return new java.io.IOException(file + ": " + t);
        }
        return switch (errno) {
            case 2 -> new java.nio.file.NoSuchFileException(file);
            case 1, 13 -> new java.nio.file.AccessDeniedException(file, null, reason);
            case 17 -> new java.nio.file.FileAlreadyExistsException(file);
            case 20 -> new java.nio.file.NotDirectoryException(file);
            case 40 -> new java.nio.file.FileSystemLoopException(file);
            default -> new java.nio.file.FileSystemException(file, null, reason);
        };
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        throw new IllegalStateException(t);
    }
}

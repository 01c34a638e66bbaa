package pdm.fs;

import java.io.IOException;
import java.nio.file.Path;
import pdm.fs.linux.Errno;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;
import pdm.fs.linux.SysException;

/**
 * Whether a target directory can be written at all, asked once before a pass instead of
 * failing every entry: its mount flags (statvfs ST_RDONLY), then a file made in it. The probe
 * leaves no trace a user would see: an unnamed O_TMPFILE inode touches no directory entry, so
 * neither the directory's mtime nor its ctime moves; where the filesystem has no O_TMPFILE, a
 * named file is made and removed, and the directory's atime and mtime are put back as they were
 * (only its ctime moves then: nothing can set it). Its name starts with the temp prefix, so a
 * crash in between leaves a file the next pass removes.
 */
public final class WriteProbe {
    /** The name of the fallback probe file; a {@code .pdm-tmp-} name, so that a leftover is cleaned up. */
    static final String NAME = ".pdm-tmp-probe-" + Long.toString(ProcessHandle.current().pid(), 36);

    private WriteProbe() {
    }

    /** Whether the filesystem {@code dir} is on is mounted read-only. */
    public static boolean mountedReadOnly(Path dir) throws IOException {
        return Sys.mountedReadOnly(NameBytes.bytes(dir));
    }

    /**
     * Makes and drops a file in the directory {@code dir} (a path the user gave: the parent of a
     * target root still to be made). Throws what the kernel said when it cannot: EROFS, EACCES,
     * EPERM (immutable), ENOSPC or EDQUOT (no inode left).
     */
    public static void tryWrite(Path dir) throws IOException {
        int fd = Sys.openat(Sys.ARCH.atFdcwd(), NameBytes.bytes(dir), Sys.ARCH.oRdonly() | Sys.ARCH.oDirectory()
                | Sys.ARCH.oCloexec(), 0);
        try {
            tryWrite(fd);
        } finally {
            Sys.close(fd);
        }
    }

    /** As {@link #tryWrite(Path)}, in a directory opened below a root (never through a symlink). */
    public static void tryWrite(Dir dir) throws IOException {
        tryWrite(dir.fd());
    }

    private static void tryWrite(int fd) throws IOException {
        try {
            Sys.close(Sys.openat(fd, new byte[]{'.'}, Sys.ARCH.oTmpfile() | Sys.ARCH.oWronly()
                    | Sys.ARCH.oCloexec(), 0600));
            return;
        } catch (SysException e) {
            // EOPNOTSUPP: a filesystem without O_TMPFILE; EISDIR or EINVAL: a kernel without it
            if (!SysException.is(e, Errno.EOPNOTSUPP, Errno.EISDIR, Errno.EINVAL)) {
                throw e;
            }
        }
        withNamedFile(fd);
    }

    /**
     * Whether a file made in {@code dir} as {@link #tryWrite} makes it takes the xattr {@code name}
     * (a namespace's test name, "trusted.pdm-probe"): null when it does, else what the kernel said
     * (EOPNOTSUPP where the filesystem has no such namespace). The file is dropped either way.
     * Throws when the file itself cannot be made.
     */
    public static String refusesXattr(Dir dir, String name) throws IOException {
        int fd;
        try {
            fd = Sys.openat(dir.fd(), new byte[]{'.'}, Sys.ARCH.oTmpfile() | Sys.ARCH.oWronly() | Sys.ARCH.oCloexec(),
                    0600);
        } catch (SysException e) {
            if (!SysException.is(e, Errno.EOPNOTSUPP, Errno.EISDIR, Errno.EINVAL)) {
                throw e;
            }
            return refusesXattrNamed(dir.fd(), name);
        }
        try {
            Sys.setXattr(fd, name, new byte[]{'1'});
            return null;
        } catch (SysException e) {
            return e.getReason();
        } finally {
            Sys.close(fd);
        }
    }

    /** The same without O_TMPFILE: on a named file made and removed, the directory's times put back. */
    private static String refusesXattrNamed(int dirFd, String xattr) throws IOException {
        Sys.Stat before = Sys.fstat(dirFd);
        byte[] name = NAME.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int fd = Sys.openat(dirFd, name, Sys.ARCH.oWronly() | Sys.ARCH.oCreat() | Sys.ARCH.oExcl()
                | Sys.ARCH.oNofollow() | Sys.ARCH.oCloexec(), 0600);
        try {
            Sys.setXattr(fd, xattr, new byte[]{'1'});
            return null;
        } catch (SysException e) {
            return e.getReason();
        } finally {
            Sys.close(fd);
            try {
                Sys.unlinkat(dirFd, name, false);
            } finally {
                Sys.lutimensat(dirFd, new byte[]{'.'}, before.atimeNs(), before.mtimeNs());
            }
        }
    }

    /** The way without O_TMPFILE: a named file made and removed, the directory's times put back. */
    static void withNamedFile(Dir dir) throws IOException {
        withNamedFile(dir.fd());
    }

    private static void withNamedFile(int fd) throws IOException {
        Sys.Stat before = Sys.fstat(fd);
        byte[] name = NAME.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        Sys.close(Sys.openat(fd, name, Sys.ARCH.oWronly() | Sys.ARCH.oCreat() | Sys.ARCH.oExcl()
                | Sys.ARCH.oNofollow() | Sys.ARCH.oCloexec(), 0600));
        try {
            Sys.unlinkat(fd, name, false);
        } finally {
            Sys.lutimensat(fd, new byte[]{'.'}, before.atimeNs(), before.mtimeNs());
        }
    }
}

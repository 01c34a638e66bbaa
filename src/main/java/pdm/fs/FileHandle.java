package pdm.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import pdm.fs.linux.Sys;

/** A regular file pdm holds open: its data, metadata and xattrs are reached through the descriptor, never a name. */
public final class FileHandle implements Closeable {
    private final int fd;
    /** What fstat said when it was opened for reading (null for a file pdm created). */
    private Sys.Stat opened;
    /** The name a file pdm created was made under (null for one opened for reading). */
    private final Path createdAs;
    private boolean closed;
    /**
     * Where the descriptor's file offset is, as pdm moved it (0 when opened, -1 when not known):
     * only sendfile writes at it ({@link Copier}), so a whole file's copy seeks only where it must.
     */
    long offset;

    FileHandle(int fd) {
        this(fd, null);
    }

    FileHandle(int fd, Path createdAs) {
        this.fd = fd;
        this.createdAs = createdAs;
    }

    /** The name this file was created under in its directory, or null when pdm opened it for reading. */
    public Path createdAs() {
        return createdAs;
    }

    /**
     * Whether the file had as many blocks as bytes when it was opened: no hole to look for,
     * so its data can go in one run (saves two lseeks per small file).
     */
    boolean dense(long size) {
        return opened != null && opened.blocks() * 512 >= size;
    }

    /** Whether this file's copied inode flags show in its fsxattr ({@link pdm.fs.linux.InodeAttrs#xflagsEnough}). */
    boolean xflagsEnough() {
        return opened != null && pdm.fs.linux.InodeAttrs.xflagsEnough(fd, opened.dev());
    }

    /** Whether the file was at least {@code bytes} long when opened: worth a read-ahead hint. */
    boolean large(long bytes) {
        return opened != null && opened.size() >= bytes;
    }

    int fd() {
        return fd;
    }

    /** fstat. */
    public FileMeta meta() throws IOException {
        return FileMeta.of(Sys.fstat(fd));
    }

    /** The owner alone (fchown). */
    public void setOwner(FileMeta m) throws IOException {
        Sys.fchown(fd, m.uid(), m.gid());
    }

    /** The mode alone (fchmod), setuid, setgid and sticky bits included. */
    public void setMode(int perms) throws IOException {
        Sys.fchmod(fd, perms);
    }

    /** The ns atime and mtime alone. */
    public void setTimes(FileMeta m) throws IOException {
        Sys.futimens(fd, m.atimeNs(), m.mtimeNs());
    }

    /** This open file as a path a helper program can open ({@code /proc/PID/fd/N}), whatever its name. */
    public String procPath() {
        return procPath(fd);
    }

    /**
     * The name another process (a helper program such as lfs) can open descriptor {@code fd} of
     * this process by: /proc/PID/fd/N, which reaches what the descriptor holds, whatever has been
     * renamed or swapped for a symlink since.
     */
    static String procPath(int fd) {
        return "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
    }

    /** A lock on all of the file, held until this handle is closed ({@link Sys#lockWhole}); never waits. */
    public Sys.Lock lockWhole(boolean exclusive) throws IOException {
        return Sys.lockWhole(fd, exclusive);
    }

    public void fsync() throws IOException {
        Sys.fsync(fd);
    }

    /** Opened O_NONBLOCK|O_NOFOLLOW, then checked to be a regular file: a fifo put in its place never blocks. */
    static FileHandle openRegular(int dirFd, byte[] name, NoAtime noatime, long owner) throws IOException {
        int fd = noatime.openat(dirFd, name, Sys.ARCH.oRdonly() | Sys.ARCH.oNofollow() | Sys.ARCH.oNonblock()
                | Sys.ARCH.oCloexec(), owner);
        FileHandle h = new FileHandle(fd);
        try {
            h.opened = Sys.fstat(fd);
            FileMeta m = FileMeta.of(h.opened);
            if (!m.isFile()) {
                throw new IOException("is no longer a regular file (now " + m.type().name().toLowerCase(Locale.ROOT)
                        + "); not read");
            }
            return h;
        } catch (IOException | RuntimeException e) {
            h.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Sys.close(fd);
        }
    }
}

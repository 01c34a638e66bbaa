package pdm.fs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * An open directory. Everything below it is reached relative to its file descriptor with
 * NOFOLLOW (openat/fstatat/renameat/unlinkat), so a user who swaps a directory for a
 * symlink while pdm runs cannot redirect a read or a write.
 */
public final class Dir implements Closeable {
    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Set<OpenOption> CREATE = Set.of(StandardOpenOption.WRITE,
            StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private final SecureDirectoryStream<Path> stream;
    private final Path viaFd;
    private final Path rel;

    Dir(SecureDirectoryStream<Path> stream, Path rel) {
        this.stream = stream;
        this.rel = rel;
        this.viaFd = Path.of("/proc/self/fd", Integer.toString(Unix.fd(stream)));
    }

    /** Where this directory is below its filesystem root. */
    public Path rel() {
        return rel;
    }

    /**
     * A path to an entry for the few calls the JDK has no *at() form of (mkdir, symlink,
     * link, mknod, xattrs): through /proc/self/fd, so it is still resolved relative to this
     * open directory (no parent can be swapped for a symlink) and is short whatever the depth.
     */
    public Path abs(Path name) {
        return viaFd.resolve(name);
    }

    int fd() {
        return Unix.fd(stream);
    }

    /** Sets this directory's own owner, mode and times through its descriptor. */
    public void setMeta(FileMeta m, boolean owner) throws IOException {
        Unix.setMeta(Unix.fd(stream), m, owner);
    }

    /** Every entry with its lstat, in no particular order. Fails as a whole or not at all. */
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        try {
            for (Path p : stream) {
                Path name = p.getFileName();
                FileMeta m = stat(name);
                if (m != null) {
                    out.add(new Entry(name, m));
                }
            }
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
        return out;
    }

    /** lstat of one entry, or null when it does not exist. */
    public FileMeta stat(Path name) throws IOException {
        try {
            return Unix.meta(stream.getFileAttributeView(name, PosixFileAttributeView.class, NOFOLLOW).readAttributes());
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** fstat of this directory itself. */
    public FileMeta self() throws IOException {
        return Unix.meta(stream.getFileAttributeView(PosixFileAttributeView.class).readAttributes());
    }

    /** Opens a subdirectory; fails (ELOOP / not a directory) rather than follow a symlink. */
    public Dir openDir(Path name) throws IOException {
        SecureDirectoryStream<Path> child = Unix.openDir(Unix.fd(stream), name, viaFd.resolve(name));
        return new Dir(child, rel.resolve(name));
    }

    /** Opens a regular file for reading; refuses (never blocks on) anything else put in its place. */
    public FileChannel openRead(Path name) throws IOException {
        return Unix.openFile(Unix.fd(stream), name);
    }

    /** Creates a new file readable only by its owner until its metadata is applied. */
    public FileChannel create(Path name) throws IOException {
        return (FileChannel) stream.newByteChannel(name, CREATE, OWNER_ONLY);
    }

    /** renameat within this directory; replaces a file or symlink at {@code to}. */
    public void rename(Path from, Path to) throws IOException {
        stream.move(from, stream, to);
    }

    public void deleteFile(Path name) throws IOException {
        stream.deleteFile(name);
    }

    /**
     * Removes an entry of any type; a directory with everything below it, depth first,
     * each level opened without following symlinks. Returns how many entries went.
     */
    public long removeTree(Path name, FileMeta meta) throws IOException {
        if (!meta.isDir()) {
            stream.deleteFile(name);
            return 1;
        }
        long n = 1;
        try (Dir child = openDir(name)) {
            for (Entry e : child.list()) {
                n += child.removeTree(e.name(), e.meta());
            }
        }
        stream.deleteDirectory(name);
        return n;
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}

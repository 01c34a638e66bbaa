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

    /** Asked about each entry of a tree before it goes, and told when it went. */
    public interface RemovalGuard {
        /**
         * @param rel the entry's path below the filesystem root
         * @return false to leave it, and with it everything not yet removed of the tree
         */
        boolean mayRemove(Path rel, FileMeta meta) throws IOException;

        /** The entry is gone (in a dry run: would be). */
        void removed(Path rel, FileMeta meta);

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
     * @return true when the whole tree is gone, false when the guard stopped it part way
     */
    public boolean removeTree(Path name, FileMeta meta, RemovalGuard guard, boolean dryRun) throws IOException {
        Path entry = rel.resolve(name);
        if (meta.isDir()) {
            try (Dir child = openDir(name)) {
                for (Entry e : child.list()) {
                    if (!child.removeTree(e.name(), e.meta(), guard, dryRun)) {
                        return false;
                    }
                }
            }
        }
        if (!guard.mayRemove(entry, meta)) {
            return false;
        }
        if (!dryRun) {
            if (meta.isDir()) {
                stream.deleteDirectory(name);
            } else {
                stream.deleteFile(name);
            }
        }
        guard.removed(entry, meta);
        return true;
    }

    /** Whether the subdirectory {@code name} has no entries (opened without following a symlink). */
    public boolean isEmptyDir(Path name) throws IOException {
        try (Dir child = openDir(name)) {
            return child.unlisted();
        }
    }

    /**
     * Whether this directory has no entries. Reads this handle's one listing, so only for a
     * Dir opened for the question.
     */
    boolean unlisted() throws IOException {
        try {
            return !stream.iterator().hasNext();
        } catch (DirectoryIteratorException e) {
            throw e.getCause();
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}

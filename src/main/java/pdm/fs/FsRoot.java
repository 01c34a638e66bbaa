package pdm.fs;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import pdm.PdmException;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;

/**
 * The root directory of a filesystem as the config names it. Every directory below it is
 * opened one component at a time with NOFOLLOW, so no path pdm computes can end outside.
 */
public final class FsRoot implements java.io.Closeable {
    private final String name;
    private final Path root;
    private final boolean writable;
    private final boolean creatable;
    /** Configured {@code mount = true}: the root must be a mount point whenever it is opened. */
    private final boolean mountPoint;
    private final NoAtime noatime = new NoAtime();

    public FsRoot(String name, Path root, boolean writable) {
        this(name, root, writable, false);
    }

    /**
     * @param creatable the root itself may be made when missing: a directory given on the command
     *                  line as a target, as cp and rsync make it (never a configured filesystem,
     *                  whose absence means it is not mounted)
     */
    public FsRoot(String name, Path root, boolean writable, boolean creatable) {
        this(name, root, writable, creatable, false);
    }

    /**
     * @param mountPoint configured {@code mount = true}: every open of the root (each pass opens
     *                   it anew) refuses a root that is not a mount point, as asked of the
     *                   descriptor the walk then uses, so an unmount between two passes of a sync
     *                   (or between a check by path and the open) never lets a pass see the
     *                   empty directory below and remove the target's files for it
     */
    public FsRoot(String name, Path root, boolean writable, boolean creatable, boolean mountPoint) {
        if (!root.isAbsolute()) {
            throw new IllegalArgumentException("root must be absolute: " + root);
        }
        this.name = name;
        this.root = root;
        this.writable = writable;
        this.creatable = creatable;
        this.mountPoint = mountPoint;
    }

    public boolean creatable() {
        return creatable;
    }

    /** Makes the missing root (its parent must exist), for a {@link #creatable()} target. */
    public void createRoot() throws IOException {
        Path parent = root.getParent();
        if (parent == null || !Files.isDirectory(parent)) {
            throw new NoSuchFileException(root.toString(), null, "its parent directory " + parent + " does not exist");
        }
        if (Files.isSymbolicLink(root)) {
            throw new java.nio.file.FileAlreadyExistsException(root.toString(), null, "it is a symlink (to "
                    + Files.readSymbolicLink(root) + "), and pdm makes no target root through one; give the directory"
                    + " it should point to as the target");
        }
        // Owner-only, whatever the umask: the copy fills it before its own mode comes, last.
        Files.createDirectory(root, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
    }

    public String name() {
        return name;
    }

    public Path root() {
        return root;
    }

    public boolean writable() {
        return writable;
    }

    /**
     * Opens {@code rel} below the root, never following a symlink on the way. Throws
     * NoSuchFileException when a component is missing and {@link SafetyException} when
     * one is a symlink or not a directory.
     */
    public Dir open(Path rel) throws IOException {
        return open(rel, null);
    }

    /**
     * Like {@link #open(Path)}. The whole path is opened in one openat2 that refuses every
     * symlink on the way (in pieces beneath each other when it is longer than PATH_MAX), so no
     * parent swapped for a symlink can redirect it. When the caller
     * knows the directory's identity (device and inode from its parent's listing), a
     * directory replaced by another since then is refused too, as a vanished one.
     */
    public Dir open(Path rel, FileMeta expected) throws IOException {
        Dir r = sharedRoot();
        byte[] b = Names.isRoot(rel) ? new byte[]{'.'} : NameBytes.bytes(rel);
        Dir d;
        try {
            d = new Dir(noatime.open(f -> Sys.openDirBeneath(r.fd(), b, f), expected == null ? -1 : expected.uid()),
                    rel, noatime);
        } catch (FileSystemLoopException | NotDirectoryException e) {
            throw new SafetyException("a component of '" + NameBytes.text(root.resolve(rel)) + "' on filesystem '" + name
                    + "' is a symlink or not a directory: pdm does not follow it; nothing was changed");
        }
        // (the root too: reopened by path for a pass's second walk, it may be another directory)
        if (expected != null) {
            FileMeta m = d.selfAtOpen();
            if (m.dev() != expected.dev() || m.ino() != expected.ino()) {
                d.close();
                throw new NoSuchFileException(NameBytes.text(root.resolve(rel)), null,
                        "replaced by another directory since it was listed");
            }
        }
        return d;
    }

    private Dir rootDir;

    /** The root, opened once and shared by all threads of a pass until {@link #close()}. */
    private synchronized Dir sharedRoot() throws IOException {
        if (rootDir == null) {
            rootDir = openRoot();
        }
        return rootDir;
    }

    /** Closes the shared root handle; the next open makes a new one. */
    @Override
    public synchronized void close() {
        if (rootDir != null) {
            rootDir.close();
            rootDir = null;
        }
    }

    /** The configured root itself (a path the admin gave, so symlinks in it are theirs to make). */
    private Dir openRoot() throws IOException {
        byte[] b = NameBytes.bytes(root);
        int fd = noatime.open(f -> Sys.openat(Sys.ARCH.atFdcwd(), b, Sys.ARCH.oRdonly() | Sys.ARCH.oDirectory()
                | Sys.ARCH.oCloexec() | f, 0));
        Dir d = new Dir(fd, Names.ROOT, noatime);
        if (mountPoint) {
            boolean mounted;
            try {
                Boolean atFd = Sys.isMountRoot(fd);
                // (a kernel before 5.8 does not say: the mount table, by path, is what is left)
                mounted = atFd != null ? atFd : Mounts.isMountPoint(root);
            } catch (IOException | RuntimeException e) {
                d.close();
                throw e;
            }
            if (!mounted) {
                d.close();
                throw new PdmException(notMounted(name, root, ""));
            }
        }
        return d;
    }

    /** The refusal of a filesystem configured {@code mount = true} whose root is not a mount point. */
    public static String notMounted(String name, Path root, String where) {
        return "filesystem '" + name + "' is configured with mount = true but " + root + " is not a mount point"
                + where + "; mount it (or set mount = false) and run again; nothing was changed";
    }

    /** True when the root exists and is a directory. */
    public boolean exists() {
        return Files.isDirectory(root);
    }

    /** Whether the directory {@code rel} has no entries (it must exist). */
    public boolean isEmptyDir(Path rel) throws IOException {
        try (Dir d = open(rel)) {
            return d.unlisted();
        }
    }

    /** Whether {@code rel} exists as a directory, without following symlinks below the root. */
    public boolean hasDir(Path rel) throws IOException {
        try (Dir ignored = open(rel)) {
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Refuses a job whose source and target trees overlap (copying a tree into itself, or
     * deleting from a tree what its own copy lacks). A target root that does not exist yet
     * is resolved through its parent.
     */
    public static void refuseOverlap(FsRoot src, FsRoot tgt, Path rel) {
        try {
            Path s = src.root().toRealPath().resolve(rel);
            Path t = (tgt.exists() || tgt.root().getParent() == null ? tgt.root().toRealPath()
                    : tgt.root().getParent().toRealPath().resolve(tgt.root().getFileName())).resolve(rel);
            if (s.startsWith(t) || t.startsWith(s)) {
                throw new SafetyException("source " + NameBytes.text(s) + " and target " + NameBytes.text(t)
                        + " overlap; pdm copies between separate trees only; nothing was changed");
            }
        } catch (IOException e) {
            throw new SafetyException("cannot resolve the roots " + src.root() + " and " + tgt.root() + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return name.equals(root.toString()) ? name : name + " (" + root + ")";
    }
}

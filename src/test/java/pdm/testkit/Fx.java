package pdm.testkit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import pdm.fs.FileType;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;

/** Small helpers to build test trees with exact metadata. Times are ns since the epoch. */
public final class Fx {
    public static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    private Fx() {
    }

    /** {@code dir/name} with the name's exact bytes (non-UTF-8 survives). */
    public static Path child(Path dir, byte[] name) {
        return dir.resolve(NameBytes.path(name));
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static Path write(Path p, String content) throws IOException {
        return write(p, bytes(content));
    }

    public static Path write(Path p, byte[] content) throws IOException {
        Files.createDirectories(p.getParent());
        Files.write(p, content);
        return p;
    }

    public static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    public static Path mkdirs(Path p) throws IOException {
        return Files.createDirectories(p);
    }

    /** Sets the mtime (and atime) to the ns of any entry, never following a symlink nor opening a fifo. */
    public static void mtime(Path p, long ns) throws IOException {
        Sys.lutimensat(Sys.ARCH.atFdcwd(), NameBytes.bytes(p.toAbsolutePath()), ns, ns);
    }

    public static long mtime(Path p) throws IOException {
        return TreeComparer.nanos((FileTime) Files.getAttribute(p, "unix:lastModifiedTime", NOFOLLOW));
    }

    /** chmod with all 12 bits; not for symlinks. */
    public static void chmod(Path p, int mode) throws IOException {
        Files.setAttribute(p, "unix:mode", mode);
    }

    public static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", NOFOLLOW) & 07777;
    }

    /** lchown; clears setuid/setgid, so chmod afterwards. */
    public static void chown(Path p, int uid, int gid) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, NOFOLLOW);
        Files.setAttribute(p, "unix:gid", gid, NOFOLLOW);
    }

    public static int uid(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:uid", NOFOLLOW);
    }

    public static long inode(Path p) throws IOException {
        return (Long) Files.getAttribute(p, "unix:ino", NOFOLLOW);
    }

    public static void xattr(Path p, String name, byte[] value) throws IOException {
        Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW).write(name, ByteBuffer.wrap(value));
    }

    public static void fifo(Path p, int perms) throws IOException {
        Sys.mknodat(Sys.ARCH.atFdcwd(), NameBytes.bytes(p.toAbsolutePath()), 0010000 | perms, 0);
    }

    public static void charDevice(Path p, int perms, int major, int minor) throws IOException {
        Sys.mknodat(Sys.ARCH.atFdcwd(), NameBytes.bytes(p.toAbsolutePath()), 0020000 | perms, ((long) major << 8) | minor);
    }

    /** A file of {@code length} bytes that is one hole and then one byte. */
    public static void sparse(Path p, long length) throws IOException {
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(new byte[]{42}), length - 1);
        }
    }

    /** 512-byte blocks allocated, as {@code stat -c %b} says. */
    public static long allocatedBlocks(Path p) throws IOException {
        String out = TreeComparer.run(List.of("stat", "-c", "%b", p.toString())).strip();
        return Long.parseLong(out);
    }

    /**
     * Gives every directory below and including {@code root} a distinct mtime with
     * nanoseconds, deepest first (so no later change moves a parent's mtime).
     */
    public static void stampDirs(Path root, long baseNs) throws IOException {
        long[] n = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                mtime(dir, baseNs + n[0]++ * 86_400_000_000_017L);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Number of entries below root (root excluded), not following symlinks. */
    public static long count(Path root) throws IOException {
        return TreeComparer.snapshot(root, false).size() - 1;
    }

    /** Every entry name (last component, as ISO-8859-1) in the tree, not following symlinks. */
    public static List<String> names(Path root) throws IOException {
        return TreeComparer.snapshot(root, false).keySet().stream()
                .map(k -> k.substring(k.lastIndexOf('/') + 1)).toList();
    }

    /**
     * Regular files below root while a copy runs: a temp file renamed away between the listing
     * and its stat is not an error (the walk gives 0 and the caller polls again).
     */
    public static long regularFilesWhileChanging(Path root) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).count();
        } catch (java.io.UncheckedIOException e) {
            if (e.getCause() instanceof java.nio.file.NoSuchFileException) {
                return 0;
            }
            throw e;
        }
    }

    /** Waits (up to 2 minutes) until root exists and holds at least {@code n} regular files. */
    public static void awaitRegularFiles(Path root, int n) {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofMinutes(2))
                .pollInterval(java.time.Duration.ofMillis(100))
                .until(() -> Files.isDirectory(root) && regularFilesWhileChanging(root) >= n);
    }

    /** pdm's own leftovers below root: temp files ({@code .pdm-*}). */
    public static long pdmTempFiles(Path root) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".pdm-")).count();
        }
    }

    /** Removes {@code root} and all below it (a tree a test made outside its temp dir); nothing when it is gone. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, NOFOLLOW)) {
            return;
        }
        try (java.util.stream.Stream<Path> w = Files.walk(root)) {
            for (Path p : w.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}

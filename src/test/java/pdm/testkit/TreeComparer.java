package pdm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;

/**
 * Compares two trees the way an admin checking a migration would, independent of pdm's own
 * code: walks both without following symlinks and compares, per relative path (exact
 * bytes): type, content, full mode (setuid/setgid/sticky), uid, gid, mtime (ns for files
 * and dirs, µs for symlinks and specials: the JDK 17 limit), symlink target bytes, device
 * numbers, hard-link groups and {@code user.*} xattrs. atime is left out: reading a tree
 * (pdm's copy, this comparer) moves it. Directory sizes are left out: ext4 never shrinks
 * a directory, so they depend on history, not on content.
 */
public final class TreeComparer {
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;
    private static final int S_IFMT = 0170000;

    private TreeComparer() {
    }

    /** Every difference between the trees, one line each; empty when they are identical. */
    public static List<String> differences(Path expected, Path actual) throws IOException {
        SortedMap<String, String> a = snapshot(expected, false);
        SortedMap<String, String> b = snapshot(actual, false);
        List<String> out = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        for (String k : keys) {
            String x = a.get(k);
            String y = b.get(k);
            if (x == null) {
                out.add(display(k) + ": only in " + actual + " (" + y + ")");
            } else if (y == null) {
                out.add(display(k) + ": missing in " + actual + " (" + x + ")");
            } else if (!x.equals(y)) {
                out.add(display(k) + ": expected " + x + " but was " + y);
            }
        }
        return out;
    }

    /** Asserts the trees are identical by this comparer and, where rsync is installed, by rsync too. */
    public static void assertSameTree(Path expected, Path actual) throws IOException {
        List<String> diffs = differences(expected, actual);
        assertThat(diffs).as("differences between %s and %s", expected, actual).isEmpty();
        if (rsyncInstalled()) {
            assertThat(rsyncItemize(expected, actual)).as("rsync -aniH --delete %s/ %s/", expected, actual).isEmpty();
        }
    }

    /**
     * One line of description per relative path (key: the path's exact bytes as ISO-8859-1,
     * "" for the root). With {@code identity}, also inode and ctime, so that any change to
     * an entry (even one set back afterwards) shows: for "nothing was touched" checks.
     */
    public static SortedMap<String, String> snapshot(Path root, boolean identity) throws IOException {
        SortedMap<String, Map<String, Object>> attrs = new TreeMap<>();
        SortedMap<String, Path> paths = new TreeMap<>();
        walk(root, new byte[0], attrs, paths);
        // hard-link groups: (dev, ino) -> every path of the tree with that inode
        Map<String, TreeSet<String>> groups = new TreeMap<>();
        for (var e : attrs.entrySet()) {
            Map<String, Object> m = e.getValue();
            if (!type((Integer) m.get("mode")).equals("dir") && ((Integer) m.get("nlink")) > 1) {
                groups.computeIfAbsent(m.get("dev") + ":" + m.get("ino"), k -> new TreeSet<>()).add(display(e.getKey()));
            }
        }
        SortedMap<String, String> out = new TreeMap<>();
        for (var e : attrs.entrySet()) {
            out.put(e.getKey(), describe(paths.get(e.getKey()), e.getValue(), groups, identity));
        }
        return out;
    }

    private static void walk(Path p, byte[] rel, Map<String, Map<String, Object>> attrs, Map<String, Path> paths)
            throws IOException {
        Map<String, Object> m = Files.readAttributes(p, "unix:*", NOFOLLOW);
        String key = new String(rel, StandardCharsets.ISO_8859_1);
        attrs.put(key, m);
        paths.put(key, p);
        if (type((Integer) m.get("mode")).equals("dir")) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(p)) {
                for (Path child : ds) {
                    byte[] name = NameBytes.bytes(child.getFileName());
                    byte[] childRel;
                    if (rel.length == 0) {
                        childRel = name;
                    } else {
                        childRel = new byte[rel.length + 1 + name.length];
                        System.arraycopy(rel, 0, childRel, 0, rel.length);
                        childRel[rel.length] = '/';
                        System.arraycopy(name, 0, childRel, rel.length + 1, name.length);
                    }
                    walk(child, childRel, attrs, paths);
                }
            }
        }
    }

    private static String describe(Path p, Map<String, Object> m, Map<String, TreeSet<String>> groups, boolean identity)
            throws IOException {
        int mode = (Integer) m.get("mode");
        String type = type(mode);
        StringBuilder b = new StringBuilder(type);
        b.append(" mode=0").append(Integer.toOctalString(mode & 07777));
        b.append(" uid=").append(m.get("uid")).append(" gid=").append(m.get("gid"));
        long mtimeNs = nanos((FileTime) m.get("lastModifiedTime"));
        switch (type) {
            case "file" -> {
                b.append(" size=").append(m.get("size"));
                b.append(" sha256=").append(sha256(p));
                b.append(" data=").append(dataExtents(p));
                b.append(" mtime=").append(mtimeNs);
                TreeSet<String> g = groups.get(m.get("dev") + ":" + m.get("ino"));
                if (g != null) {
                    b.append(" links=").append(g);
                }
                b.append(xattrs(p));
            }
            case "dir" -> {
                b.append(" mtime=").append(mtimeNs);
                b.append(xattrs(p));
            }
            case "symlink" -> {
                b.append(" -> ").append(display(new String(NameBytes.bytes(Files.readSymbolicLink(p)), StandardCharsets.ISO_8859_1)));
                b.append(" mtime=").append(mtimeNs);
                linkGroup(b, m, groups);
            }
            default -> {
                b.append(" rdev=").append(m.get("rdev"));
                b.append(" mtime=").append(mtimeNs);
                linkGroup(b, m, groups);
            }
        }
        if (identity) {
            b.append(" ino=").append(m.get("ino")).append(" ctime=").append(nanos((FileTime) m.get("ctime")));
        }
        return b.toString();
    }

    static String type(int mode) {
        return switch (mode & S_IFMT) {
            case 0100000 -> "file";
            case 0040000 -> "dir";
            case 0120000 -> "symlink";
            case 0010000 -> "fifo";
            case 0020000 -> "chardev";
            case 0060000 -> "blockdev";
            case 0140000 -> "socket";
            default -> "unknown(0" + Integer.toOctalString(mode) + ")";
        };
    }

    private static void linkGroup(StringBuilder b, Map<String, Object> m, Map<String, TreeSet<String>> groups) {
        TreeSet<String> g = groups.get(m.get("dev") + ":" + m.get("ino"));
        if (g != null) {
            b.append(" links=").append(g);
        }
    }

    /** Where the file has data, as lseek SEEK_DATA/SEEK_HOLE says: "[0-4096,1048576-1052672]"; holes are the rest. */
    public static String dataExtents(Path p) throws IOException {
        int fd = Sys.openat(Sys.ARCH.atFdcwd(), NameBytes.bytes(p.toAbsolutePath()),
                Sys.ARCH.oRdonly() | Sys.ARCH.oNofollow() | Sys.ARCH.oNonblock() | Sys.ARCH.oCloexec(), 0);
        try {
            StringBuilder b = new StringBuilder("[");
            long at = 0;
            while (true) {
                long data = Sys.seek(fd, at, true);
                if (data < 0) {
                    break;
                }
                long hole = Sys.seek(fd, data, false);
                b.append(b.length() > 1 ? "," : "").append(data).append('-').append(hole);
                at = hole;
            }
            return b.append(']').toString();
        } finally {
            Sys.close(fd);
        }
    }

    static long nanos(FileTime t) {
        var i = t.toInstant();
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private static String sha256(Path p) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        ByteBuffer buf = ByteBuffer.allocate(1 << 20);
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, NOFOLLOW)) {
            while (ch.read(buf) >= 0) {
                buf.flip();
                md.update(buf);
                buf.clear();
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String xattrs(Path p) throws IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class, NOFOLLOW);
        TreeMap<String, String> out = new TreeMap<>();
        for (String name : v.list()) {
            ByteBuffer buf = ByteBuffer.allocate(v.size(name));
            v.read(name, buf);
            buf.flip();
            byte[] value = new byte[buf.remaining()];
            buf.get(value);
            out.put(name, HexFormat.of().formatHex(value));
        }
        return out.isEmpty() ? "" : " xattrs=" + out;
    }

    /** Raw name bytes (as ISO-8859-1) to readable, unambiguous text. */
    public static String display(String latin1) {
        StringBuilder b = new StringBuilder("/");
        for (char c : latin1.toCharArray()) {
            if (c == '\\') {
                b.append("\\\\");
            } else if (c < 0x20 || c >= 0x7f) {
                b.append(String.format("\\x%02x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    public static boolean rsyncInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/rsync"));
    }

    /** What {@code rsync -aniH --delete SRC/ DST/} would change: empty when the trees are the same to rsync. */
    public static String rsyncItemize(Path src, Path dst) throws IOException {
        return run(List.of("/usr/bin/rsync", "-aniH", "--delete", src.toAbsolutePath() + "/", dst.toAbsolutePath() + "/"));
    }

    /** Runs a command; returns its output (stdout and stderr), with the exit status appended when it is not 0. */
    public static String run(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(out);
        }
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted waiting for " + cmd, e);
        }
        String text = out.toString(StandardCharsets.UTF_8);
        return rc == 0 ? text : text + "[exit " + rc + "]";
    }
}

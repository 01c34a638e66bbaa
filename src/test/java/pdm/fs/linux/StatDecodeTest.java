package pdm.fs.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** statx as Sys decodes it, field by field, against what the JDK's own stat(2) says of the same entries. */
class StatDecodeTest {
    @TempDir
    Path dir;

    @Test
    void everyFieldOfAFileADirectoryASymlinkAndADeviceMatchesTheJdksStat() throws IOException {
        Path big = dir.resolve("big");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(5L << 30); // (a size past 32 bits, sparse)
        }
        Files.setLastModifiedTime(big, FileTime.from(java.time.Instant.parse("2061-03-04T05:06:07.123456789Z")));
        Files.createDirectory(dir.resolve("d"));
        Files.createSymbolicLink(dir.resolve("l"), Path.of("nowhere"));
        Files.createLink(dir.resolve("big2"), big);
        for (String name : new String[]{"big", "d", "l"}) {
            assertSame(dir.resolve(name), lstat(dir, name));
        }
        assertSame(Path.of("/dev/null"), lstat(Path.of("/dev"), "null"));
    }

    @Test
    void immutableAndAppendOnlyAreReadFromTheListingsStatx() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(pdm.testkit.Tools.root() && pdm.testkit.Tools.has("chattr"),
                "chattr +i needs root");
        Path f = Files.writeString(dir.resolve("f"), "f");
        org.junit.jupiter.api.Assumptions.assumeTrue(lstat(dir, "f").locks() != -1, "this filesystem's statx says neither");
        assertThat(lstat(dir, "f").locks()).isZero();
        try {
            pdm.testkit.Tools.run("chattr", "+i", f.toString());
            assertThat(lstat(dir, "f").locks()).isEqualTo(0x10);
            pdm.testkit.Tools.run("chattr", "-i", "+a", f.toString());
            assertThat(lstat(dir, "f").locks()).isEqualTo(0x20);
        } finally {
            pdm.testkit.Tools.run("chattr", "-i", "-a", f.toString());
        }
    }

    private static Sys.Stat lstat(Path parent, String name) throws IOException {
        int fd = Sys.openat(Sys.ARCH.atFdcwd(), parent.toString().getBytes(StandardCharsets.UTF_8),
                Sys.ARCH.oRdonly() | Sys.ARCH.oDirectory() | Sys.ARCH.oCloexec(), 0);
        try {
            return Sys.lstat(fd, name.getBytes(StandardCharsets.UTF_8));
        } finally {
            Sys.close(fd);
        }
    }

    private static void assertSame(Path p, Sys.Stat s) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertThat(s.mode()).as("mode of %s", p).isEqualTo(a.get("mode"));
        assertThat(s.uid()).as("uid of %s", p).isEqualTo(a.get("uid"));
        assertThat(s.gid()).as("gid of %s", p).isEqualTo(a.get("gid"));
        assertThat(s.size()).as("size of %s", p).isEqualTo(a.get("size"));
        assertThat(s.ino()).as("ino of %s", p).isEqualTo(a.get("ino"));
        assertThat(s.nlink()).as("nlink of %s", p).isEqualTo(a.get("nlink"));
        assertThat(s.dev()).as("dev of %s", p).isEqualTo(a.get("dev"));
        assertThat(s.rdev()).as("rdev of %s", p).isEqualTo(a.get("rdev"));
        assertThat(s.mtimeNs()).as("mtime of %s", p).isEqualTo(nanos((FileTime) a.get("lastModifiedTime")));
        assertThat(s.atimeNs()).as("atime of %s", p).isEqualTo(nanos((FileTime) a.get("lastAccessTime")));
        assertThat(s.ctimeNs()).as("ctime of %s", p).isEqualTo(nanos((FileTime) a.get("ctime")));
    }

    private static long nanos(FileTime t) {
        return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}

package pdm.fs.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Tools;

/** The ioctls against chattr and lsattr, on the test's own filesystem (ext4 or tmpfs: both take d and A). */
class InodeAttrsTest {
    @TempDir
    Path tmp;

    private int open(Path p) throws IOException {
        return Sys.openat(Sys.ARCH.atFdcwd(), p.toString().getBytes(StandardCharsets.UTF_8),
                Sys.ARCH.oRdonly() | Sys.ARCH.oCloexec(), 0);
    }

    @Test
    void readsWhatChattrSetAndSetsWhatLsattrShows() throws IOException {
        assumeTrue(Tools.has("chattr"), "chattr (e2fsprogs) is not installed");
        Path f = Files.writeString(tmp.resolve("f"), "x");
        Tools.run("chattr", "+d", f.toString());
        int fd = open(f);
        try {
            long flags = InodeAttrs.flags(fd);
            assumeTrue(flags != InodeAttrs.NONE, "this filesystem has no inode flags");
            assertThat(flags & 0x40).as("nodump, set by chattr +d").isEqualTo(0x40);
            InodeAttrs.setFlags(fd, (int) (flags & ~0x40) | 0x80, "f");
            assertThat(Tools.run("lsattr", "-d", f.toString()).split(" ")[0]).contains("A").doesNotContain("d");
            assertThat(InodeAttrs.flags(fd) & 0xc0).isEqualTo(0x80);
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void theProjectIdOfAFilesystemWithoutProjectIdsIsZero() throws IOException {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        int fd = open(f);
        try {
            InodeAttrs.FsXattr x = InodeAttrs.fsxattr(fd);
            assumeTrue(x != null, "this filesystem has no fsxattr");
            assertThat(x.projid()).isZero();
            InodeAttrs.setFsxattr(fd, x, "f"); // (written back unchanged: accepted)
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void aFifoHasNoFlags() throws IOException {
        Path p = tmp.resolve("p");
        Tools.run("mkfifo", p.toString());
        int fd = Sys.openat(Sys.ARCH.atFdcwd(), p.toString().getBytes(StandardCharsets.UTF_8),
                Sys.ARCH.oRdonly() | Sys.ARCH.oNonblock() | Sys.ARCH.oCloexec(), 0);
        try {
            assertThat(InodeAttrs.flags(fd)).isEqualTo(InodeAttrs.NONE);
            assertThat(InodeAttrs.fsxattr(fd)).isNull();
        } finally {
            Sys.close(fd);
        }
    }
}

package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Tools;

/** The write probe, both ways, leaves the directory as a user sees it: no name, the same mtime and atime. */
class WriteProbeTest {
    @TempDir
    Path tmp;

    @Test
    void bothWaysLeaveNoNameAndTheDirectorysTimes() throws IOException {
        Path dir = Fx.mkdirs(tmp.resolve("t"));
        Fx.write(dir.resolve("there"), "x");
        Fx.mtime(dir, 1_500_000_000_123_456_789L);
        BasicFileAttributes before = Files.readAttributes(dir, BasicFileAttributes.class, Fx.NOFOLLOW);
        FsRoot root = new FsRoot("t", dir, true);

        try (Dir d = root.open(Names.ROOT)) {
            WriteProbe.tryWrite(d);
            WriteProbe.withNamedFile(d);
        }
        WriteProbe.tryWrite(dir);

        BasicFileAttributes after = Files.readAttributes(dir, BasicFileAttributes.class, Fx.NOFOLLOW);
        assertThat(after.lastModifiedTime()).isEqualTo(before.lastModifiedTime());
        assertThat(after.lastAccessTime()).isEqualTo(before.lastAccessTime());
        assertThat(Fx.names(dir)).containsExactly("", "there");
        assertThat(WriteProbe.mountedReadOnly(dir)).isFalse();
        root.close();
    }

    @Test
    void anImmutableDirectoryIsFoundBothWays() throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(Tools.root(), "chattr +i needs root");
        Path dir = Fx.mkdirs(tmp.resolve("t"));
        Tools.run("chattr", "+i", dir.toString());
        try (FsRoot root = new FsRoot("t", dir, true); Dir d = root.open(Names.ROOT)) {
            assertThatThrownBy(() -> WriteProbe.tryWrite(d)).hasMessageContaining("EPERM");
            assertThatThrownBy(() -> WriteProbe.withNamedFile(d)).hasMessageContaining("EPERM");
        } finally {
            Tools.run("chattr", "-i", dir.toString());
        }
    }
}

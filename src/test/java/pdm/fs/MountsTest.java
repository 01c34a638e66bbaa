package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MountsTest {
    @TempDir
    Path tmp;

    @Test
    void rootIsAMountPointAndATempDirIsNot() throws IOException {
        assertThat(Mounts.isMountPoint(Path.of("/"))).isTrue();
        assertThat(Mounts.isMountPoint(tmp)).isFalse();
    }

    @Test
    void mountinfoEscapesAreDecoded() throws IOException {
        assertThat(Mounts.unescape("/mnt/with\\040space\\011tab\\134back")).isEqualTo("/mnt/with space\ttab\\back");
        Path info = Files.writeString(tmp.resolve("mountinfo"),
                "36 35 98:0 /mnt1 /mnt/a\\040b rw,noatime master:1 - ext3 /dev/root rw\n"
                        + "22 1 0:21 / /proc rw - proc proc rw\n");
        assertThat(Mounts.mountPoints(info)).containsExactlyInAnyOrder("/mnt/a b", "/proc");
    }
}

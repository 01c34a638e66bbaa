package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMetaTest {
    @TempDir
    Path tmp;

    @Test
    void statxGivesTheCtimeToTheNanosecondAndAChmodMovesIt() throws IOException {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        try (FsRoot root = new FsRoot("t", tmp, false); Dir d = root.open(Path.of(""))) {
            FileMeta before = d.stat(Path.of("f"));
            assertThat(before.ctimeNs()).isEqualTo(nanos((FileTime) Files.getAttribute(f, "unix:ctime")));
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
            FileMeta after = d.stat(Path.of("f"));
            assertThat(after.ctimeNs()).isGreaterThanOrEqualTo(before.ctimeNs())
                    .isEqualTo(nanos((FileTime) Files.getAttribute(f, "unix:ctime")));
            assertThat(after.mayHaveChangedSince(before)).isTrue();
        }
    }

    private static long nanos(FileTime t) {
        return t.to(java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    private static final long S = 1_000_000_000L;

    private static FileMeta withCtime(long ctimeNs) {
        return new FileMeta(FileType.FILE, 0644, 0, 0, 1, 0, 0, 0, 1, 1, 0, ctimeNs);
    }

    @Test
    void aSourceChangedLongBeforeItsCopyNeedsNoSecondLook() {
        assertThat(withCtime(1_000 * S).mayHaveChangedSince(withCtime(2_000 * S))).isFalse();
    }

    @Test
    void aSourceChangedAfterItsCopyOrWithinTheClockSkewDoes() {
        assertThat(withCtime(2_001 * S).mayHaveChangedSince(withCtime(2_000 * S))).isTrue();
        assertThat(withCtime(2_000 * S).mayHaveChangedSince(withCtime(2_000 * S))).isTrue();
        // the copy's server clock may run ahead of the source's
        assertThat(withCtime(2_000 * S - FileMeta.CLOCK_SKEW_NS + 1).mayHaveChangedSince(withCtime(2_000 * S)))
                .isTrue();
        assertThat(withCtime(2_000 * S - FileMeta.CLOCK_SKEW_NS).mayHaveChangedSince(withCtime(2_000 * S)))
                .isFalse();
    }

    @Test
    void anUnknownCtimeOnEitherSideAlwaysGetsALook() {
        assertThat(withCtime(FileMeta.UNKNOWN_CTIME).mayHaveChangedSince(withCtime(2_000 * S))).isTrue();
        assertThat(withCtime(1_000 * S).mayHaveChangedSince(withCtime(FileMeta.UNKNOWN_CTIME))).isTrue();
        assertThat(withCtime(0).mayHaveChangedSince(withCtime(2_000 * S))).isTrue();
        assertThat(withCtime(1_000 * S).mayHaveChangedSince(withCtime(0))).isTrue();
    }
}

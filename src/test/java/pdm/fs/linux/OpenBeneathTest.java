package pdm.fs.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.DeepTree;

/**
 * openDirBeneath of a path longer than the kernel takes in one call: opened in pieces, each
 * beneath the last, and a symlink in a later piece refused as one in the first would be.
 */
class OpenBeneathTest {
    @TempDir
    Path tmp;

    @AfterEach
    void removeWhatJUnitCannot() throws Exception {
        DeepTree.remove(tmp.resolve("t"));
    }

    @Test
    void aPathLongerThanPathMaxOpensInPiecesAndASymlinkInALaterPieceIsRefused() throws Exception {
        Path t = tmp.resolve("t");
        DeepTree.build(t);
        byte[] bottom = String.join("/", Collections.nCopies(DeepTree.DEPTH, DeepTree.NAME))
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(bottom.length).isGreaterThan(2 * 4096);
        int root = Sys.openat(Sys.ARCH.atFdcwd(), NameBytes.bytes(t), Sys.ARCH.oRdonly() | Sys.ARCH.oDirectory()
                | Sys.ARCH.oCloexec(), 0);
        try {
            int fd = Sys.openDirBeneath(root, bottom, 0);
            try {
                assertThat(Sys.list(fd)).extracting(d -> new String(d.name(), StandardCharsets.US_ASCII))
                        .containsExactlyInAnyOrder("f52", "old52");
            } finally {
                Sys.close(fd);
            }

            // depth 45 is in the third piece (20 components of 201 bytes fit in one call)
            sh(t, "for i in $(seq 1 44); do cd " + DeepTree.NAME + "; done; mv " + DeepTree.NAME + " real;"
                    + " ln -s real " + DeepTree.NAME);

            assertThatThrownBy(() -> Sys.openDirBeneath(root, bottom, 0)).isInstanceOf(FileSystemLoopException.class);
        } finally {
            Sys.close(root);
        }
    }

    @Test
    void piecesEndAtASlashAndFitOneCall() {
        byte[] rel = String.join("/", Collections.nCopies(DeepTree.DEPTH, DeepTree.NAME))
                .getBytes(StandardCharsets.US_ASCII);
        int start = 0;
        int pieces = 0;
        while (start < rel.length) {
            int end = Sys.pieceEnd(rel, start);
            assertThat(end - start).isLessThan(4096);
            assertThat(end == rel.length || rel[end] == '/').isTrue();
            start = end + 1;
            pieces++;
        }
        assertThat(pieces).isEqualTo(3);
        assertThat(Sys.pieceEnd("a/b".getBytes(StandardCharsets.US_ASCII), 0)).isEqualTo(3);
    }

    private static void sh(Path dir, String script) throws Exception {
        Process p = new ProcessBuilder("bash", "-ec", script).directory(dir.toFile()).inheritIO().start();
        assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).isZero();
    }
}

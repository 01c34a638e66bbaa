package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.task.JobOptions;
import pdm.testkit.Fx;

/**
 * {@link VerifyPass#plan}: for each pair of source and target entries, what verify decides on the
 * walk (a difference reported at once, a descent, a file worker's comparison), on real files listed
 * and merged as the walk does. A directory's own metadata is compared on the walk; everything
 * else's content and metadata by the file worker.
 */
class VerifyPassPlanTest {
    @TempDir
    Path tmp;

    private Path src;
    private Path tgt;

    @BeforeEach
    void roots() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        tgt = Files.createDirectories(tmp.resolve("tgt"));
    }

    @Test
    void entriesByBothSides() throws Exception {
        Fx.write(src.resolve("missing-on-target"), "s");
        Fx.write(tgt.resolve("only-on-target"), "t");
        Fx.write(src.resolve("file-vs-dir"), "s");
        Fx.mkdirs(tgt.resolve("file-vs-dir"));
        Files.createSymbolicLink(src.resolve("symlink-vs-file"), Path.of("x"));
        Fx.write(tgt.resolve("symlink-vs-file"), "t");
        Fx.write(src.resolve("both-files"), "same");
        Fx.write(tgt.resolve("both-files"), "different, and compared by the file worker");
        Files.createSymbolicLink(src.resolve("both-symlinks"), Path.of("a"));
        Files.createSymbolicLink(tgt.resolve("both-symlinks"), Path.of("b"));
        Fx.fifo(src.resolve("both-fifos"), 0644);
        Fx.fifo(tgt.resolve("both-fifos"), 0600);
        Fx.mkdirs(src.resolve("same-dirs"));
        Fx.mkdirs(tgt.resolve("same-dirs"));
        Fx.mtime(tgt.resolve("same-dirs"), Fx.mtime(src.resolve("same-dirs")));
        Fx.mkdirs(src.resolve("dir-mode-differs"));
        Fx.mkdirs(tgt.resolve("dir-mode-differs"));
        Fx.chmod(src.resolve("dir-mode-differs"), 0755);
        Fx.chmod(tgt.resolve("dir-mode-differs"), 0700);
        Fx.mtime(tgt.resolve("dir-mode-differs"), Fx.mtime(src.resolve("dir-mode-differs")));
        Fx.mkdirs(src.resolve("dir-xattr-differs"));
        Fx.mkdirs(tgt.resolve("dir-xattr-differs"));
        Fx.xattr(src.resolve("dir-xattr-differs"), "user.k", new byte[]{1});
        Fx.mtime(tgt.resolve("dir-xattr-differs"), Fx.mtime(src.resolve("dir-xattr-differs")));

        assertThat(PlanTable.decisions(src, tgt, JobOptions.DEFAULT, ExcludeFilter.NONE, VerifyPass::new))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "missing-on-target", "missing on target",
                        "only-on-target", "only on target",
                        "file-vs-dir", "type differs: file on source, dir on target",
                        "symlink-vs-file", "type differs: symlink on source, file on target",
                        "both-files", "VERIFY",
                        "both-symlinks", "VERIFY",
                        "both-fifos", "VERIFY",
                        "same-dirs", "descend",
                        "dir-mode-differs", "descend and differs: mode: source 0755, target 0700",
                        "dir-xattr-differs", "descend and differs: xattr user.user.k"));
    }
}

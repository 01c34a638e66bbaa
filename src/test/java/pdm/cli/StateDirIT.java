package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/**
 * What a user sets in the environment or types for pdm's state directory and the watcher's
 * source, in a real process: a bad PDM_STATE_DIR is refused by name before anything is done, and
 * {@code pdm watch ./src} reads SRC as the pass commands do.
 */
class StateDirIT {
    @TempDir
    Path tmp;

    private static Pdm.Result pdm(Path cwd, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        return Pdm.process(cwd, env, args);
    }

    @Test
    void aRelativeOrFileStateDirIsRefusedByNameAndNothingIsCopied() throws Exception {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Fx.write(src.resolve("a.txt"), "a");
        Path dst = tmp.resolve("dst");

        Pdm.Result relative = pdm(tmp, Map.of("PDM_STATE_DIR", "state"), "copy", src.toString(), dst.toString());
        assertThat(relative.exit()).as(relative.toString()).isEqualTo(2);
        assertThat(relative.err()).contains("PDM_STATE_DIR 'state' is a relative path",
                tmp.resolve("state").toString());
        assertThat(dst).doesNotExist();
        assertThat(tmp.resolve("state")).doesNotExist();

        Path file = Fx.write(tmp.resolve("a-file"), "x");
        Pdm.Result notADir = pdm(tmp, Map.of("PDM_STATE_DIR", file.toString()), "copy", src.toString(), dst.toString());
        assertThat(notADir.exit()).as(notADir.toString()).isEqualTo(2);
        assertThat(notADir.err()).contains("PDM_STATE_DIR '" + file + "' is not a directory");
        assertThat(dst).doesNotExist();

        Pdm.Result watch = pdm(tmp, Map.of("PDM_STATE_DIR", "state"), "watch", src.toString());
        assertThat(watch.exit()).as(watch.toString()).isEqualTo(2);
        assertThat(watch.err()).contains("PDM_STATE_DIR 'state' is a relative path");

        Path state = tmp.resolve("state-dir");
        Pdm.Result fine = pdm(tmp, Map.of("PDM_STATE_DIR", state.toString()), "copy", src.toString(), dst.toString());
        assertThat(fine.exit()).as(fine.toString()).isZero();
        assertThat(dst.resolve("a.txt")).hasContent("a");
    }

    @Test
    void watchReadsADotSlashSourceAsADirectoryAsThePassCommandsDo() throws Exception {
        Fx.mkdirs(tmp.resolve("work"));

        Pdm.Result missing = pdm(tmp.resolve("work"), Map.of("PDM_STATE_DIR", tmp.resolve("state").toString()),
                "watch", "./nosuch");

        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains(tmp.resolve("work/nosuch") + " is not a directory")
                .doesNotContain("config");
    }
}

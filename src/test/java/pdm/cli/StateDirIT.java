package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/**
 * What a user sets in the environment or types for pdm's state directory and the watcher's
 * source, in a real process: a bad PDM_STATE_DIR is refused by name before anything is done, and
 * {@code pdm watch ./src} reads SRC as the pass commands do.
 */
class StateDirIT {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run pdm(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Cluster.jar()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("pdm ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void aRelativeOrFileStateDirIsRefusedByNameAndNothingIsCopied() throws Exception {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Fx.write(src.resolve("a.txt"), "a");
        Path dst = tmp.resolve("dst");

        Run relative = pdm(tmp, Map.of("PDM_STATE_DIR", "state"), "copy", src.toString(), dst.toString());
        assertThat(relative.exit()).as(relative.toString()).isEqualTo(2);
        assertThat(relative.err()).contains("PDM_STATE_DIR 'state' is a relative path",
                tmp.resolve("state").toString());
        assertThat(dst).doesNotExist();
        assertThat(tmp.resolve("state")).doesNotExist();

        Path file = Fx.write(tmp.resolve("a-file"), "x");
        Run notADir = pdm(tmp, Map.of("PDM_STATE_DIR", file.toString()), "copy", src.toString(), dst.toString());
        assertThat(notADir.exit()).as(notADir.toString()).isEqualTo(2);
        assertThat(notADir.err()).contains("PDM_STATE_DIR '" + file + "' is not a directory");
        assertThat(dst).doesNotExist();

        Run watch = pdm(tmp, Map.of("PDM_STATE_DIR", "state"), "watch", src.toString());
        assertThat(watch.exit()).as(watch.toString()).isEqualTo(2);
        assertThat(watch.err()).contains("PDM_STATE_DIR 'state' is a relative path");

        Path state = tmp.resolve("state-dir");
        Run fine = pdm(tmp, Map.of("PDM_STATE_DIR", state.toString()), "copy", src.toString(), dst.toString());
        assertThat(fine.exit()).as(fine.toString()).isZero();
        assertThat(dst.resolve("a.txt")).hasContent("a");
    }

    @Test
    void watchReadsADotSlashSourceAsADirectoryAsThePassCommandsDo() throws Exception {
        Fx.mkdirs(tmp.resolve("work"));

        Run missing = pdm(tmp.resolve("work"), Map.of("PDM_STATE_DIR", tmp.resolve("state").toString()),
                "watch", "./nosuch");

        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
        assertThat(missing.err()).contains(tmp.resolve("work/nosuch") + " is not a directory")
                .doesNotContain("config");
    }
}

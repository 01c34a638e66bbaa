package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * {@code pdm copy . /x} and {@code pdm verify ./src ./dst} in a real process started in the
 * directory they name, as a user types them (issue 18): '.' and paths with a '/' are
 * directories, resolved against the working directory.
 */
class RelativePathsIT {
    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run pdm(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Cluster.jar()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("pdm ended").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void dotIsTheWorkingDirectoryAndDotSlashNamesADirectoryBelowIt() throws Exception {
        Path work = Fx.mkdirs(tmp.resolve("work"));
        Path src = work.resolve("src");
        Fx.write(src.resolve("a/b.txt"), "b");
        Fx.write(src.resolve("c.txt"), "c");
        Path x = tmp.resolve("x");

        Run copy = pdm(src, "copy", ".", x.toString());
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(TreeComparer.snapshot(x, false)).isEqualTo(TreeComparer.snapshot(src, false));

        Run verify = pdm(work, "verify", "./src", "../x");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Run again = pdm(work, "verify", "src/", x.toString());
        assertThat(again.exit()).as(again.toString()).isZero();

        Run inside = pdm(src, "copy", ".", "./copy");
        assertThat(inside.exit()).as(inside.toString()).isEqualTo(2);
        assertThat(inside.err()).contains("overlap");
        assertThat(src.resolve("copy")).doesNotExist();
        Run parent = pdm(src, "copy", "..", "./copy");
        assertThat(parent.exit()).as(parent.toString()).isEqualTo(2);
        assertThat(src.resolve("copy")).doesNotExist();
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * {@code pdm copy . /x} and {@code pdm verify ./src ./dst} in a real process started in the
 * directory they name, as a user types them (issue 18): '.' and paths with a '/' are
 * directories, resolved against the working directory.
 */
class RelativePathsIT {
    @TempDir
    Path tmp;

    private static Pdm.Result pdm(Path cwd, String... args) throws IOException, InterruptedException {
        return Pdm.process(cwd, Map.of(), args);
    }

    @Test
    void dotIsTheWorkingDirectoryAndDotSlashNamesADirectoryBelowIt() throws Exception {
        Path work = Fx.mkdirs(tmp.resolve("work"));
        Path src = work.resolve("src");
        Fx.write(src.resolve("a/b.txt"), "b");
        Fx.write(src.resolve("c.txt"), "c");
        Path x = tmp.resolve("x");

        Pdm.Result copy = pdm(src, "copy", ".", x.toString());
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(TreeComparer.snapshot(x, false)).isEqualTo(TreeComparer.snapshot(src, false));

        Pdm.Result verify = pdm(work, "verify", "./src", "../x");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Pdm.Result again = pdm(work, "verify", "src/", x.toString());
        assertThat(again.exit()).as(again.toString()).isZero();

        Pdm.Result inside = pdm(src, "copy", ".", "./copy");
        assertThat(inside.exit()).as(inside.toString()).isEqualTo(2);
        assertThat(inside.err()).contains("overlap");
        assertThat(src.resolve("copy")).doesNotExist();
        Pdm.Result parent = pdm(src, "copy", "..", "./copy");
        assertThat(parent.exit()).as(parent.toString()).isEqualTo(2);
        assertThat(src.resolve("copy")).doesNotExist();
    }
}

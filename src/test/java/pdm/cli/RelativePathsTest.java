package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * How SRC and TGT are read (issue 18): an argument with a '/' in it, or '.' or '..', is a
 * directory, relative ones resolved against the working directory as cp and rsync do; a bare
 * word is a filesystem name from the config. The tests run in this JVM, whose working
 * directory is the project's, so their relative paths lead from there to the temp dir.
 */
class RelativePathsTest {
    @TempDir
    Path tmp;

    /** {@code p} as a relative path from the working directory ("../../tmp/junit…/src"). */
    private static String relative(Path p) {
        return Path.of("").toAbsolutePath().relativize(p).toString();
    }

    @Test
    void relativeDirectoriesAreDirectoriesInEveryPass() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("a/b.txt"), "b");
        Path dst = tmp.resolve("dst");
        String s = relative(src);
        String d = "./" + relative(dst);

        Pdm.Result copy = Pdm.run("copy", "--json", s, d);
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.count("files_copied")).isEqualTo(1);
        assertThat(dst.resolve("a/b.txt")).hasContent("b");

        Pdm.Result verify = Pdm.run("verify", "--json", "./" + s, d);
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.err()).doesNotContain("user_xyz");
        Pdm.Result sub = Pdm.run("verify", s + "/a", d + "/a/");
        assertThat(sub.exit()).as(sub.toString()).isZero();
    }

    @Test
    void aTargetInsideTheSourceIsRefusedInItsRelativeFormsToo() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("a.txt"), "a");
        var before = TreeComparer.snapshot(src, true);

        for (String tgt : new String[]{relative(src) + "/inner", relative(src) + "/./inner/..", relative(src) + "/x/../y"}) {
            Pdm.Result r = Pdm.run("copy", relative(src), tgt);
            assertThat(r.exit()).as(tgt + ": " + r).isEqualTo(2);
            assertThat(r.err()).as(tgt).contains("overlap");
        }
        Pdm.Result up = Pdm.run("copy", relative(src) + "/..", relative(src) + "/../copy");
        assertThat(up.exit()).as(up.toString()).isEqualTo(2);
        assertThat(up.err()).contains("overlap");
        assertThat(TreeComparer.snapshot(src, true)).isEqualTo(before);
        assertThat(tmp.resolve("copy")).doesNotExist();
    }

    @Test
    void aBareWordIsAFilesystemNameAndADirectoryOfThatNameGetsAHint() throws IOException {
        Path cfg = Pdm.config(tmp, Fx.mkdirs(tmp.resolve("panda")), Fx.mkdirs(tmp.resolve("badger")));
        // the working directory (the project) has a directory "src"
        assertThat(Path.of("src")).isDirectory();

        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "src", "badger", "/");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("no filesystem 'src' in the config; for the directory, write ./src");
        assertThat(Fx.count(tmp.resolve("badger"))).isZero();
        Pdm.Result unknown = Pdm.run("copy", "--config", cfg.toString(), "no-such-name", "badger", "/");
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("no filesystem named 'no-such-name'").doesNotContain("./no-such-name");
    }

    @Test
    void aNameAndADirectoryAreNotMixed() throws IOException {
        Path cfg = Pdm.config(tmp, Fx.mkdirs(tmp.resolve("panda")), Fx.mkdirs(tmp.resolve("badger")));

        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "panda", relative(tmp.resolve("badger")), "/");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("'panda'").contains("both");
    }

    @Test
    void aFileAsTheSourceIsToldToUseDashDashFile() throws IOException {
        Path file = Fx.write(tmp.resolve("data.bin"), "x");

        for (String arg : new String[]{file.toString(), relative(file)}) {
            Pdm.Result r = Pdm.run("copy", arg, tmp.resolve("dst").toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("is a file: use --file");
        }
        assertThat(tmp.resolve("dst")).doesNotExist();
    }

    @Test
    void theSameFilesystemAsSourceAndTargetIsRefusedInEmbeddedModeToo() throws IOException {
        Path cfg = Pdm.config(tmp, Fx.mkdirs(tmp.resolve("panda")), Fx.mkdirs(tmp.resolve("badger")));

        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "badger", "badger", "/");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("SRC and TGT are the same filesystem 'badger'");
        assertThat(Files.list(tmp.resolve("badger")).count()).isZero();
    }
}

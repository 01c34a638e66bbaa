package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/** --dry-run changes nothing but reports what it would do; --file works on one file only. */
class DryRunAndFileTest {
    @TempDir
    Path tmp;

    @Test
    void dryRunCopyIntoEmptyTargetChangesNothingButCountsEverything() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        RichTree.build(src, false);
        var before = TreeComparer.snapshot(dst, true);

        Pdm.Result r = Pdm.json("copy", src, dst, "--dry-run");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.json().get("dry_run").asBoolean()).isTrue();
        assertThat(TreeComparer.snapshot(dst, true)).isEqualTo(before);
        Pdm.Result real = Pdm.json("copy", src, dst);
        assertThat(r.count("files_copied")).as("the dry run counted what the real run copied")
                .isEqualTo(real.count("files_copied"));
        assertThat(r.count("dirs_created")).isEqualTo(real.count("dirs_created"));
        assertThat(r.count("bytes")).isEqualTo(real.count("bytes"));
        assertThat(r.err()).as("changes are listed (on stderr with --json)").contains("/a/file.txt");
    }

    @Test
    void dryRunIntoMissingAdHocTargetCreatesNothing() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("a/b.txt"), "b");
        Path dst = tmp.resolve("dst");

        Pdm.Result r = Pdm.json("copy", src, dst, "-n");

        assertThat(dst).doesNotExist();
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isEqualTo(1);
        assertThat(r.count("dirs_created")).isEqualTo(1);
        Pdm.Result sync = Pdm.json("sync", src, dst, "--dry-run");
        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(sync.count("files_copied")).isEqualTo(1);
        assertThat(dst).doesNotExist();
        // a configured filesystem whose root is missing is refused, in a dry run too
        Path cfg = Pdm.config(tmp, src, dst);
        Pdm.Result named = Pdm.run("copy", "-n", "--config", cfg.toString(), "panda", "badger", "/");
        assertThat(named.exit()).as(named.toString()).isEqualTo(2);
        assertThat(dst).doesNotExist();
    }

    @Test
    void dryRunOfEveryPassOnADriftedTargetChangesNothing() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        RichTree.build(src, false);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        // drift: content, mode, an extra file, a missing file, a dir's times
        Files.writeString(dst.resolve("a/file.txt"), "changed on target");
        Fx.chmod(dst.resolve("modes/setuid-prog"), 0700);
        Fx.write(dst.resolve("a/extra"), "extra");
        Files.delete(dst.resolve("sizes/s1"));
        Fx.mtime(dst.resolve("deep"), 7);
        Fx.write(src.resolve("new-on-source/x"), "x");
        var before = TreeComparer.snapshot(dst, true);

        for (String command : new String[]{"copy", "delete", "dirtimes", "sync"}) {
            Pdm.Result r = Pdm.json(command, src, dst, "--dry-run");
            assertThat(r.exit()).as(command + ": " + r).isZero();
            assertThat(TreeComparer.snapshot(dst, true)).as(command + " --dry-run").isEqualTo(before);
            switch (command) {
                case "copy" -> assertThat(r.count("files_copied")).as(command + ": " + r.err()).isEqualTo(3);
                case "delete" -> assertThat(r.count("files_removed")).as(command).isEqualTo(1);
                case "dirtimes" -> assertThat(r.count("meta_fixed")).as(command).isGreaterThanOrEqualTo(2);
                default -> assertThat(r.count("files_removed")).as(command).isEqualTo(1);
            }
        }
        Pdm.Result sync = Pdm.json("sync", src, dst);
        assertThat(sync.exit()).as(sync.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void fileCopiesOneFileOnly() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path a = Fx.write(src.resolve("sub/deeper/a.txt"), "a");
        Fx.write(src.resolve("sub/deeper/b.txt"), "b");
        Fx.write(src.resolve("sub/c.txt"), "c");
        Fx.chown(a, 4242, 4343);
        Fx.chmod(a, 04751);
        Fx.mtime(a, 1_111_111_111_222_333_444L);

        Pdm.Result r = Pdm.json("copy", src, dst, "--file", "/sub/deeper/a.txt");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isEqualTo(1);
        assertThat(Fx.names(dst)).containsExactlyInAnyOrder("", "sub", "deeper", "a.txt");
        var s = TreeComparer.snapshot(src, false);
        var t = TreeComparer.snapshot(dst, false);
        assertThat(t.get("sub/deeper/a.txt")).isEqualTo(s.get("sub/deeper/a.txt"));
    }

    @Test
    void fileInNamedFormAndItsRefusals() throws IOException {
        Path panda = tmp.resolve("panda");
        Path badger = Fx.mkdirs(tmp.resolve("badger"));
        Fx.write(panda.resolve("u/one.txt"), "1");
        Fx.write(panda.resolve("u/two.txt"), "2");
        Path cfg = Pdm.config(tmp, panda, badger);

        Pdm.Result r = Pdm.run("copy", "--json", "--file", "--config", cfg.toString(), "panda", "badger", "/u/two.txt");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(badger.resolve("u/two.txt")).hasContent("2");
        assertThat(badger.resolve("u/one.txt")).doesNotExist();

        Pdm.Result dir = Pdm.run("copy", "--file", "--config", cfg.toString(), "panda", "badger", "/u");
        assertThat(dir.exit()).as("--file naming a directory: " + dir).isNotZero();
        assertThat(badger.resolve("u/one.txt")).doesNotExist();
        Pdm.Result root = Pdm.run("copy", "--file", "--config", cfg.toString(), "panda", "badger", "/");
        assertThat(root.exit()).as(root.toString()).isEqualTo(2);
        Pdm.Result missing = Pdm.run("copy", "--file", "--config", cfg.toString(), "panda", "badger", "/u/three.txt");
        assertThat(missing.exit()).as(missing.toString()).isEqualTo(2);
    }

    @Test
    void aFileAsPathWithoutDashDashFileIsToldToUseIt() throws IOException {
        Path panda = tmp.resolve("panda");
        Path badger = Fx.mkdirs(tmp.resolve("badger"));
        Fx.write(panda.resolve("u/one.txt"), "1");
        Path cfg = Pdm.config(tmp, panda, badger);

        for (String command : new String[]{"copy", "verify", "sync"}) {
            Pdm.Result r = Pdm.run(command, "--config", cfg.toString(), "panda", "badger", "/u/one.txt");
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("/u/one.txt").contains("is a file: use --file");
        }
        assertThat(Fx.count(badger)).isZero();
    }
}

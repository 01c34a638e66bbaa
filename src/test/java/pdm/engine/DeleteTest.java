package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/** delete (alias clear): removes what the source lost, only under PATH, and refuses when unsure. */
class DeleteTest {
    @TempDir
    Path tmp;

    private Path src() {
        return tmp.resolve("panda");
    }

    private Path dst() {
        return tmp.resolve("badger");
    }

    /** A source and an exact copy of it. */
    private void copied() throws IOException {
        Fx.write(src().resolve("sub/keep.txt"), "keep");
        Fx.write(src().resolve("sub/dir/keep2.txt"), "keep2");
        Fx.write(src().resolve("sub/became-dir/inside"), "now a dir");
        Fx.write(src().resolve("sub/became-file"), "now a file");
        Fx.write(src().resolve("other/o.txt"), "o");
        Fx.write(src().resolve("top.txt"), "t");
        Pdm.Result r = Pdm.json("copy", src(), dst());
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void removesFilesDirsAndSymlinksGoneFromSourceAndTypeChanges() throws IOException {
        copied();
        // gone from the source since the copy
        Fx.write(dst().resolve("sub/gone.txt"), "gone");
        Fx.write(dst().resolve("sub/gone-dir/deeper/file"), "gone");
        Fx.mkdirs(dst().resolve("sub/gone-dir/empty"));
        Files.createSymbolicLink(dst().resolve("sub/gone-link"), Path.of("keep.txt"));
        Files.createSymbolicLink(dst().resolve("sub/gone-link-to-dir"), dst().resolve("sub/dir"));
        // type changes: the target still has the old type
        Path becameDir = dst().resolve("sub/became-dir");
        deleteTree(becameDir);
        Files.writeString(becameDir, "old file");
        Path becameFile = dst().resolve("sub/became-file");
        Files.delete(becameFile);
        Fx.write(becameFile.resolve("old/content"), "old dir");
        long keepIno = Fx.inode(dst().resolve("sub/keep.txt"));

        Pdm.Result r = Pdm.json("delete", src(), dst());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dst().resolve("sub/gone.txt")).doesNotExist();
        assertThat(dst().resolve("sub/gone-dir")).doesNotExist();
        assertThat(Files.exists(dst().resolve("sub/gone-link"), Fx.NOFOLLOW)).isFalse();
        assertThat(Files.exists(dst().resolve("sub/gone-link-to-dir"), Fx.NOFOLLOW)).isFalse();
        assertThat(dst().resolve("sub/dir/keep2.txt")).as("a symlink's target is not deleted through it").exists();
        assertThat(Files.exists(becameDir, Fx.NOFOLLOW)).as("file where the source has a dir").isFalse();
        assertThat(Files.exists(becameFile, Fx.NOFOLLOW)).as("dir where the source has a file").isFalse();
        assertThat(Fx.inode(dst().resolve("sub/keep.txt"))).isEqualTo(keepIno);
        assertThat(r.count("files_removed")).as("6 names gone; 11 entries counting those below removed dirs")
                .isEqualTo(11L);

        // copy + dirtimes afterwards make it exact again
        assertThat(Pdm.json("copy", src(), dst()).exit()).isZero();
        assertThat(Pdm.json("dirtimes", src(), dst()).exit()).isZero();
        TreeComparer.assertSameTree(src(), dst());
    }

    @Test
    void clearIsAnAliasOfDelete() throws IOException {
        copied();
        Fx.write(dst().resolve("sub/gone.txt"), "gone");

        Pdm.Result r = Pdm.json("clear", src(), dst());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_removed")).isEqualTo(1);
        assertThat(dst().resolve("sub/gone.txt")).doesNotExist();
    }

    @Test
    void namedFormTouchesNothingOutsidePath() throws IOException {
        copied();
        Fx.write(dst().resolve("sub/gone.txt"), "gone");
        Fx.write(dst().resolve("other/target-only.txt"), "not under PATH");
        Fx.write(dst().resolve("target-only-at-root.txt"), "not under PATH");
        Path cfg = Pdm.config(tmp, src(), dst());
        var outside = TreeComparer.snapshot(dst().resolve("other"), true);

        Pdm.Result r = Pdm.run("delete", "--json", "--config", cfg.toString(), "panda", "badger", "/sub");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dst().resolve("sub/gone.txt")).doesNotExist();
        assertThat(dst().resolve("other/target-only.txt")).exists();
        assertThat(dst().resolve("target-only-at-root.txt")).exists();
        assertThat(TreeComparer.snapshot(dst().resolve("other"), true)).isEqualTo(outside);
        assertThat(r.count("files_removed")).isEqualTo(1);
    }

    @Test
    void refusesWhenSourcePathIsMissing() throws IOException {
        copied();
        Fx.write(dst().resolve("vanished/a"), "a");
        Fx.write(dst().resolve("vanished/b/c"), "c");
        Path cfg = Pdm.config(tmp, src(), dst());
        var before = TreeComparer.snapshot(dst(), true);

        Pdm.Result r = Pdm.run("delete", "--json", "--config", cfg.toString(), "panda", "badger", "/vanished");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("vanished");
        assertThat(TreeComparer.snapshot(dst(), true)).isEqualTo(before);
    }

    @Test
    void refusesWhenSourceRootIsMissing() throws IOException {
        copied();
        deleteTree(src());
        var before = TreeComparer.snapshot(dst(), true);

        Pdm.Result r = Pdm.json("delete", src(), dst());

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(TreeComparer.snapshot(dst(), true)).isEqualTo(before);
    }

    @Test
    void refusesWhenSourcePathIsASymlink() throws IOException {
        copied();
        // the source's /sub is now a symlink to a dir that lacks most of what the target has
        Path elsewhere = Fx.mkdirs(tmp.resolve("elsewhere"));
        Fx.write(elsewhere.resolve("keep.txt"), "x");
        deleteTree(src().resolve("sub"));
        Files.createSymbolicLink(src().resolve("sub"), elsewhere);
        Path cfg = Pdm.config(tmp, src(), dst());
        var before = TreeComparer.snapshot(dst(), true);

        Pdm.Result r = Pdm.run("delete", "--json", "--config", cfg.toString(), "panda", "badger", "/sub");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(TreeComparer.snapshot(dst(), true)).isEqualTo(before);
    }

    @Test
    void refusesWhenMountTrueSourceIsNotMounted() throws IOException {
        copied();
        Fx.write(dst().resolve("sub/gone.txt"), "gone");
        Path cfg = Pdm.config(tmp, src(), "mount = true", dst(), "");
        var before = TreeComparer.snapshot(dst(), true);

        Pdm.Result r = Pdm.run("delete", "--json", "--config", cfg.toString(), "panda", "badger", "/sub");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("mount");
        assertThat(TreeComparer.snapshot(dst(), true)).isEqualTo(before);
    }

    @Test
    void refusesWhenMountTrueTargetIsNotMounted() throws IOException {
        copied();
        Fx.write(dst().resolve("sub/gone.txt"), "gone");
        Path cfg = Pdm.config(tmp, src(), "", dst(), "mount = true");
        var before = TreeComparer.snapshot(dst(), true);

        Pdm.Result r = Pdm.run("clear", "--json", "--config", cfg.toString(), "panda", "badger", "/");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(TreeComparer.snapshot(dst(), true)).isEqualTo(before);
    }

    static void deleteTree(Path p) throws IOException {
        if (Files.isDirectory(p, Fx.NOFOLLOW)) {
            try (var s = Files.list(p)) {
                for (Path c : (Iterable<Path>) s::iterator) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/** The safety rules of docs/spec.md: pdm writes only inside a write = true target, under PATH, and never follows a symlink. */
class SafetyTest {
    @TempDir
    Path tmp;

    private Path source() throws IOException {
        Path src = tmp.resolve("panda");
        Fx.write(src.resolve("sub/a.txt"), "a");
        Fx.write(src.resolve("sub/d/b.txt"), "b");
        return src;
    }

    @Test
    void targetWithWriteFalseIsRefusedAndNothingIsWritten() throws IOException {
        Path src = source();
        Path dst = Fx.mkdirs(tmp.resolve("badger"));
        Fx.write(dst.resolve("existing"), "e");
        Path cfg = Pdm.config(tmp, src, "", dst, "write = false");
        var before = TreeComparer.snapshot(dst, true);

        for (String command : List.of("copy", "delete", "dirtimes", "sync")) {
            Pdm.Result r = Pdm.run(command, "--config", cfg.toString(), "panda", "badger", "/");
            assertThat(r.exit()).as(command + ": " + r).isEqualTo(2);
            assertThat(r.err()).as(command).contains("badger").contains("write");
        }
        assertThat(TreeComparer.snapshot(dst, true)).isEqualTo(before);
        // verify only reads: allowed on a write = false target
        assertThat(Pdm.run("verify", "--config", cfg.toString(), "panda", "badger", "/existing").exit()).isEqualTo(2);
        assertThat(Pdm.run("verify", "--config", cfg.toString(), "panda", "badger", "/sub").exit()).isEqualTo(1);
    }

    @Test
    void pathWithDotDotIsRefused() throws IOException {
        Path src = source();
        Path dst = Fx.mkdirs(tmp.resolve("badger"));
        Path cfg = Pdm.config(tmp, src, dst);

        for (String path : List.of("/sub/../..", "..", "/sub/..", "sub/../../badger")) {
            Pdm.Result named = Pdm.run("copy", "--config", cfg.toString(), "panda", "badger", path);
            assertThat(named.exit()).as(path + ": " + named).isEqualTo(2);
            assertThat(named.err()).contains("..");
            Pdm.Result adHoc = Pdm.run("copy", src.toString(), dst.toString(), path);
            assertThat(adHoc.exit()).as(path + ": " + adHoc).isEqualTo(2);
        }
        assertThat(Fx.count(dst)).isZero();
        assertThat(Fx.count(tmp.resolve("panda"))).isEqualTo(4);
    }

    @Test
    void targetSymlinkWhereSourceHasDirIsReplacedNotFollowed() throws IOException {
        Path src = source();
        Path dst = Fx.mkdirs(tmp.resolve("badger"));
        Path elsewhere = Fx.mkdirs(tmp.resolve("elsewhere"));
        Fx.write(elsewhere.resolve("precious"), "keep me");
        Fx.mkdirs(dst.resolve("sub"));
        Files.createSymbolicLink(dst.resolve("sub/d"), elsewhere);
        var outside = TreeComparer.snapshot(elsewhere, true);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.isSymbolicLink(dst.resolve("sub/d"))).isFalse();
        assertThat(Files.isDirectory(dst.resolve("sub/d"), Fx.NOFOLLOW)).isTrue();
        assertThat(dst.resolve("sub/d/b.txt")).hasContent("b");
        assertThat(elsewhere.resolve("b.txt")).doesNotExist();
        assertThat(TreeComparer.snapshot(elsewhere, true)).isEqualTo(outside);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void targetSymlinkWhereSourceHasFileIsReplacedNotWrittenThrough() throws IOException {
        Path src = source();
        Path dst = Fx.mkdirs(tmp.resolve("badger"));
        Path victim = Fx.write(tmp.resolve("victim.txt"), "must stay");
        Fx.mkdirs(dst.resolve("sub"));
        Files.createSymbolicLink(dst.resolve("sub/a.txt"), victim);
        var outside = TreeComparer.snapshot(victim, true);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.isSymbolicLink(dst.resolve("sub/a.txt"))).isFalse();
        assertThat(dst.resolve("sub/a.txt")).hasContent("a");
        assertThat(TreeComparer.snapshot(victim, true)).isEqualTo(outside);
    }

    @Test
    void symlinkInTargetJobPathIsRefused() throws IOException {
        Path src = source();
        Path dst = Fx.mkdirs(tmp.resolve("badger"));
        Path elsewhere = Fx.mkdirs(tmp.resolve("elsewhere"));
        Files.createSymbolicLink(dst.resolve("sub"), elsewhere);
        Path cfg = Pdm.config(tmp, src, dst);

        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "panda", "badger", "/sub/d");

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(Fx.count(elsewhere)).as("nothing written through the symlink").isZero();
    }

    @Test
    void sourceDirThatIsASymlinkIsCopiedAsSymlink() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("badger");
        Path elsewhere = Fx.mkdirs(tmp.resolve("elsewhere"));
        Fx.write(elsewhere.resolve("outside-marker"), "must not be copied");
        Files.createSymbolicLink(src.resolve("sub/link-to-dir"), elsewhere);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Files.readSymbolicLink(dst.resolve("sub/link-to-dir"))).isEqualTo(elsewhere);
        assertThat(Fx.names(dst)).doesNotContain("outside-marker");
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void missingAdHocTargetIsCreatedButNotItsParents() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("new-target");

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
        Pdm.Result deeper = Pdm.json("copy", src, tmp.resolve("no/such/parent"));
        assertThat(deeper.exit()).as(deeper.toString()).isEqualTo(2);
        assertThat(tmp.resolve("no")).doesNotExist();
    }

    @Test
    void refusedAdHocCopyDoesNotCreateTheTarget() throws IOException {
        Path src = source();
        Path dst = tmp.resolve("not-yet");

        assertThat(Pdm.run("copy", src.toString(), dst.toString(), "/sub/..").exit()).isEqualTo(2);
        assertThat(Pdm.run("copy", src.toString(), dst.toString(), "/no-such-dir").exit()).isEqualTo(2);
        assertThat(Pdm.run("copy", "--file", src.toString(), dst.toString(), "/sub/no-such-file").exit()).isEqualTo(2);
        assertThat(Pdm.run("copy", "--dir-workers", "0", src.toString(), dst.toString()).exit()).isEqualTo(2);
        assertThat(Pdm.run("sync", tmp.resolve("no-such-source").toString(), dst.toString()).exit()).isEqualTo(2);
        assertThat(dst).doesNotExist();
    }

    @Test
    void targetInsideSourceIsRefusedAndSourceIsNotTouched() throws IOException {
        Path src = source();
        var before = TreeComparer.snapshot(src, true);

        Pdm.Result missingTarget = Pdm.run("copy", src.toString(), src.resolve("sub/copy").toString());
        assertThat(missingTarget.exit()).as(missingTarget.toString()).isEqualTo(2);
        assertThat(TreeComparer.snapshot(src, true)).as("nothing created in the source").isEqualTo(before);

        Pdm.Result existingTarget = Pdm.run("copy", src.toString(), src.resolve("sub/d").toString());
        assertThat(existingTarget.exit()).as(existingTarget.toString()).isEqualTo(2);
        Pdm.Result sourceInsideTarget = Pdm.run("sync", src.resolve("sub").toString(), src.toString());
        assertThat(sourceInsideTarget.exit()).as(sourceInsideTarget.toString()).isEqualTo(2);
        Pdm.Result same = Pdm.run("copy", src.toString(), src.toString());
        assertThat(same.exit()).isEqualTo(2);
        assertThat(TreeComparer.snapshot(src, true)).isEqualTo(before);
    }

    @Test
    void mountTrueFilesystemsThatAreMountedAreAccepted() throws IOException {
        Path src = source();
        Path dst = Fx.mkdirs(tmp.resolve("badger"));
        assumeTrue(TreeComparer.run(List.of("mount", "-t", "tmpfs", "-o", "size=4m", "pdm-test", dst.toString())).isEmpty(),
                "needs permission to mount a tmpfs");
        try {
            Path cfg = Pdm.config(tmp, src, "", dst, "mount = true");
            Pdm.Result r = Pdm.run("sync", "--config", cfg.toString(), "panda", "badger", "/sub");
            assertThat(r.exit()).as(r.toString()).isZero();
            TreeComparer.assertSameTree(src.resolve("sub"), dst.resolve("sub"));
        } finally {
            TreeComparer.run(List.of("umount", dst.toString()));
        }
    }
}

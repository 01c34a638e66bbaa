package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Tools;
import pdm.testkit.TreeComparer;

/**
 * A target that cannot be written is found at start, not file by file: a read-only bind mount
 * is refused (exit 2, naming the target and the fix) before anything is made, and the probe that
 * finds out leaves the target root's times as they were, in a refused run and in a run that goes
 * on. A cause that fails every file of a directory is said a few times, then once with its count,
 * and only the directories really made are counted as created.
 */
class ReadOnlyTargetIT {
    @TempDir
    Path tmp;

    private Path mounted;
    private final List<Path> locked = new java.util.ArrayList<>();

    @AfterEach
    void cleanUp() {
        locked.forEach(p -> Tools.exec(null, "chattr", "-i", p.toString()));
        if (mounted != null) {
            Tools.exec(null, "umount", mounted.toString());
        }
    }

    @Test
    void aReadOnlyTargetIsRefusedAtStartAndNothingIsWritten() throws IOException {
        Path src = tree();
        Path dir = Fx.mkdirs(tmp.resolve("dir"));
        Fx.write(dir.resolve("there-before"), "x");
        Fx.mtime(dir, 1_500_000_000_123_456_789L);
        Path ro = readOnlyBind(dir);
        var before = TreeComparer.snapshot(ro, true);
        BasicFileAttributes times = times(ro);

        Pdm.Result r = Pdm.json("copy", src, ro);

        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).as(r.toString()).contains("target " + ro + " is read-only (mounted ro): remount it rw or "
                + "choose another target; nothing was changed");
        assertThat(r.err()).as("one line, no failure per file").doesNotContain("EROFS").doesNotContain("WARN");
        assertThat(TreeComparer.snapshot(ro, true)).as("nothing written").isEqualTo(before);
        assertThat(times(ro).lastModifiedTime()).isEqualTo(times.lastModifiedTime());

        Pdm.Result sub = Pdm.json("sync", src, ro, "/d1");
        assertThat(sub.exit()).as(sub.toString()).isEqualTo(2);
        assertThat(sub.err()).contains("is read-only (mounted ro)");

        Pdm.Result dry = Pdm.json("copy", src, ro, "--dry-run");
        assertThat(dry.exit()).as("a dry run writes nothing, so it looks and says: " + dry).isZero();
        assertThat(dry.count("files_copied")).isEqualTo(21);
        assertThat(dry.err()).contains("is read-only (mounted ro): the real run would be refused");
        assertThat(TreeComparer.snapshot(ro, true)).isEqualTo(before);

        Pdm.Result verify = Pdm.json("verify", src, ro);
        assertThat(verify.exit()).as("verify reads only: a read-only target is fine " + verify).isEqualTo(1);
        assertThat(verify.err()).doesNotContain("read-only");
    }

    @Test
    void theProbeLeavesTheTargetRootsTimesAsTheyWere() throws IOException {
        Path src = tree();
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Fx.write(src.resolve("d1/new"), "new");
        Fx.mtime(dst, 1_500_000_000_123_456_789L);
        BasicFileAttributes before = times(dst);

        Pdm.Result r = Pdm.json("copy", src, dst, "/d1");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isEqualTo(1);
        BasicFileAttributes after = times(dst);
        assertThat(after.lastModifiedTime()).as("a sub-PATH job's probe moves no time of the root")
                .isEqualTo(before.lastModifiedTime());
        assertThat(after.lastAccessTime()).isEqualTo(before.lastAccessTime());
        assertThat(Fx.names(dst)).noneMatch(n -> n.contains(".pdm-"));
    }

    @Test
    void oneCauseThatFailsEveryFileIsSaidOnceWithItsCountAndNoDirectoryIsCountedUnmade() throws IOException {
        assumeTrue(Tools.root(), "chattr +i needs root");
        Path src = tmp.resolve("src");
        for (int i = 0; i < 20; i++) {
            Fx.write(src.resolve("locked/f" + i), "data " + i);
        }
        for (int i = 0; i < 3; i++) {
            Fx.mkdirs(src.resolve("locked/sub" + i));
        }
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Path lockedDir = Fx.mkdirs(dst.resolve("locked"));
        Tools.run("chattr", "+i", lockedDir.toString());
        locked.add(lockedDir);

        // (--no-flags: pdm keeps its hands off the flag, so every create in the directory fails)
        Pdm.Result r = Pdm.json("copy", src, dst, "--no-flags");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.count("files_failed")).as(r.toString()).isGreaterThanOrEqualTo(23);
        assertThat(r.count("dirs_created")).as("every mkdirat failed: " + r).isZero();

        // (a process of its own: the log lines are what its stderr shows)
        Tools.Output text = Tools.exec(null, ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", pdm.testkit.Cluster.jar(), "copy", "--no-flags",
                src.toString(), dst.toString());
        assertThat(text.exit()).as(text.toString()).isEqualTo(1);
        assertThat(text.err().lines().filter(l -> l.contains("WARN") && l.contains("EPERM"))).as(text.err())
                .hasSizeLessThanOrEqualTo(2 * 3 + 2);
        assertThat(text.err()).containsPattern("WARN .* \\d+ more failed: .*EPERM");
        assertThat(text.out().lines().count()).as(text.out()).isLessThan(12);
        assertThat(text.out()).containsPattern("  \\.\\.\\. and \\d+ more: .*EPERM");
    }

    /** 21 files in two directories. */
    private Path tree() throws IOException {
        Path src = tmp.resolve("src");
        for (int i = 0; i < 20; i++) {
            Fx.write(src.resolve("d1/f" + i), "data " + i);
        }
        Fx.write(src.resolve("d2/g"), "g");
        return src;
    }

    /** {@code dir} bind-mounted read-only on a new directory; skips (outside CI) where mount cannot. */
    private Path readOnlyBind(Path dir) {
        Path mnt = tmp.resolve("ro");
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Tools.Output bind = Tools.exec(null, "mount", "--bind", dir.toString(), mnt.toString());
        Tools.Output ro = bind.exit() == 0 ? Tools.exec(null, "mount", "-o", "remount,ro,bind", mnt.toString()) : bind;
        if (bind.exit() == 0) {
            mounted = mnt;
        }
        String failed = ro.exit() == 0 ? "" : ro.err() + ro.out();
        if (!failed.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("a read-only bind mount needs root and mount (" + failed + ")");
        }
        assumeTrue(failed.isEmpty(), "cannot make a read-only bind mount: " + failed);
        return mnt;
    }

    private static BasicFileAttributes times(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, Fx.NOFOLLOW);
    }
}

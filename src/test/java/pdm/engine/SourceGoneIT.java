package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Strace;
import pdm.testkit.Tools;
import pdm.testkit.TreeComparer;

/**
 * Safety rule 4 where the source goes away after the preflight looked at it: a removing pass
 * must walk the very directory the empty-source guard and the mount check saw, or none. Each
 * case removed the target's files, exit 0, before its fix (a review's scripts).
 */
class SourceGoneIT {
    @TempDir
    Path tmp;

    @Test
    void aMountTrueSourceUnmountedDuringSyncsCopyPassRefusesItsDeletePass() throws Exception {
        assumeTrue(Tools.root() || "true".equals(System.getenv("CI")), "mounting a tmpfs needs root");
        Path mnt = Fx.mkdirs(tmp.resolve("srcfs"));
        Path dst = tmp.resolve("dst");
        // (what admins leave in a mount point: the bare directory is not empty, so the empty-source
        // guard alone does not refuse a walk of it)
        Fx.write(mnt.resolve("README.not-mounted"), "the project filesystem is not mounted");
        Tools.run("mount", "-t", "tmpfs", "-o", "size=64m", "pdm-test", mnt.toString());
        try {
            for (int i = 0; i < 20; i++) {
                Fx.write(mnt.resolve("proj/d/f" + i), "data " + i);
            }
            Fx.write(mnt.resolve("proj/big"), "x".repeat(1 << 20));
            Fx.mkdirs(dst);
            Path cfg = Pdm.config(tmp, mnt, "mount = true", dst, "");
            Pdm.Result first = Pdm.run("copy", "--config", cfg.toString(), "panda", "badger", "/");
            assertThat(first.exit()).as(first.toString()).isZero();
            SortedMap<String, String> before = TreeComparer.snapshot(dst.resolve("proj/d"), true);
            Files.writeString(mnt.resolve("proj/big"), "y".repeat(8 << 20)); // (8 MB at 2 MB/s: 4 s of copy)

            CompletableFuture<Pdm.Result> sync = CompletableFuture.supplyAsync(() -> Pdm.run("sync", "--config",
                    cfg.toString(), "--bwlimit", "2M", "panda", "badger", "/"));
            Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> writing(dst.resolve("proj")));
            Tools.run("umount", "-l", mnt.toString()); // (the source goes during the copy pass)
            Pdm.Result r = sync.get(2, TimeUnit.MINUTES);

            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).contains("mount = true").contains("is not a mount point")
                    .contains("by the delete pass; the copy pass before it ran");
            assertThat(TreeComparer.snapshot(dst.resolve("proj/d"), true)).as("nothing removed").isEqualTo(before);
        } finally {
            TreeComparer.run(List.of("umount", "-l", mnt.toString()));
        }
    }

    @Test
    void aSourcePathSwappedForAnEmptyDirectoryAfterTheGuardIsNotWalked() throws Exception {
        Strace.assumeUsable(false);
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Path dst = tmp.resolve("dst");
        for (int i = 0; i < 3; i++) {
            Fx.write(src.resolve("A/d/f" + i), "data " + i);
        }
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        SortedMap<String, String> before = TreeComparer.snapshot(dst.resolve("A"), true);
        Path empty = Fx.mkdirs(tmp.resolve("empty"));
        Path work = Fx.mkdirs(tmp.resolve("work"));
        // (the guard's listing of src/A is the first of it: held, while src/A becomes an empty directory)
        Strace strace = Strace.delay("getdents64", "3s").when("1").at(src.resolve("A"));
        CompletableFuture<Strace.Run> delete = CompletableFuture.supplyAsync(() -> {
            try {
                return strace.pdm(work, "delete", "--json", src.toString(), dst.toString(), "/A");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Awaitility.await().atMost(60, TimeUnit.SECONDS).until(() -> Strace.holding(work));
        Files.move(src.resolve("A"), tmp.resolve("A.full"));
        Files.move(empty, src.resolve("A"));
        Strace.Run r = delete.get(2, TimeUnit.MINUTES);

        assertThat(r.injected()).as(r.toString()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("getdents64(").contains(src.resolve("A") + ">"));
        assertThat(TreeComparer.snapshot(dst.resolve("A"), true)).as(r.toString()).isEqualTo(before);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out() + r.err()).contains("the job's source path changed since pdm checked it");
    }

    /** Whether a copy is writing below {@code dir} now: its temp file is there. */
    private static boolean writing(Path dir) throws java.io.IOException {
        try (var all = Files.walk(dir)) {
            return all.anyMatch(p -> p.getFileName().toString().startsWith(".pdm-tmp"));
        }
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * A real full disk, not an injected one: the target is a few-MiB ext4 image on a loop device
 * with room for about two of the big files. The files that do not fit fail with ENOSPC, none
 * of them is left partly written under its name or as a temp file, and once there is room the
 * same copy makes the target exact.
 */
class FullDiskIT {
    private static final int BIG = 6;
    private static final int SMALL = 10;

    @TempDir
    Path tmp;

    private Path mounted;

    @AfterEach
    void unmount() throws IOException {
        if (mounted != null) {
            TreeComparer.run(List.of("umount", mounted.toString()));
        }
    }

    @Test
    void theFilesThatDoNotFitFailWithEnospcAndTheCopyFinishesOnceThereIsRoom() throws IOException {
        Path mnt = mountSmallExt4();
        Path src = tmp.resolve("src");
        Path dst = mnt.resolve("dst");
        for (int i = 0; i < BIG; i++) {
            Fx.write(src.resolve("big/f" + i), Fx.random(512 << 10, i));
        }
        for (int i = 0; i < SMALL; i++) {
            Fx.write(src.resolve("small/s" + i), Fx.random(1000, 100 + i));
        }
        Fx.mkdirs(dst);
        Path filler = mnt.resolve("filler");
        Fx.write(filler, new byte[(int) (Files.getFileStore(mnt).getUsableSpace() - (1200 << 10))]);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).as(r.toString()).isNotEmpty()
                .allSatisfy(f -> assertThat(f.error()).contains("ENOSPC"));
        assertThat(r.count("files_copied") + r.count("files_failed")).as(r.toString()).isEqualTo(BIG + SMALL);
        assertThat(Fx.names(dst)).as("temp files left").noneMatch(n -> n.startsWith(TempNames.PREFIX));
        for (String rel : TreeComparer.snapshot(src, false).keySet()) {
            Path s = src.resolve(rel);
            Path t = dst.resolve(rel);
            if (Files.isRegularFile(s) && Files.exists(t)) {
                assertThat(t).as("a file under its own name is complete").hasSameBinaryContentAs(s);
            }
        }
        for (var f : r.failures()) {
            assertThat(dst.resolve(f.path().substring(1))).as("a failed file under its name").doesNotExist();
        }

        Files.delete(filler);
        Pdm.Result again = Pdm.json("copy", src, dst);
        assertThat(again.exit()).as(again.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
    }

    /** An 8 MiB ext4 image mounted on a loop device (no blocks reserved for root). */
    private Path mountSmallExt4() throws IOException {
        Path image = tmp.resolve("small.ext4");
        try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(8 << 20);
        }
        Path mnt = Fx.mkdirs(tmp.resolve("mnt"));
        String failed = TreeComparer.run(List.of("mkfs.ext4", "-q", "-F", "-m", "0", image.toString()));
        if (failed.isEmpty()) {
            failed = TreeComparer.run(List.of("mount", "-o", "loop", image.toString(), mnt.toString()));
        }
        if (!failed.isEmpty() && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("needs mkfs.ext4 and a loop device to mount an image (" + failed
                    + "); under CI=true they must be there");
        }
        assumeTrue(failed.isEmpty(), "needs mkfs.ext4 and a loop device to mount an image: " + failed);
        mounted = mnt;
        return mnt;
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/**
 * Source files deleted between their listing and their copy are normal on a live
 * filesystem: counted as vanished, not failed, and alone they leave the exit status 0.
 */
class VanishedSourceTest {
    private static final int FILES = 4000;
    private static final int DELETED = 1000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void filesDeletedAfterTheListingAreCountedAsVanishedNotFailed() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        byte[] data = Fx.random(32 << 10, 1);
        for (int i = 0; i < FILES; i++) {
            Fx.write(src.resolve(String.format("d/f%05d", i)), data);
        }
        // one file worker takes the directory's files in name order; the listing is done when the first lands
        CompletableFuture<Pdm.Result> run = CompletableFuture.supplyAsync(() ->
                Pdm.json("copy", src, dst, "--file-workers", "1", "--dir-workers", "1"));
        Path first = dst.resolve("d/f00000");
        while (!Files.exists(first) && !run.isDone()) {
            Thread.onSpinWait();
        }
        for (int i = FILES - DELETED; i < FILES; i++) {
            Files.delete(src.resolve(String.format("d/f%05d", i)));
        }
        Pdm.Result r = run.get(90, TimeUnit.SECONDS);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_failed")).isZero();
        assertThat(r.count("files_vanished")).as(r.toString()).isPositive();
        assertThat(r.count("files_copied") + r.count("files_vanished")).isEqualTo(FILES);
        assertThat(Fx.count(dst.resolve("d"))).isEqualTo(r.count("files_copied"));
        Pdm.Result text = Pdm.run("copy", src.toString(), dst.toString());
        assertThat(text.exit()).isZero();
    }
}

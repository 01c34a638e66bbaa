package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * A failed item is recorded with its reason, the exit code is 1, and the rest of the pass
 * completes. As root, permission denied cannot be staged, so real failures are made with
 * an immutable target directory, a file that grows while it is copied, and a full disk.
 */
class FailuresTest {
    @TempDir
    Path tmp;
    private final List<Path> immutable = new ArrayList<>();
    private final List<Path> mounted = new ArrayList<>();

    @AfterEach
    void cleanUp() throws IOException {
        for (Path p : immutable) {
            TreeComparer.run(List.of("chattr", "-i", p.toString()));
        }
        for (Path p : mounted) {
            TreeComparer.run(List.of("umount", p.toString()));
        }
    }

    @Test
    void immutableTargetDirectoryFailsItsItemsAndTheRestIsCopied() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.write(src.resolve("locked/existing.txt"), "v1");
        for (int i = 0; i < 20; i++) {
            Fx.write(src.resolve("free/f" + i), "free " + i);
        }
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Path locked = dst.resolve("locked");
        assumeTrue(TreeComparer.run(List.of("chattr", "+i", locked.toString())).isEmpty(), "needs chattr +i");
        immutable.add(locked);
        Files.writeString(src.resolve("locked/existing.txt"), "version 2");
        Fx.write(src.resolve("locked/new.txt"), "new");
        Fx.write(src.resolve("free/new.txt"), "also new");

        // (--no-flags: with flags kept, pdm unlocks an immutable target to update it, AttributesIT)
        Pdm.Result r = Pdm.json("copy", src, dst, "--no-flags");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failedPaths()).contains("/locked/existing.txt", "/locked/new.txt");
        assertThat(r.failures()).allSatisfy(f -> assertThat(f.error()).isNotBlank());
        assertThat(r.failures()).filteredOn(f -> f.path().equals("/locked/new.txt"))
                .singleElement().extracting(Pdm.Failure::error).asString().containsIgnoringCase("not permitted");
        assertThat(r.count("files_failed")).isEqualTo(r.failures().size());
        assertThat(r.count("files_copied")).isEqualTo(1);
        assertThat(dst.resolve("free/new.txt")).hasContent("also new");
        assertThat(Files.readString(dst.resolve("locked/existing.txt"))).isEqualTo("v1");

        // once the admin lifts the flag, the next pass completes the job
        TreeComparer.run(List.of("chattr", "-i", locked.toString()));
        Pdm.Result again = Pdm.json("copy", src, dst);
        assertThat(again.exit()).as(again.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void fileGrowingWhileCopiedFailsWithReasonAndTheRestIsCopied() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        // big enough that its copy (in the kernel, copy_file_range) outlasts a scheduling slice of the writer
        Path growing = Fx.write(src.resolve("logs/growing.log"), Fx.random(96 << 20, 1));
        for (int i = 0; i < 20; i++) {
            Fx.write(src.resolve("logs/quiet-" + i), "quiet " + i);
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong appends = new AtomicLong();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try (FileChannel ch = FileChannel.open(growing, StandardOpenOption.APPEND)) {
                while (!stop.get()) {
                    ch.write(ByteBuffer.wrap(new byte[]{'x'}));
                    appends.incrementAndGet();
                    started.countDown();
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }, "appender");
        Pdm.Result r = Pdm.jsonWhile(writer, started, stop, "copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/logs/growing.log");
            assertThat(f.error()).contains("changed");
        });
        assertThat(r.count("files_copied")).isEqualTo(20);
        for (int i = 0; i < 20; i++) {
            assertThat(dst.resolve("logs/quiet-" + i)).hasContent("quiet " + i);
        }
        assertThat(Files.exists(dst.resolve("logs/growing.log"))).as("no partial file under the real name").isFalse();
        assertThat(Fx.names(dst)).noneMatch(n -> n.startsWith(".pdm-tmp-"));
        Pdm.Result again = Pdm.json("copy", src, dst);
        assertThat(again.exit()).as(again.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void fullTargetFailsTheBigFileAndTheRestIsCopied() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.write(src.resolve("big.bin"), Fx.random(3 << 20, 2));
        for (int i = 0; i < 10; i++) {
            Fx.write(src.resolve("small-" + i), Fx.random(1000, i));
        }
        assumeTrue(TreeComparer.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "pdm-test", dst.toString())).isEmpty(),
                "needs permission to mount a tmpfs");
        mounted.add(dst);

        Pdm.Result r = Pdm.json("copy", src, dst, "--file-workers", "1", "--dir-workers", "1");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/big.bin");
            assertThat(f.error()).containsIgnoringCase("space");
        });
        assertThat(r.count("files_copied")).isEqualTo(10);
        assertThat(Files.exists(dst.resolve("big.bin"))).isFalse();
        assertThat(Fx.names(dst)).as("the partial temp file is removed").noneMatch(n -> n.startsWith(".pdm-tmp-"));
        for (int i = 0; i < 10; i++) {
            assertThat(Files.readAllBytes(dst.resolve("small-" + i))).isEqualTo(Fx.random(1000, i));
        }
    }
}

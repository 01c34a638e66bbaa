package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.SortedMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * Users keep working on the live source while pdm copies it: files are rewritten with new
 * sizes and a directory is swapped for a symlink to a directory outside the tree, again
 * and again. pdm must finish, write nowhere but the target, never follow the symlink, give
 * a reason for everything it could not copy, and converge once the source is quiet.
 */
class LiveSourceTest {
    private static final String MARKER = "OUTSIDE-MARKER";

    @TempDir
    Path tmp;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void copyOfAChangingSourceStaysSafeAndConverges() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path outside = tmp.resolve("outside");
        Fx.write(outside.resolve(MARKER), "must never be copied");
        Fx.write(outside.resolve(MARKER + "-dir/inner"), "nor this");
        List<Path> hot = new ArrayList<>();
        for (int d = 0; d < 30; d++) {
            for (int f = 0; f < 100; f++) {
                Path p = Fx.write(src.resolve(String.format("d%02d/f%03d", d, f)), "file " + d + "/" + f + "\n");
                if (f % 10 == 0) {
                    hot.add(p);
                }
            }
        }
        Path swap = src.resolve("d15/swap");
        Path swapReal = src.resolve("d15/swap.real");
        for (int f = 0; f < 50; f++) {
            Fx.write(swap.resolve("s" + f), "swap " + f);
        }
        Fx.write(swap.resolve("sub/deeper"), "deeper");
        SortedMap<String, String> outsideBefore = TreeComparer.snapshot(outside, true);

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger swaps = new AtomicInteger();
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            Random r = new Random(42);
            try {
                while (!stop.get()) {
                    for (int i = 0; i < 5; i++) {
                        Files.write(hot.get(r.nextInt(hot.size())), Fx.random(r.nextInt(64 * 1024), r.nextLong()));
                    }
                    if (Files.isSymbolicLink(swap)) {
                        Files.delete(swap);
                        Files.move(swapReal, swap);
                    } else {
                        Files.move(swap, swapReal);
                        Files.createSymbolicLink(swap, outside);
                    }
                    swaps.incrementAndGet();
                    started.countDown();
                    Thread.sleep(1);
                }
                // the quiet state: the directory is a symlink now, its content under another name
                if (!Files.isSymbolicLink(swap)) {
                    Files.move(swap, swapReal);
                    Files.createSymbolicLink(swap, outside);
                }
            } catch (Throwable t) {
                writerError.set(t);
            }
        }, "live-user");
        Pdm.Result r = Pdm.jsonWhile(writer, started, stop, "copy", src, dst);

        assertThat(writerError.get()).isNull();
        assertThat(swaps.get()).isPositive();
        assertThat(r.exit()).as(r.toString()).isIn(0, 1);
        assertThat(r.failures()).allSatisfy(f -> {
            assertThat(f.path()).startsWith("/");
            assertThat(f.error()).isNotBlank();
        });
        assertThat(r.count("files_failed")).isEqualTo(r.failures().size());
        assertThat(TreeComparer.snapshot(outside, true)).as("nothing written outside the target").isEqualTo(outsideBefore);
        assertThat(Fx.names(dst)).as("the symlink was never followed").noneMatch(n -> n.startsWith(MARKER));
        try (var s = Files.list(tmp)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("src", "dst", "outside");
        }
        Path swapped = dst.resolve("d15/swap");
        if (Files.isSymbolicLink(swapped)) {
            assertThat(Files.readSymbolicLink(swapped)).isEqualTo(outside);
        }

        // the source is quiet now: another copy leaves the swapped directory (non-empty on the
        // target, a symlink on the source) for sync, which then makes the copy exact
        Pdm.Result second = Pdm.json("copy", src, dst);
        assertThat(second.exit()).as(second.toString()).isIn(0, 1);
        assertThat(second.count("files_failed")).as(second.toString()).isZero();
        assertThat(second.failedPaths()).isSubsetOf("/d15/swap");
        Pdm.Result last = Pdm.json("sync", src, dst);
        assertThat(last.exit()).as(last.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
        assertThat(Fx.names(dst)).noneMatch(n -> n.startsWith(".pdm-tmp-"));
    }
}

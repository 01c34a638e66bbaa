package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * Files of split_size and more, copied and verified as ranges (small sizes here: 1 MiB files
 * split into 256 KiB ranges, so the files stay small): exact data, holes kept, one rename, a
 * source that changes during the copy refused and then copied exactly by the next pass, and
 * verify by ranges finding a single byte.
 */
class BigFileTest {
    private static final String[] SPLIT = {"--split-size", "1M", "--chunk-size", "256K", "--file-workers", "4"};
    private static final int CHUNK = 256 << 10;

    @TempDir
    Path tmp;

    private Pdm.Result pdm(String command, Path src, Path dst, String... more) {
        List<String> args = new java.util.ArrayList<>(List.of(SPLIT));
        args.addAll(List.of(more));
        return Pdm.json(command, src, dst, args.toArray(String[]::new));
    }

    @Test
    void aBigFileIsCopiedExactlyAsRangesBesideSmallOnes() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.write(src.resolve("d/big"), Fx.random(5 * CHUNK + 12345, 1)); // (the last range is short)
        Fx.write(src.resolve("d/exactly-split-size"), Fx.random(4 * CHUNK, 2));
        Fx.write(src.resolve("d/small"), Fx.random(1000, 3));
        Fx.chmod(src.resolve("d/big"), 0640);
        Fx.mtime(src.resolve("d/big"), 1_600_000_000_123_456_789L);

        Pdm.Result r = pdm("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isEqualTo(3);
        assertThat(r.count("bytes")).isEqualTo(5 * CHUNK + 12345 + 4 * CHUNK + 1000);
        TreeComparer.assertSameTree(src, dst);
        assertThat(names(dst.resolve("d"))).as("no temp file left").containsExactlyInAnyOrder("big",
                "exactly-split-size", "small");
        assertThat(pdm("verify", src, dst).exit()).isZero();
    }

    @Test
    void aSparseBigFileKeepsItsHolesAcrossRanges() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path f = src.resolve("sparse");
        Fx.mkdirs(src);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            // data at the start, across the boundary of ranges 2 and 3, inside range 9; a hole at the end
            ch.write(ByteBuffer.wrap(Fx.random(8192, 4)), 0);
            ch.write(ByteBuffer.wrap(Fx.random(3 * 4096, 5)), 3L * CHUNK - 4096);
            ch.write(ByteBuffer.wrap(Fx.random(4096, 6)), 9L * CHUNK + 8192);
            ch.truncate(12L * CHUNK);
            ch.write(ByteBuffer.wrap(new byte[0]), 16L * CHUNK - 1); // (no data: only the length)
        }
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.setLength(16L * CHUNK);
        }
        String extents = TreeComparer.dataExtents(f);
        assertThat(extents).as("the test's file has holes where it means them").isNotEqualTo("[0-" + 16L * CHUNK + "]");

        Pdm.Result r = pdm("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
        assertThat(TreeComparer.dataExtents(dst.resolve("sparse"))).isEqualTo(extents);
        assertThat(Fx.allocatedBlocks(dst.resolve("sparse"))).isLessThanOrEqualTo(Fx.allocatedBlocks(f));
    }

    @Test
    void verifyByRangesFindsOneByteInTheLastRange() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        int size = 6 * CHUNK + 777;
        Fx.write(src.resolve("big"), Fx.random(size, 7));
        assertThat(pdm("copy", src, dst).exit()).isZero();
        Path t = dst.resolve("big");
        long mtime = Fx.mtime(t);
        try (RandomAccessFile raf = new RandomAccessFile(t.toFile(), "rw")) {
            raf.seek(size - 3);
            int b = raf.read();
            raf.seek(size - 3);
            raf.write(b ^ 1);
        }
        Fx.mtime(t, mtime); // (size and mtime as copied: only the content tells)

        Pdm.Result r = pdm("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).extracting(Pdm.Failure::path, Pdm.Failure::error)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("/big", "differs: content"));
        assertThat(r.count("bytes")).as("verify's bytes: the data compared, each byte once").isEqualTo(size);
    }

    @Test
    void checksumComparesByRangesAndRecopiesAFileThatDiffersInOneByte() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.write(src.resolve("big"), Fx.random(5 * CHUNK, 10));
        assertThat(pdm("copy", src, dst).exit()).isZero();
        Path t = dst.resolve("big");
        long mtime = Fx.mtime(t);
        try (RandomAccessFile raf = new RandomAccessFile(t.toFile(), "rw")) {
            raf.seek(2 * CHUNK + 5);
            raf.write(raf.read() ^ 0x80);
        }
        Fx.mtime(t, mtime);
        assertThat(pdm("copy", src, dst).count("files_copied")).as("size and mtime look current").isZero();

        Pdm.Result r = pdm("copy", src, dst, "--checksum");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isEqualTo(1);
        TreeComparer.assertSameTree(src, dst);
    }

    /**
     * The source grows while its ranges are being copied (paced by --bwlimit so the change lands
     * between the first range and the last): the file fails with a reason that says so, no temp
     * file and no mixed file is left, and the next pass copies it exactly.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void aSourceThatChangesDuringItsRangesFailsAndTheNextPassCopiesIt() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path f = Fx.write(src.resolve("grows"), Fx.random(8 * CHUNK, 8));
        Fx.mkdirs(dst);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicBoolean changed = new AtomicBoolean();
        AtomicReference<Throwable> error = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                started.countDown();
                while (!stop.get() && !changed.get()) {
                    if (beingWritten(dst)) { // (a range is being written: the copy has begun)
                        Files.write(f, Fx.random(4096, 9), StandardOpenOption.APPEND);
                        changed.set(true);
                    }
                    Thread.sleep(5);
                }
            } catch (Throwable t) {
                error.set(t);
            }
        });

        writer.start();
        started.await();
        Pdm.Result r;
        try {
            r = pdm("copy", src, dst, "--bwlimit", "1M");
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(error.get()).isNull();
        assertThat(changed).as("the writer changed the source during the copy").isTrue();
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(x -> {
            assertThat(x.path()).isEqualTo("/grows");
            assertThat(x.error()).contains("changed while being copied");
        });
        assertThat(names(dst)).as("neither a temp file nor a mixed file").isEmpty();
        // (its ranges were written, but a file not placed is no bytes copied: as in distributed mode)
        assertThat(r.count("files_failed")).isEqualTo(1);
        assertThat(r.count("bytes")).isZero();
        assertThat(r.count("bytes_written")).isZero();

        Pdm.Result again = pdm("copy", src, dst);
        assertThat(again.exit()).as(again.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }

    /** Whether a file is in {@code dir}, under its own name or a temp name: its copy has begun. */
    private static boolean beingWritten(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isPresent();
        }
    }

    @Test
    void badSizesOnTheCommandLineAreRefusedNamingTheValue() throws IOException {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Path dst = tmp.resolve("dst");
        Pdm.Result chunk = Pdm.json("copy", src, dst, "--chunk-size", "100K");
        assertThat(chunk.exit()).as(chunk.toString()).isEqualTo(2);
        assertThat(chunk.err()).contains("--chunk-size").contains("102400");
        Pdm.Result split = Pdm.json("copy", src, dst, "--split-size", "lots");
        assertThat(split.exit()).as(split.toString()).isEqualTo(2);
        assertThat(split.err()).contains("--split-size").contains("'lots' is not a size");
        assertThat(dst).as("nothing was started").doesNotExist();
    }
}

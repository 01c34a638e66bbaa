package pdm.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.NoSuchFileException;
import pdm.task.RangeTask;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BooleanSupplier;
import java.util.concurrent.atomic.AtomicBoolean;
import pdm.config.Split;
import pdm.fs.Copier;
import pdm.fs.FileHandle;
import pdm.fs.Pace;

/**
 * A file's data, copied or compared: whole by the thread that has the file, or, for a file of
 * {@code split_size} and more, as ranges of {@code chunk_size} by several threads
 * ({@link Ranges}). A split file is written into one temp file, created by the placement (a
 * Lustre layout is set before any range) and given its full length first; each range copies
 * only its data extents, so holes stay holes. The caller then settles its metadata, checks that
 * the source neither grew, shrank nor had its mtime moved since it was listed (before the first
 * range), and renames it into place, once: the same steps as a whole file's, so a crash
 * anywhere leaves only a temp file, which the next pass removes.
 */
final class FileData {
    private FileData() {
    }

    /**
     * Copies the first {@code size} bytes of {@code in} to the new file {@code out}; returns the
     * bytes the source had. {@code limit} is asked before each chunk of data (--bwlimit, and the
     * entry's count of data written), from several threads for a big file.
     */
    static long copy(PassContext ctx, FileHandle in, FileHandle out, long size, Pace limit) throws IOException {
        Split split = ctx.options().split();
        Pace pace = counted(ctx, limit);
        if (!split.splits(size)) {
            return Copier.copy(in, out, size, ctx.interrupt(), pace);
        }
        Copier.reserve(out, size);
        ctx.ranges().run(split.ranges(size), i -> Copier.copyRange(in, out, size, split.from(i), split.to(i, size),
                ctx.interrupt(), pace));
        return size;
    }

    /**
     * One range of a big file cut into ranges for several workers ({@link pdm.task.RangeTask}):
     * into the temp file the file's task made, refused unless it is still that inode (one made
     * anew would lack the ranges written before), and only while its finish has not placed it
     * ({@link RangeFence}). Its data bytes count as written, live, and its
     * length in the file's bytes once done.
     */
    static void copyRange(PassContext ctx, DirPair dir, RangeTask r) throws IOException {
        if (dir.tgt() == null) {
            throw new NoSuchFileException(dir.display(r.name()), null, "target directory gone");
        }
        FileHandle fence = RangeFence.forRange(dir, r);
        if (fence == null) {
            return; // (placed already: this range was done before, a task delivered again)
        }
        try (fence; FileHandle in = dir.src().openRead(r.name()); FileHandle out = dir.tgt().openWrite(r.temp())) {
            if (out.meta().ino() != r.tempIno()) {
                throw new IOException("its temp file " + r.temp() + " was replaced; not written, the next pass copies it");
            }
            if (in.meta().ino() != r.src().ino()) {
                throw new IOException("changed while being copied (replaced by another file); the next pass copies it");
            }
            LongAdder bytesWritten = ctx.stats().bytesWritten;
            Pace limit = ctx.throttle();
            Copier.copyRange(in, out, r.src().size(), r.from(), r.to(), ctx.interrupt(),
                    counted(ctx, new Pace() {
                        @Override
                        public long chunk() {
                            return limit.chunk();
                        }

                        @Override
                        public void take(long bytes, BooleanSupplier stop) throws InterruptedIOException {
                            bytesWritten.add(bytes);
                            limit.take(bytes, stop);
                        }
                    }));
            if (ctx.options().fsync()) {
                out.fsync();
            }
        }
        // (the file's bytes count range by range, each once in the job's fold: distributed status and
        // --wait move with a big file's data, and the finish that places it adds none)
        ctx.stats().bytes.add(r.to() - r.from());
    }

    /**
     * One range of a big file that verify compares across workers ({@link RangeTask#verifies}):
     * the range's bytes of source and target, both refused unless still the inodes listed. A
     * difference is the range's result ({@code JobStats.rangeDiffers}), not a difference yet:
     * the file's finish reports the file once, naming the first differing byte of all its ranges.
     */
    static void compareRange(PassContext ctx, DirPair dir, RangeTask r) throws IOException {
        if (dir.tgt() == null) {
            throw new NoSuchFileException(dir.display(r.name()), null, "target directory gone");
        }
        try (FileHandle a = dir.src().openRead(r.name(), r.src());
             FileHandle b = dir.tgt().openRead(r.name(), r.tgt())) {
            if (a.meta().ino() != r.src().ino() || b.meta().ino() != r.tgt().ino()) {
                throw new IOException("replaced by another file while being compared (on the "
                        + (a.meta().ino() != r.src().ino() ? "source" : "target") + "); compare it again");
            }
            long at = compare(ctx, a, b, r.from(), r.to());
            if (at >= 0) {
                ctx.stats().rangeDiffers(at);
            }
        }
        compared(ctx, r.to() - r.from()); // (as a copy range's: the fold counts them once its file is reported)
    }

    /** The process's --bwlimit, counting each chunk into the pass's written bytes as it goes (progress). */
    private static Pace counted(PassContext ctx, Pace limit) {
        LongAdder written = ctx.stats().written;
        return new Pace() {
            @Override
            public long chunk() {
                return limit.chunk();
            }

            @Override
            public void take(long bytes, BooleanSupplier stop) throws InterruptedIOException {
                limit.take(bytes, stop);
                written.add(bytes);
            }
        };
    }

    /**
     * Whether both files, of {@code size} bytes each as listed, hold the same bytes to their ends.
     * Compared at the process's --bwlimit and counted as it goes, as a copy's data is: verify's
     * bytes are the data compared.
     */
    static boolean same(PassContext ctx, FileHandle a, FileHandle b, long size) throws IOException {
        Split split = ctx.options().split();
        if (!split.splits(size)) {
            // (past the listed size, unpaced: both usually end there, and a longer one differs)
            boolean same = compare(ctx, a, b, 0, size) < 0 && Copier.firstDifference(a, b, size, Long.MAX_VALUE) < 0;
            compared(ctx, size);
            return same;
        }
        // (a file that grew since it was listed on both sides alike still compares its tail, as a whole one does)
        if (a.meta().size() != b.meta().size()) {
            return false;
        }
        long end = Math.max(size, a.meta().size());
        int n = split.ranges(end);
        AtomicBoolean differs = new AtomicBoolean();
        ctx.ranges().run(n, i -> {
            if (!differs.get() && compare(ctx, a, b, split.from(i), split.to(i, end)) >= 0) {
                differs.set(true);
            }
        });
        compared(ctx, end);
        return !differs.get();
    }

    /**
     * Verify's one rule for file data, whole files, ranges on threads and range tasks alike: the
     * first byte in [{@code from}, {@code to}) where the files differ, or -1, read chunk by chunk
     * at the process's --bwlimit and counted in the pass's progress bytes as it goes.
     */
    private static long compare(PassContext ctx, FileHandle a, FileHandle b, long from, long to) throws IOException {
        return Copier.firstDifference(a, b, from, to, ctx.interrupt(), counted(ctx, ctx.throttle()));
    }

    /** Data compared, once its compare is over: verify's bytes (and bytes_written, which its byte rate divides). */
    private static void compared(PassContext ctx, long bytes) {
        ctx.stats().bytes.add(bytes);
        ctx.stats().bytesWritten.add(bytes);
    }
}

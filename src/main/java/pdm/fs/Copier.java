package pdm.fs;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.function.BooleanSupplier;
import pdm.fs.linux.Errno;
import pdm.fs.linux.Sys;
import pdm.fs.linux.SysException;

/**
 * Moves file data. Only the source's data extents are copied (lseek SEEK_DATA/SEEK_HOLE), so
 * holes stay exactly where the source has them and a block of zeros the source wrote stays
 * written; the target's length is then set with ftruncate, which keeps a trailing hole a hole.
 * Data goes with copy_file_range (in the kernel, or a reflink where the filesystem offers it);
 * where that is refused (across filesystems: EXDEV on Linux 5.19 and later; EOPNOTSUPP, ENOSYS)
 * a whole file goes with sendfile, which copies each page once in the kernel where a read and a
 * write through pdm's buffer copy it twice; and where that is refused too, with pread/pwrite.
 */
public final class Copier {
    /** Between two checks of the stop request: a terabyte file is given up within a second or so. */
    private static final long CHUNK = 64L << 20;
    private static final int BUFFER = 1 << 20;
    /** Below this a read-ahead hint costs a system call per file and gains nothing. */
    private static final long HINTED = 4L << 20;
    private static final ThreadLocal<MemorySegment[]> BUFFERS = ThreadLocal.withInitial(() -> {
        Arena a = Arena.ofAuto();
        return new MemorySegment[]{a.allocate(BUFFER, 4096), a.allocate(BUFFER, 4096)};
    });
    private static volatile boolean copyFileRange = true;
    private static volatile boolean sendfile = true;

    private Copier() {
    }

    /**
     * Copies the first {@code expected} bytes (the size lstat saw) and returns how many the
     * source had: fewer when it shrank. Growth is not copied; the caller's fstat afterwards sees it.
     *
     * @param pace each chunk waits its turn here (--bwlimit); {@link Pace#NONE} for none
     * @throws CopyStoppedException when {@code stop} says so between two chunks
     */
    public static long copy(FileHandle in, FileHandle out, long expected, BooleanSupplier stop, Pace pace)
            throws IOException {
        int src = in.fd();
        int dst = out.fd();
        if (in.large(HINTED)) {
            Sys.fadvise(src, false);
        }
        if (in.dense(expected)) {
            return copyRun(src, out, 0, expected, stop, pace);
        }
        long pos = 0;
        while (pos < expected) {
            long data = Sys.seek(src, pos, true);
            if (data < 0 || data >= expected) {
                break; // only a hole (or nothing) is left
            }
            long hole = Sys.seek(src, data, false);
            long end = Math.min(hole < 0 ? expected : hole, expected);
            long copied = copyRun(src, out, data, end, stop, pace);
            if (copied < end) {
                return copied; // the source ended early: it shrank
            }
            pos = end;
        }
        // (grown meanwhile: the caller's fstat sees it and refuses the copy)
        return finish(dst, expected);
    }

    /** Copies [from, to) and returns where it ended: {@code to}, or the source's end if it shrank (then truncated there). */
    private static long copyRun(int src, FileHandle out, long from, long to, BooleanSupplier stop, Pace pace)
            throws IOException {
        long at = copyChunks(src, out.fd(), out, from, to, stop, pace);
        return at < to ? finish(out.fd(), at) : to;
    }

    /**
     * Copies [from, to) chunk by chunk at the pace given; returns {@code to}, or where the source ended.
     *
     * @param whole the target when this thread alone writes it (a whole file's copy): sendfile may
     *              then write at its file offset; null for a range of a file that other threads
     *              write through the same descriptor, whose offset is no one's
     */
    private static long copyChunks(int src, int dst, FileHandle whole, long from, long to, BooleanSupplier stop,
                                   Pace pace) throws IOException {
        long chunk = Math.min(CHUNK, pace.chunk());
        for (long at = from; at < to; ) {
            long len = Math.min(chunk, to - at);
            pace.take(len, stop);
            if (stop.getAsBoolean()) {
                throw new CopyStoppedException();
            }
            long n = range(src, dst, whole, at, len);
            if (n == 0) {
                return at;
            }
            at += n;
        }
        return to;
    }

    public static long copy(FileHandle in, FileHandle out, long expected) throws IOException {
        return copy(in, out, expected, () -> false, Pace.NONE);
    }

    private static long finish(int dst, long size) throws IOException {
        Sys.ftruncate(dst, size);
        return size;
    }

    private static long range(int src, int dst, FileHandle whole, long at, long len) throws IOException {
        IOException eio = null;
        if (copyFileRange) {
            try {
                return Sys.copyFileRange(src, dst, at, len);
            } catch (IOException e) {
                if (!SysException.is(e, Errno.EXDEV, Errno.EOPNOTSUPP, Errno.ENOSYS, Errno.EINVAL, Errno.EIO)) {
                    throw e;
                }
                // This kernel (ENOSYS) or these filesystems (EXDEV, EOPNOTSUPP) cannot: sendfile or
                // plain reads and writes from now on, for this process, without a failing call per chunk
                // (a worker serving a same-filesystem pair too then copies that way there as well).
                // EINVAL may be this one file's filesystem, and EIO one disk's: only this chunk,
                // whose read and write then say which side failed (copy_file_range cannot).
                if (!SysException.is(e, Errno.EINVAL, Errno.EIO)) {
                    copyFileRange = false;
                }
                if (SysException.is(e, Errno.EIO)) {
                    eio = e;
                }
            }
        }
        if (!copyFileRange && sendfile && whole != null && eio == null) {
            try {
                return sendfile(src, dst, whole, at, len);
            } catch (IOException e) {
                if (SysException.is(e, Errno.ENOSPC, Errno.EDQUOT, Errno.EFBIG)) {
                    throw SysException.doing("writing the target", e);
                }
                if (!SysException.is(e, Errno.EINVAL, Errno.EOPNOTSUPP, Errno.ENOSYS, Errno.EIO)) {
                    throw e;
                }
                // As above: a filesystem without splice (EINVAL) or a kernel without the call go on
                // with pread/pwrite; EIO retries this chunk with them, which say which side failed.
                if (SysException.is(e, Errno.EIO)) {
                    eio = e;
                } else {
                    sendfile = false;
                }
            }
        }
        MemorySegment buf = BUFFERS.get()[0];
        long n;
        try {
            n = Sys.pread(src, buf, Math.min(len, BUFFER), at);
        } catch (IOException e) {
            throw SysException.doing("reading the source", e);
        }
        try {
            for (long w = 0; w < n; ) {
                w += Sys.pwrite(dst, buf.asSlice(w), n - w, at + w);
            }
        } catch (IOException e) {
            throw SysException.doing("writing the target", e);
        }
        if (eio != null) {
            // (both sides worked the second time: the file still fails, as any I/O error fails it)
            throw SysException.doing("copying (read and write of the same range again succeeded)", eio);
        }
        return n;
    }

    /** sendfile of [at, at + len) to the same offset of {@code out}, its file offset moved there first if it is not. */
    private static long sendfile(int src, int dst, FileHandle out, long at, long len) throws IOException {
        if (out.offset != at) {
            out.offset = -1; // (unknown until the seek is done)
            Sys.seekTo(dst, at);
            out.offset = at;
        }
        try {
            long n = Sys.sendfile(dst, src, at, len);
            out.offset += n;
            return n;
        } catch (IOException e) {
            out.offset = -1; // (a failed call may have written part of the chunk)
            throw e;
        }
    }

    /**
     * Gives a new file its full length before any range of it is written (ftruncate): every
     * range then writes at its offset, and what no range writes stays a hole.
     */
    public static void reserve(FileHandle out, long size) throws IOException {
        Sys.ftruncate(out.fd(), size);
    }

    /**
     * Copies the data extents of [{@code from}, {@code to}) to the same offsets of {@code out},
     * which {@link #reserve} has sized: one range of a split file, as {@link #copy} does a whole
     * one (holes stay holes, copy_file_range or pread/pwrite). Copying a range again writes the
     * same bytes to the same places, so a range redone after a crash is harmless.
     *
     * @param size the whole file's size as listed (a file with no hole is copied without looking for one)
     * @throws IOException when the source ends inside the range (it shrank: the file is refused)
     * @throws CopyStoppedException when {@code stop} says so between two chunks
     */
    public static void copyRange(FileHandle in, FileHandle out, long size, long from, long to, BooleanSupplier stop,
                                 Pace pace) throws IOException {
        int src = in.fd();
        int dst = out.fd();
        if (in.dense(size)) {
            copySpan(src, dst, from, to, stop, pace);
            return;
        }
        long pos = from;
        while (pos < to) {
            long data = Sys.seek(src, pos, true);
            if (data < 0 || data >= to) {
                return; // only a hole is left in this range
            }
            long hole = Sys.seek(src, data, false);
            long end = Math.min(hole < 0 ? to : hole, to);
            copySpan(src, dst, data, end, stop, pace);
            pos = end;
        }
    }

    private static void copySpan(int src, int dst, long from, long to, BooleanSupplier stop, Pace pace)
            throws IOException {
        long at = copyChunks(src, dst, null, from, to, stop, pace);
        if (at < to) {
            // (a range must not truncate the file the other ranges write into: the file is refused instead)
            throw new IOException("changed while being copied (it shrank below " + at + " bytes); the next pass copies it");
        }
    }

    /** True when both files hold the same bytes in [{@code from}, {@code to}): one range of a split file's verify. */
    public static boolean sameRange(FileHandle a, FileHandle b, long from, long to) throws IOException {
        return firstDifference(a, b, from, to) < 0;
    }

    /**
     * The first byte in [{@code from}, {@code to}) where the files differ (one ending before the
     * other counts as a difference where it ends), or -1 when they hold the same bytes there.
     */
    public static long firstDifference(FileHandle a, FileHandle b, long from, long to) throws IOException {
        MemorySegment[] bufs = BUFFERS.get();
        for (long at = from; at < to; ) {
            long want = Math.min(BUFFER, to - at);
            long n = readFully(a.fd(), bufs[0], at, want);
            long m = readFully(b.fd(), bufs[1], at, want);
            long same = MemorySegment.mismatch(bufs[0], 0, n, bufs[1], 0, m);
            if (same != -1) {
                return at + same;
            }
            if (n == 0) {
                return -1;
            }
            at += n;
        }
        return -1;
    }

    /**
     * As {@link #firstDifference(FileHandle, FileHandle, long, long)}, chunk by chunk at the pace
     * given, as a copy goes (--bwlimit, and the caller's count of data compared, taken before each
     * chunk is read): verify reads at the pace a copy writes, and its progress moves as it goes.
     *
     * @throws CopyStoppedException when {@code stop} says so between two chunks
     */
    public static long firstDifference(FileHandle a, FileHandle b, long from, long to, BooleanSupplier stop,
                                       Pace pace) throws IOException {
        if (from == 0 && a.large(HINTED)) {
            Sys.fadvise(a.fd(), false);
            Sys.fadvise(b.fd(), false);
        }
        long chunk = Math.min(CHUNK, pace.chunk());
        for (long at = from; at < to; at += chunk) {
            long len = Math.min(chunk, to - at);
            pace.take(len, stop);
            if (stop.getAsBoolean()) {
                throw new CopyStoppedException();
            }
            long d = firstDifference(a, b, at, at + len);
            if (d >= 0) {
                return d;
            }
        }
        return -1;
    }

    /** True when both files hold the same bytes to their ends. */
    public static boolean sameContent(FileHandle a, FileHandle b) throws IOException {
        if (a.large(HINTED)) {
            Sys.fadvise(a.fd(), false);
            Sys.fadvise(b.fd(), false);
        }
        return sameRange(a, b, 0, Long.MAX_VALUE); // (to both ends: the loop stops where both have no more)
    }

    private static long readFully(int fd, MemorySegment buf, long at, long want) throws IOException {
        long total = 0;
        while (total < want) {
            long r = Sys.pread(fd, buf.asSlice(total), want - total, at + total);
            if (r == 0) {
                break;
            }
            total += r;
        }
        return total;
    }
}

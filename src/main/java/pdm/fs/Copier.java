package pdm.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Moves file data. Blocks of zeros are skipped instead of written, so sparse files stay
 * sparse (like {@code cp --sparse=always}); the last block is always written so the file
 * gets its full length without ftruncate.
 */
public final class Copier {
    static final int BLOCK = 4096;
    private static final int BUFFER = 1 << 20;
    private static final ByteBuffer ZEROS = ByteBuffer.allocateDirect(BLOCK).asReadOnlyBuffer();
    private static final ThreadLocal<ByteBuffer> BUFFERS = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));
    private static final ThreadLocal<ByteBuffer> SECOND = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(BUFFER));

    private Copier() {
    }

    /**
     * Copies up to {@code expected} bytes (the size lstat saw) and returns how many were read:
     * fewer when the file shrank. Growth is not read; the caller's fstat afterwards sees it.
     */
    public static long copy(FileChannel in, FileChannel out, long expected) throws IOException {
        return copy(in, out, expected, () -> false);
    }

    /**
     * The same, giving up between two blocks of a megabyte when {@code stop} says so (an
     * interrupted pass does not wait for a terabyte file), with {@link CopyStoppedException}.
     */
    public static long copy(FileChannel in, FileChannel out, long expected, java.util.function.BooleanSupplier stop)
            throws IOException {
        ByteBuffer buf = BUFFERS.get();
        long pos = 0;
        long written = 0;
        while (true) {
            if (stop.getAsBoolean()) {
                throw new CopyStoppedException();
            }
            buf.clear();
            if (expected - pos < buf.capacity()) {
                buf.limit((int) (expected - pos));
            }
            int n = buf.hasRemaining() ? readFully(in, buf) : 0;
            if (n <= 0) {
                break;
            }
            boolean eof = pos + n >= expected || n < buf.limit();
            int runStart = -1;
            for (int off = 0; off < n; off += BLOCK) {
                int len = Math.min(BLOCK, n - off);
                boolean hole = len == BLOCK && !(eof && off + len == n) && buf.slice(off, len).mismatch(ZEROS) == -1;
                if (hole && runStart >= 0) {
                    written = write(out, buf, runStart, off, pos);
                    runStart = -1;
                } else if (!hole && runStart < 0) {
                    runStart = off;
                }
            }
            if (runStart >= 0) {
                written = write(out, buf, runStart, n, pos);
            }
            pos += n;
        }
        if (written < pos) {
            // The file ends in a hole: writing its last byte gives it its full length.
            out.write(ByteBuffer.allocate(1), pos - 1);
        }
        return pos;
    }

    private static long write(FileChannel out, ByteBuffer buf, int from, int to, long base) throws IOException {
        ByteBuffer run = buf.slice(from, to - from);
        long at = base + from;
        while (run.hasRemaining()) {
            at += out.write(run, at);
        }
        return base + to;
    }

    private static int readFully(FileChannel in, ByteBuffer buf) throws IOException {
        int total = 0;
        while (buf.hasRemaining()) {
            int r = in.read(buf);
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    /** True when both channels hold the same bytes to EOF. */
    public static boolean sameContent(FileChannel a, FileChannel b) throws IOException {
        ByteBuffer x = BUFFERS.get();
        ByteBuffer y = SECOND.get();
        while (true) {
            x.clear();
            y.clear();
            int n = readFully(a, x);
            int m = readFully(b, y);
            if (n != m) {
                return false;
            }
            if (n <= 0) {
                return true;
            }
            x.flip();
            y.flip();
            if (x.mismatch(y) != -1) {
                return false;
            }
        }
    }
}

package pdm.engine;

import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;
import pdm.fs.Pace;

/**
 * The limits of one process (an embedded pass, a worker): --bwlimit on the file data it
 * copies, charged per chunk as the data goes, and --max-files-per-second on the entries its
 * file workers take on. Both may change while it runs (a worker's SIGUSR1/SIGUSR2). Without
 * a limit a charge is one read of a volatile field.
 */
public final class Throttle implements Pace {
    /** A twentieth of a second's worth per chunk: smooth, and still large enough to copy efficiently. */
    private static final int CHUNKS_PER_SECOND = 20;
    private static final long MIN_CHUNK = 16 << 10;

    private final TokenBucket bytes;
    private final TokenBucket files;

    /** @param bytesPerSecond 0 for no limit; @param filesPerSecond 0 for no limit */
    public Throttle(long bytesPerSecond, long filesPerSecond) {
        this.bytes = new TokenBucket(bytesPerSecond);
        this.files = new TokenBucket(filesPerSecond);
    }

    public static Throttle none() {
        return new Throttle(0, 0);
    }

    /** New limits, in force from each worker thread's next chunk or entry. */
    public void set(long bytesPerSecond, long filesPerSecond) {
        bytes.setRate(bytesPerSecond);
        files.setRate(filesPerSecond);
    }

    public long bytesPerSecond() {
        return (long) bytes.rate();
    }

    public long filesPerSecond() {
        return (long) files.rate();
    }

    @Override
    public long chunk() {
        double r = bytes.rate();
        return r <= 0 ? Long.MAX_VALUE : Math.max(MIN_CHUNK, (long) (r / CHUNKS_PER_SECOND));
    }

    @Override
    public void take(long n, BooleanSupplier stop) throws InterruptedIOException {
        try {
            bytes.take(n, stop);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for --bwlimit");
        }
    }

    /** One entry for a file worker: waits its turn under --max-files-per-second (not past a stop request). */
    void file(Interrupt stop) {
        if (!files.limited()) {
            return;
        }
        try {
            files.take(1, stop);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the worker thread's own loop ends on it
        }
    }

    /** The limits for a log line: "--bwlimit 50.0 MiB/s, --max-files-per-second none". */
    @Override
    public String toString() {
        long b = bytesPerSecond();
        long f = filesPerSecond();
        return "bwlimit " + (b == 0 ? "none" : String.format("%.1f MiB/s", b / 1048576.0))
                + ", max_files_per_second " + (f == 0 ? "none" : Long.toString(f));
    }
}

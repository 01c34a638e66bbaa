package pdm.fs;

import java.io.InterruptedIOException;
import java.util.function.BooleanSupplier;

/** Paces the data a copy moves (--bwlimit): how much may go at once, and a wait before each such chunk. */
public interface Pace {
    /** No limit: chunks as large as the copier likes, no wait. */
    Pace NONE = new Pace() {
        @Override
        public long chunk() {
            return Long.MAX_VALUE;
        }

        @Override
        public void take(long bytes, BooleanSupplier stop) {
        }
    };

    /** The most bytes to move in one go, so a big file is smoothed over time rather than sent in bursts. */
    long chunk();

    /** Waits until {@code bytes} more may go; returns early when {@code stop} says so. */
    void take(long bytes, BooleanSupplier stop) throws InterruptedIOException;
}

package pdm.engine;

import java.util.function.BooleanSupplier;

/**
 * A rate limit shared by every thread of a process: {@link #take} admits n units at the
 * bucket's rate, letting a taker run ahead of the schedule by at most {@link #BURST_NS} (so
 * at most a tenth of a second's worth comes as a burst after a pause). Each taker reserves
 * its slot under the lock and sleeps outside it (the generic cell rate algorithm), so
 * sixteen file workers share one rate fairly. The rate may change at any time; takers
 * asleep on the old one are let go at once, so a new limit holds from the next chunk on.
 */
public final class TokenBucket {
    static final long BURST_NS = 100_000_000L;
    /** Sleeps are cut in slices this long, to hear a stop request or a new rate. */
    private static final long SLICE_NS = 100_000_000L;

    private volatile double perSecond;
    /** When the units admitted so far would have been admitted at the rate (nanoTime). */
    private long due = System.nanoTime();
    private long generation;

    /** @param perSecond units per second; 0 for no limit */
    public TokenBucket(double perSecond) {
        setRate(perSecond);
    }

    /** Units per second; 0 for no limit. */
    public double rate() {
        return perSecond;
    }

    public boolean limited() {
        return perSecond > 0;
    }

    public synchronized void setRate(double perSecond) {
        if (perSecond < 0 || Double.isNaN(perSecond)) {
            throw new IllegalArgumentException("a rate is 0 (no limit) or more, not " + perSecond);
        }
        this.perSecond = perSecond;
        due = Math.min(due, System.nanoTime()); // what was reserved at the old rate is forgiven
        generation++;
        notifyAll();
    }

    /**
     * Waits until {@code n} more units may go. Returns early, without waiting its turn, when
     * {@code stop} says so or the rate changes meanwhile.
     */
    public void take(long n, BooleanSupplier stop) throws InterruptedException {
        if (perSecond <= 0 || n <= 0) {
            return;
        }
        synchronized (this) {
            double r = perSecond;
            if (r <= 0) {
                return;
            }
            long now = System.nanoTime();
            due = Math.max(due, now) + (long) (n * 1e9 / r);
            long wakeAt = due - BURST_NS;
            long gen = generation;
            while (generation == gen && !stop.getAsBoolean()) {
                long left = wakeAt - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                long slice = Math.min(left, SLICE_NS);
                wait(slice / 1_000_000, (int) (slice % 1_000_000));
            }
        }
    }
}

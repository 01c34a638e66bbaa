package pdm.engine;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The threads a process lends to the ranges of its split files (see {@link FileData}). The
 * thread that has the file always takes ranges itself, and up to {@code threads - 1} helpers of
 * the process join it while they are free: so a file is never waiting for a helper (no
 * deadlock, whatever else runs), one big file gets {@code threads} streams, and the process as
 * a whole never runs more than {@code threads} helpers besides its file workers.
 */
public final class Ranges {
    /** One range of a file, done by whichever thread takes it. */
    interface Work {
        void run(int range) throws IOException;
    }

    /** No helper: the thread that has the file copies its ranges one after the other. */
    public static final Ranges ONE = new Ranges(1);

    private final int threads;
    private final Semaphore helpers;
    private volatile ExecutorService pool;

    /** @param threads how many threads one file's ranges may keep busy at once (file_workers) */
    public Ranges(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("at least one thread, not " + threads);
        }
        this.threads = threads;
        this.helpers = new Semaphore(threads - 1);
    }

    public int threads() {
        return threads;
    }

    /**
     * Runs ranges 0 to {@code count - 1}, each once, and returns when all are done; the first
     * failure stops the taking of new ranges and is thrown once every range taken has ended, so
     * nothing writes to the file's descriptors after this returns (the caller closes them).
     */
    void run(int count, Work work) throws IOException {
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Runnable take = () -> {
            for (int i; failed.get() == null && (i = next.getAndIncrement()) < count; ) {
                try {
                    work.run(i);
                } catch (Throwable t) {
                    failed.compareAndSet(null, t);
                }
            }
        };
        List<Future<?>> helping = new ArrayList<>();
        for (int h = Math.min(count, threads) - 1; h > 0 && helpers.tryAcquire(); h--) {
            try {
                helping.add(pool().submit(() -> {
                    try {
                        take.run();
                    } finally {
                        helpers.release();
                    }
                }));
            } catch (RejectedExecutionException e) {
                helpers.release();
                break;
            }
        }
        take.run();
        boolean interrupted = false;
        for (Future<?> f : helping) {
            while (true) {
                try {
                    f.get();
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // (still wait: a helper may be writing to the file)
                } catch (ExecutionException e) {
                    failed.compareAndSet(null, e.getCause());
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failed.get();
        if (t instanceof IOException io) {
            throw io;
        } else if (t instanceof RuntimeException r) {
            throw r;
        } else if (t instanceof Error err) {
            throw err;
        } else if (t != null) {
            throw new IOException(t);
        }
    }

    private ExecutorService pool() {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (this) {
                if (pool == null) {
                    AtomicInteger n = new AtomicInteger();
                    // (idle helpers end after a minute: a process that meets no big file keeps none)
                    pool = Executors.newCachedThreadPool(r -> {
                        Thread t = new Thread(r, "pdm-range-" + n.getAndIncrement());
                        t.setDaemon(true);
                        return t;
                    });
                }
                p = pool;
            }
        }
        return p;
    }
}

package pdm.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.task.DirTask;
import pdm.task.FileTask;

/**
 * Threads and queues in one JVM. File tasks go through a bounded queue, so the walk waits
 * for the copy and memory does not grow with the tree. Directory tasks are taken newest
 * first (depth first): the pending ones are then the unvisited siblings along the current
 * paths, bounded by the tree's width times its depth rather than by its size, and the
 * queue never blocks the dir workers that fill it (which would deadlock).
 */
final class InProcessTransport implements TaskSink, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InProcessTransport.class);

    private final int dirWorkers;
    private final int fileWorkers;
    private final BlockingDeque<DirTask> dirs = new LinkedBlockingDeque<>();
    private final BlockingQueue<FileTask> files;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();

    public InProcessTransport(int dirWorkers, int fileWorkers, int fileQueueCapacity) {
        this.dirWorkers = dirWorkers;
        this.fileWorkers = fileWorkers;
        this.files = new ArrayBlockingQueue<>(fileQueueCapacity);
    }

    /** Starts the consumers; each task is handed to {@code handler} on one of them. */
    void start(TaskHandler handler) {
        for (int i = 0; i < dirWorkers; i++) {
            threads.add(thread("pdm-dir-" + i, () -> {
                DirTask t = dirs.takeLast();
                busy.incrementAndGet();
                try {
                    handler.onDir(t);
                } finally {
                    busy.decrementAndGet();
                }
            }));
        }
        for (int i = 0; i < fileWorkers; i++) {
            threads.add(thread("pdm-file-" + i, () -> {
                FileTask t = files.take();
                busy.incrementAndGet();
                try {
                    handler.onFiles(t);
                } finally {
                    busy.decrementAndGet();
                }
            }));
        }
        threads.forEach(Thread::start);
    }

    private interface Step {
        void run() throws InterruptedException;
    }

    /** What ended a worker thread that should never end (an OutOfMemoryError, a bug), or null. */
    private volatile Throwable died;

    /**
     * The error that killed a worker thread: the pass cannot complete without it, so the
     * engine ends the pass with it instead of waiting for work that will never be done.
     */
    public Throwable died() {
        return died;
    }

    private Thread thread(String name, Step step) {
        Thread t = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    step.run();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException | Error e) {
                // Handlers record item failures themselves; reaching here is a bug in pdm or the JVM failing.
                died = e;
                log.error("worker {} stopped by an unexpected error", name, e);
                throw e;
            }
        }, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void publish(DirTask task) {
        dirs.addLast(task);
    }

    @Override
    public void publish(FileTask task) throws InterruptedException {
        files.put(task);
    }

    /**
     * Drops every task not yet started (a stopping pass); the running ones go on. Returns
     * whether nothing runs any more and nothing is queued.
     */
    public boolean drain() {
        dirs.clear();
        files.clear();
        return busy.get() == 0 && dirs.isEmpty() && files.isEmpty();
    }

    /** Directory tasks waiting for a dir worker. */
    public int dirsQueued() {
        return dirs.size();
    }

    /** Tasks being run now. */
    public int running() {
        return busy.get();
    }

    /** File tasks waiting for a file worker. */
    public int filesQueued() {
        return files.size();
    }

    /** Stops the consumers and waits for them; tasks still queued are dropped. */
    @Override
    public void close() {
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

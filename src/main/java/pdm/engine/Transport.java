package pdm.engine;

import pdm.task.DirTask;
import pdm.task.FileTask;

/**
 * Carries tasks from the walk to the workers. The engine decides when a job is done;
 * the transport only delivers, so the same engine runs in-process or over a broker.
 */
public interface Transport extends AutoCloseable {
    /** Starts the consumers; each task is handed to {@code handler} on one of them. */
    void start(TaskHandler handler);

    void publish(DirTask task) throws InterruptedException;

    /** May block while the workers are behind: the walk must not outrun the copy. */
    void publish(FileTask task) throws InterruptedException;

    /** Stops the consumers and waits for them; tasks still queued are dropped. */
    @Override
    void close();
}

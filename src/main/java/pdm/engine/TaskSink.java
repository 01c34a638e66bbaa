package pdm.engine;

import java.io.IOException;
import pdm.task.DirTask;
import java.util.List;
import pdm.task.FileTask;
import pdm.task.FinishTask;
import pdm.task.RangeTask;

/**
 * The engine's one port for the tasks a walk makes: a subdirectory to walk, a batch of one
 * directory's entries. The engine owns it and implements it in process ({@link InProcessTransport});
 * distributed mode implements it over RabbitMQ (pdm.cluster), so the walk knows nothing of a broker.
 */
public interface TaskSink {
    /** @throws PublishFailed when the task cannot be handed on */
    void publish(DirTask task) throws InterruptedException;

    /**
     * May block while the workers are behind: the walk must not outrun the copy.
     *
     * @throws PublishFailed when the task cannot be handed on
     */
    void publish(FileTask task) throws InterruptedException;

    /**
     * Whether a big file's ranges go out as tasks of their own ({@link #split}), for any
     * worker; if not (embedded mode), the process copies them on its own threads.
     */
    default boolean splitsAcrossWorkers() {
        return false;
    }

    /**
     * A big file cut into {@code ranges}, whose temp file is made and sized: each range is handed
     * on as a task, and {@code finish} is what places the file once every range is done (the job
     * tracker sends it, docs/distributed-design.md).
     *
     * @throws PublishFailed when a range cannot be handed on
     */
    default void split(FinishTask finish, List<RangeTask> ranges) throws InterruptedException {
        throw new UnsupportedOperationException("this sink copies big files in process");
    }

    /**
     * A task could not be handed on (the broker went away). It is no failure of an entry: the
     * walk lets it through, and the task that was being run is given back whole, so it is never
     * reported done with one of its children missing.
     */
    final class PublishFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public PublishFailed(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }
}

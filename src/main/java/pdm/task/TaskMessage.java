package pdm.task;

import java.nio.file.Path;

/**
 * A task with everything a worker on another node needs to act on it: which job, which
 * pass, between which configured filesystems, below which PATH, with which options.
 *
 * @param taskId  unique per task, the same for a redelivery or a re-published duplicate
 *                (see {@link TaskIds}), so the job tracker counts each task once
 * @param src     source filesystem name from config.toml
 * @param tgt     target filesystem name from config.toml
 * @param jobPath the job PATH below both roots; a worker refuses a task outside it
 */
public record TaskMessage(String jobId, String taskId, Pass pass, String src, String tgt, JobOptions options,
                          Path jobPath, Task task) {

    /** The directory the task acts in or on. */
    public Path dir() {
        if (task instanceof DirTask d) {
            return d.rel();
        } else if (task instanceof FileTask f) {
            return f.dir();
        } else if (task instanceof RangeTask r) {
            return r.dir();
        } else if (task instanceof FinishTask f) {
            return f.dir();
        }
        return ((DirMetaTask) task).rel();
    }
}

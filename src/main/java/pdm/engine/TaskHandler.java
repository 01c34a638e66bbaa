package pdm.engine;

import pdm.task.DirTask;
import pdm.task.FileTask;

/** The consumer side of the in-process queues: what their threads hand a task to (the walk). Implementations record their own failures. */
interface TaskHandler {
    void onDir(DirTask task) throws InterruptedException;

    void onFiles(FileTask task) throws InterruptedException;
}

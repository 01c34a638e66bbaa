package pdm.engine;

import pdm.task.DirTask;
import pdm.task.FileTask;

/** The work a transport hands its consumers. Implementations record their own failures. */
public interface TaskHandler {
    void onDir(DirTask task) throws InterruptedException;

    void onFiles(FileTask task) throws InterruptedException;
}

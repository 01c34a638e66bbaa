package pdm.engine;

import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;

/** Where a pass puts its decisions about a directory's entries. */
public interface Plan {
    /** Hand an entry to a file worker. */
    void work(WorkItem item) throws InterruptedException;

    /** Walk into a subdirectory. */
    void descend(Path name, FileMeta src) throws InterruptedException;
}

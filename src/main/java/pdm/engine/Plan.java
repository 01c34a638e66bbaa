package pdm.engine;

import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;

/** Where a pass puts its decisions about a directory's entries. */
public interface Plan {
    /** Hand an entry to a file worker. */
    void work(WorkItem item) throws InterruptedException;

    /** Walk into a subdirectory; {@code tgt} is the target directory when known (it lets the walk open it faster). */
    void descend(Path name, FileMeta src, FileMeta tgt) throws InterruptedException;
}

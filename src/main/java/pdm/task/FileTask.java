package pdm.task;

import java.nio.file.Path;
import java.util.List;

/**
 * Up to {@code files_per_task} entries of one directory for a file worker.
 *
 * @param srcDir identity of the source directory (device, inode), null if unknown
 * @param tgtDir identity of the target directory, null if unknown
 */
public record FileTask(Path dir, pdm.fs.FileMeta srcDir, pdm.fs.FileMeta tgtDir, List<WorkItem> items) implements Task {
    public FileTask {
        items = List.copyOf(items);
    }
}

package pdm.task;

import java.nio.file.Path;
import java.util.List;

/** Up to {@code files_per_task} entries of one directory for a file worker. */
public record FileTask(Path dir, List<WorkItem> items) {
    public FileTask {
        items = List.copyOf(items);
    }
}

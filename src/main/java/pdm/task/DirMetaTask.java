package pdm.task;

import java.nio.file.Path;

/**
 * Set one target directory's owner, mode and times from its source, once everything below
 * it is done. Embedded mode does this in-process; distributed mode publishes it when the
 * job tracker sees the directory's subtree complete.
 */
public record DirMetaTask(Path rel) implements Task {
}

package pdm.task;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/**
 * List one directory pair and plan its entries.
 *
 * @param rel     the directory below the filesystem root
 * @param srcMeta the source directory as its parent's listing saw it (null for the job root)
 * @param tgtMeta the target directory as its parent's listing saw it or as it was created (null if unknown)
 */
public record DirTask(Path rel, FileMeta srcMeta, FileMeta tgtMeta) implements Task {
}

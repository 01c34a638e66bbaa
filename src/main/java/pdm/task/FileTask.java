package pdm.task;

import java.nio.file.Path;
import java.util.List;
import pdm.fs.FileMeta;

/**
 * Up to {@code files_per_task} entries of one directory for a file worker. Entries of
 * multi-link files travel in tasks of their own, grouped by {@link #linkShard(FileMeta)}, so
 * that in distributed mode one consumer sees every name of an inode and can keep the links.
 *
 * @param srcDir identity of the source directory (device, inode), null if unknown
 * @param tgtDir identity of the target directory, null if unknown
 */
public record FileTask(Path dir, FileMeta srcDir, FileMeta tgtDir, List<WorkItem> items) implements Task {
    /** How many link queues a pair has (link.SRC.TGT.0 to .3). */
    public static final int LINK_SHARDS = 4;

    public FileTask {
        items = List.copyOf(items);
    }

    /** The link shard of a multi-link source file: a function of its inode only. */
    public static int linkShard(FileMeta src) {
        return Math.floorMod(Long.hashCode(src.dev() * 0x9E3779B97F4A7C15L ^ src.ino()), LINK_SHARDS);
    }

    /** The shard of a task of hard-link entries, or -1 for a task of other entries. */
    public int linkShard() {
        WorkItem first = items.get(0);
        return first.op() == WorkItem.Op.HARDLINK ? linkShard(first.src()) : -1;
    }
}

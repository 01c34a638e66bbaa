package pdm.task;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/**
 * One entry for a file worker: what to do and both sides as the listing saw them
 * (so the worker does not stat again before it acts; it does check afterwards).
 *
 * @param src the source entry, or null when it exists only on the target
 * @param tgt the target entry, or null when it exists only on the source
 */
public record WorkItem(Path name, Op op, FileMeta src, FileMeta tgt) {

    /** What a file worker does with an entry. */
    public enum Op {
        /** write the data under a temporary name, apply metadata, rename into place */
        COPY,
        /** the data is current: fix owner, mode, times only */
        META,
        /** create or replace a symlink */
        SYMLINK,
        /** create a fifo or device node */
        SPECIAL,
        /** a file with several links: the first one met is copied, the others linked to it */
        HARDLINK,
        /** remove from the target (with everything below, for a directory) */
        REMOVE,
        /** compare content and metadata */
        VERIFY
    }
}

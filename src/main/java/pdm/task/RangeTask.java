package pdm.task;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/**
 * One range of a big file, copied by any worker in distributed mode into the temp file the
 * file's task made and sized (docs/distributed-design.md, "Big files across workers"). The temp
 * file is opened by name and refused unless it is still inode {@code tempIno}: one removed and
 * made anew would lack the ranges written before. Copying a range twice writes the same bytes.
 *
 * @param name    the file's name in {@code dir}
 * @param temp    the temp file's name in {@code dir}
 * @param src     the source file as its directory's listing saw it
 * @param from    the first byte of the range
 * @param to      the byte after its last
 */
public record RangeTask(Path dir, Path name, Path temp, long tempIno, FileMeta src, long from, long to)
        implements Task {
    public RangeTask {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("a range is from < to, not [" + from + ", " + to + ")");
        }
    }
}

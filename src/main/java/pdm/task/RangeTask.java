package pdm.task;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/**
 * One range of a big file, run by any worker in distributed mode (docs/distributed-design.md,
 * "Big files across workers"). A copy range ({@code tgt} null) writes into the temp file the
 * file's task made and sized; the temp file is opened by name and refused unless it is still
 * inode {@code tempIno}: one removed and made anew would lack the ranges written before. Copying
 * a range twice writes the same bytes. A verify range ({@code tgt} set, no temp file) compares
 * the range's bytes of source and target and writes nothing.
 *
 * @param name    the file's name in {@code dir}
 * @param temp    the temp file's name in {@code dir}; null for a verify range
 * @param src     the source file as its directory's listing saw it
 * @param from    the first byte of the range
 * @param to      the byte after its last
 * @param tgt     the target file as the listing saw it, for a verify range; null for a copy range
 */
public record RangeTask(Path dir, Path name, Path temp, long tempIno, FileMeta src, long from, long to, FileMeta tgt)
        implements Task {
    public RangeTask {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("a range is from < to, not [" + from + ", " + to + ")");
        }
        if ((tgt == null) == (temp == null)) {
            throw new IllegalArgumentException("a copy range has a temp file and no target, a verify range the reverse");
        }
    }

    /** A range to copy into the temp file {@code temp}. */
    public RangeTask(Path dir, Path name, Path temp, long tempIno, FileMeta src, long from, long to) {
        this(dir, name, temp, tempIno, src, from, to, null);
    }

    /** A range to compare, source against target, as both were listed. */
    public static RangeTask verify(Path dir, Path name, FileMeta src, FileMeta tgt, long from, long to) {
        return new RangeTask(dir, name, null, 0, src, from, to, tgt);
    }

    public boolean verifies() {
        return tgt != null;
    }
}

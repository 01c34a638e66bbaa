package pdm.task;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/**
 * A big file whose ranges all have their done event. Derived by the job tracker's fold, as a
 * directory's metadata task is, never by a worker (docs/distributed-design.md).
 * <p>
 * Copy: give its temp file the source's metadata and rename it into place, once the source is
 * seen unchanged since it was listed (size, mtime, inode); else the file fails and the temp file
 * is removed. Verify ({@code verify}, no temp file): the file's one verdict, from its ranges'
 * results ({@code differsAt}) and its metadata compared now, after a check that neither side
 * moved since it was listed; reported once, whatever the number of ranges.
 *
 * @param tgt       the target entry as the listing saw it, or null
 * @param discard   why the file cannot be placed (a range of it failed): a copy's temp file is
 *                  only removed, a verify reports nothing more (the range's failure is the file's);
 *                  null when every range was run
 * @param verify    a verify finish: compares, writes nothing
 * @param differsAt verify: the first byte at which a range found source and target to differ,
 *                  or -1 when every range found them the same
 */
public record FinishTask(Path dir, Path name, Path temp, long tempIno, FileMeta src, FileMeta tgt, String discard,
                         boolean verify, long differsAt) implements Task {
    /** A copy's finish. */
    public FinishTask(Path dir, Path name, Path temp, long tempIno, FileMeta src, FileMeta tgt, String discard) {
        this(dir, name, temp, tempIno, src, tgt, discard, false, -1);
    }

    /** The finish of a verify of a big file by ranges, before any range's result is known. */
    public static FinishTask verify(Path dir, Path name, FileMeta src, FileMeta tgt) {
        return new FinishTask(dir, name, null, 0, src, tgt, null, true, -1);
    }

    /** The same finish, to remove the temp file only (verify: to report nothing more), for {@code why}. */
    public FinishTask discarded(String why) {
        return new FinishTask(dir, name, temp, tempIno, src, tgt, why, verify, differsAt);
    }

    /** The same verify finish, knowing its ranges found the first difference at byte {@code at}. */
    public FinishTask differing(long at) {
        return new FinishTask(dir, name, temp, tempIno, src, tgt, discard, verify, at);
    }
}

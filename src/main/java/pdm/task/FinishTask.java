package pdm.task;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/**
 * A big file whose ranges all have their done event: give its temp file the source's metadata
 * and rename it into place, once the source is seen unchanged since it was listed (size,
 * mtime, inode); else the file fails and the temp file is removed. Derived by the job tracker's
 * fold, as a directory's metadata task is, never by a worker (docs/distributed-design.md).
 *
 * @param tgt     the target entry as the listing saw it, or null
 * @param discard why the file cannot be placed (a range of it failed): the temp file is only
 *                removed; null when every range was copied
 */
public record FinishTask(Path dir, Path name, Path temp, long tempIno, FileMeta src, FileMeta tgt, String discard)
        implements Task {
    /** The same finish, to remove the temp file only, for {@code why}. */
    public FinishTask discarded(String why) {
        return new FinishTask(dir, name, temp, tempIno, src, tgt, why);
    }
}

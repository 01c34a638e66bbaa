package pdm.engine;

import java.io.IOException;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;

/**
 * A new empty file whose source has nothing beyond owner, mode and times is copied without
 * opening the source: there is no data to read, its attributes are asked by name
 * ({@link pdm.fs.Dir#bareByName}), and a last lstat instead of an fstat says that it did not
 * change meanwhile. Three system calls fewer a file (open, fstat, close) where a tree holds many
 * empty files. Where anything is in doubt the copy opens the source as for any file.
 */
final class EmptySource {
    private EmptySource() {
    }

    /** Whether {@code item} may be copied this way: new on the target, empty, plainly created, bare. */
    static boolean bare(PassContext ctx, DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        return item.tgt() == null && src.size() == 0 && !ctx.placement().placesFile(src)
                && dir.src().bareByName(item.name(), ctx.options().attrs(), src.dev());
    }

    /** Whether the source is still the empty file it was listed as: same inode, size, mtime and ctime. */
    static boolean unchanged(DirPair dir, WorkItem item) throws IOException {
        FileMeta src = item.src();
        FileMeta now = dir.src().stat(item.name());
        return now != null && now.isFile() && now.ino() == src.ino() && now.size() == 0
                && now.mtimeNs() == src.mtimeNs() && now.ctimeNs() == src.ctimeNs();
    }
}

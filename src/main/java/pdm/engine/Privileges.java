package pdm.engine;

import pdm.fs.FileMeta;
import pdm.fs.ProcessIds;

/** Whether this process may give files away (chown): only root may, as rsync knows too. */
final class Privileges {
    private static final boolean ROOT = ProcessIds.uid() == 0;

    private Privileges() {
    }

    static boolean isRoot() {
        return ROOT;
    }

    /**
     * Whether an entry a non-root pdm creates can carry {@code src}'s owner and group: only
     * when they are already this process's own.
     */
    static boolean owns(FileMeta src) {
        return src.uid() == ProcessIds.uid() && src.gid() == ProcessIds.gid();
    }
}

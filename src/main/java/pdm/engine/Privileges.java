package pdm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import pdm.fs.FileMeta;

/** Whether this process may give files away (chown): only root may, as rsync knows too. */
final class Privileges {
    private static final long[] IDS = effectiveIds();
    private static final boolean ROOT = IDS[0] == 0;

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
        return src.uid() == IDS[0] && src.gid() == IDS[1];
    }

    /** {effective uid, effective gid}. */
    private static long[] effectiveIds() {
        long uid = -1;
        long gid = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.split("\\s+")[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the user name
        }
        if (uid == -1 && "root".equals(System.getProperty("user.name"))) {
            uid = 0;
        }
        return new long[]{uid, gid};
    }
}

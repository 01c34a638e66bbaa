package pdm.fs;

import java.io.IOException;
import pdm.fs.linux.Errno;
import pdm.fs.linux.Sys;
import pdm.fs.linux.SysException;

/**
 * O_NOATIME for every read of one filesystem root (files and directories, on either side of
 * a pass), so a copy or a verify leaves the atimes it reads as it found them: scratch
 * filesystems purge by atime, and a migration must not shield every file it read. The kernel
 * allows the flag to the file's owner and to root only; the first refusal (EPERM) turns it off
 * for the root, so a refused open is tried once per root, not once per file.
 */
final class NoAtime {
    /** An open with these extra flags. */
    @FunctionalInterface
    interface Open {
        int open(int extraFlags) throws IOException;
    }

    private volatile boolean allowed = true;

    /** Opens with O_NOATIME while this root allows it, and without it from the first refusal on. */
    int open(Open o) throws IOException {
        if (!allowed) {
            return o.open(0);
        }
        try {
            return o.open(Sys.ARCH.oNoatime());
        } catch (SysException e) {
            if (e.errno() != Errno.EPERM) {
                throw e;
            }
            allowed = false;
            return o.open(0);
        }
    }

    /** Whether reads still ask for O_NOATIME (false once the kernel refused it here). */
    boolean allowed() {
        return allowed;
    }
}

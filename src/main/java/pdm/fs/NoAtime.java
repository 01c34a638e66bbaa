package pdm.fs;

import java.io.IOException;
import pdm.fs.linux.Errno;
import pdm.fs.linux.Sys;
import pdm.fs.linux.SysException;

/**
 * O_NOATIME for every read of one filesystem root (files and directories, on either side of
 * a pass), so a copy or a verify leaves the atimes it reads as it found them: scratch
 * filesystems purge by atime, and a migration must not shield every file it read. The kernel
 * allows the flag to the file's owner and to root only: a refused open (EPERM) is made again
 * without it, for that file alone. Once the kernel has refused it here, an entry whose owner the
 * caller knows (from the listing) and that is not this process's is opened without it at once:
 * no refused open per entry of another owner. Turning it off for the whole root at the first
 * refusal instead would have the atimes of the user's own files read after it moved.
 */
final class NoAtime {
    /** An open with these extra flags. */
    @FunctionalInterface
    interface Open {
        int open(int extraFlags) throws IOException;
    }

    /** The kernel refused the flag on this root: this process may not use it on what it does not own. */
    private volatile boolean refused;

    /** Opens an entry whose owner is not known with O_NOATIME, and without it where the kernel refuses it. */
    int open(Open o) throws IOException {
        return open(o, -1);
    }

    /** The same for an entry owned by {@code owner} (-1: not known). */
    int open(Open o, long owner) throws IOException {
        if (refused && owner >= 0 && owner != ProcessIds.uid()) {
            return o.open(0);
        }
        try {
            return o.open(Sys.ARCH.oNoatime());
        } catch (SysException e) {
            if (e.errno() != Errno.EPERM) {
                throw e;
            }
            refused = true;
            return o.open(0);
        }
    }

}

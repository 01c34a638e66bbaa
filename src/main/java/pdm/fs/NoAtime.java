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
 * without it, for that file alone. Turning it off for the whole root at the first refusal would
 * save that second open, but an ordinary user's tree with one file of another owner would then
 * have the atimes of all its files read after it moved.
 */
final class NoAtime {
    /** An open with these extra flags. */
    @FunctionalInterface
    interface Open {
        int open(int extraFlags) throws IOException;
    }

    /** Opens with O_NOATIME, and without it where the kernel refuses it for this file. */
    int open(Open o) throws IOException {
        try {
            return o.open(Sys.ARCH.oNoatime());
        } catch (SysException e) {
            if (e.errno() != Errno.EPERM) {
                throw e;
            }
            return o.open(0);
        }
    }

}

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

    /**
     * {@code openat(dirFd, name, flags)} as {@link #open(Open, long)} does it, with no lambda: a
     * file's open is made once per file, and under C1 each capturing lambda made is a call into
     * the VM (bench/README, "ninth").
     */
    int openat(int dirFd, byte[] name, int flags, long owner) throws IOException {
        if (!tryFlag(owner)) {
            return Sys.openat(dirFd, name, flags, 0);
        }
        try {
            return Sys.openat(dirFd, name, flags | Sys.ARCH.oNoatime(), 0);
        } catch (SysException e) {
            refusedBy(e);
            return Sys.openat(dirFd, name, flags, 0);
        }
    }

    /** {@link #open(Open)} for an entry owned by {@code owner} (-1: not known). */
    int open(Open o, long owner) throws IOException {
        if (!tryFlag(owner)) {
            return o.open(0);
        }
        try {
            return o.open(Sys.ARCH.oNoatime());
        } catch (SysException e) {
            refusedBy(e);
            return o.open(0);
        }
    }

    /** Whether to ask for the flag: not for an entry of another owner once the kernel has refused it here. */
    private boolean tryFlag(long owner) {
        return !(refused && owner >= 0 && owner != ProcessIds.uid());
    }

    /** Rethrows {@code e} unless it is the kernel refusing the flag (EPERM), which is remembered. */
    private void refusedBy(SysException e) throws SysException {
        if (e.errno() != Errno.EPERM) {
            throw e;
        }
        refused = true;
    }

}

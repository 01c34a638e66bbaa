package pdm.engine;

import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import pdm.fs.linux.Errno;
import pdm.fs.linux.SysException;

/** Turns exceptions into the short reasons a summary lists. */
final class Reasons {
    private Reasons() {
    }

    static String of(Throwable t) {
        if (t instanceof NoSuchFileException n) {
            // (the JDK leaves the reason empty; pdm's own checks put one in)
            return n.getReason() != null ? n.getReason() : "vanished (no such file or directory)";
        }
        if (t instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (t instanceof FileSystemLoopException) {
            return "is now a symlink; not followed";
        }
        if (t instanceof NotDirectoryException) {
            return "is no longer a directory";
        }
        if (t instanceof DirectoryNotEmptyException) {
            return "directory not empty";
        }
        if (t instanceof FileSystemException f && f.getReason() != null) {
            if (f instanceof SysException s && s.errno() == Errno.ELOOP) {
                return "is now a symlink; not followed";
            }
            if (f instanceof SysException s && s.errno() == Errno.EPERM
                    && (s.call().startsWith("rename") || Privileges.isRoot())) {
                // (a rename, or anything root does, fails with EPERM for an inode flag: the kernel says no more)
                return f.getReason() + ": is the file or its directory immutable or append-only? (lsattr -d; "
                        + "chattr -i -a)";
            }
            return f.getReason();
        }
        String m = t.getMessage();
        return m == null ? t.getClass().getSimpleName() : m;
    }
}

package pdm.fs.linux;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * A failed system call, as the JDK's UnixException becomes one: the errno as a number to test
 * ({@link #errno()}), the message naming the call, the errno and the path. The errnos that
 * have a JDK type of their own (no such file, permission, exists, not a directory, loop, not
 * empty) are thrown as that type, so callers catch them as they would from java.nio.file;
 * every other one is a SysException.
 */
public final class SysException extends FileSystemException {
    private final int errno;
    private final String call;

    SysException(String path, String call, int errno) {
        super(path, null, call + ": " + Errno.describe(errno));
        this.errno = errno;
        this.call = call;
    }

    /** What the kernel said. */
    public Errno errno() {
        return Errno.of(errno);
    }

    /** The system call that failed, e.g. {@code copy_file_range}. */
    public String call() {
        return call;
    }

    /** Whether {@code e} is a SysException of one of these errnos. */
    public static boolean is(IOException e, Errno... any) {
        if (e instanceof SysException s) {
            for (Errno x : any) {
                if (s.errno == x.number()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * {@code e} with what pdm was doing said first ("reading the source: pread: EIO ..."), where
     * the call alone leaves it open; the same errno, so every check on it still holds.
     */
    public static IOException doing(String what, IOException e) {
        if (!(e instanceof SysException s)) {
            return e;
        }
        SysException said = new SysException(s.getFile(), what + ": " + s.call, s.errno);
        said.initCause(e);
        return said;
    }

    /** The exception a failed {@code call} on {@code path} throws. */
    static IOException of(String call, int errno, String path) {
        return switch (Errno.of(errno)) {
            case ENOENT -> new NoSuchFileException(path, null, null);
            // (EPERM is no permission bit: an immutable file, chown without root; its own words say so)
            case EACCES -> new AccessDeniedException(path, null, call + ": " + Errno.describe(errno));
            case EEXIST -> new FileAlreadyExistsException(path, null, call + ": " + Errno.describe(errno));
            case ENOTDIR -> new NotDirectoryException(path);
            case ELOOP -> new FileSystemLoopException(path);
            case ENOTEMPTY -> new DirectoryNotEmptyException(path);
            default -> new SysException(path, call, errno);
        };
    }
}

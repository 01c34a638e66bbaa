package pdm.fs.linux;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.HashMap;
import java.util.Map;

/**
 * A failed call as the IOException the rest of pdm (and the JDK) understands: the type says
 * what happened (no such file, permission, loop...), the message names the call, the errno
 * and the path.
 */
final class Errors {
    private static final Map<String, String> TEXT = Map.ofEntries(
            Map.entry("EPERM", "Operation not permitted"), Map.entry("ENOENT", "No such file or directory"),
            Map.entry("EINTR", "Interrupted system call"), Map.entry("EIO", "Input/output error"),
            Map.entry("EBADF", "Bad file descriptor"), Map.entry("EAGAIN", "Resource temporarily unavailable"),
            Map.entry("ENOMEM", "Cannot allocate memory"), Map.entry("EACCES", "Permission denied"),
            Map.entry("EBUSY", "Device or resource busy"), Map.entry("EEXIST", "File exists"),
            Map.entry("EXDEV", "Invalid cross-device link"), Map.entry("ENODEV", "No such device"),
            Map.entry("ENOTDIR", "Not a directory"), Map.entry("EISDIR", "Is a directory"),
            Map.entry("EINVAL", "Invalid argument"), Map.entry("ENFILE", "Too many open files in system"),
            Map.entry("EMFILE", "Too many open files"), Map.entry("ETXTBSY", "Text file busy"),
            Map.entry("EFBIG", "File too large"), Map.entry("ENOSPC", "No space left on device"),
            Map.entry("ESPIPE", "Illegal seek"), Map.entry("EROFS", "Read-only file system"),
            Map.entry("EMLINK", "Too many links"), Map.entry("ERANGE", "Numerical result out of range"),
            Map.entry("ENAMETOOLONG", "File name too long"), Map.entry("ENOSYS", "Function not implemented"),
            Map.entry("ENOTEMPTY", "Directory not empty"), Map.entry("ELOOP", "Too many levels of symbolic links"),
            Map.entry("ENODATA", "No data available"), Map.entry("EOPNOTSUPP", "Operation not supported"),
            Map.entry("ESTALE", "Stale file handle"), Map.entry("EDQUOT", "Disk quota exceeded"));

    private final Map<Integer, String> names = new HashMap<>();
    private final Arch arch;

    Errors(Arch arch) {
        this.arch = arch;
        arch.errno().forEach((name, value) -> names.put(value, name));
    }

    boolean is(int errno, String name) {
        return errno == arch.errno(name);
    }

    String name(int errno) {
        return names.getOrDefault(errno, "errno " + errno);
    }

    /** "ELOOP (Too many levels of symbolic links)". */
    String describe(int errno) {
        String n = names.get(errno);
        return n == null ? "errno " + errno : n + " (" + TEXT.get(n) + ")";
    }

    IOException of(String call, int errno, String path) {
        String reason = call + ": " + describe(errno);
        String n = names.getOrDefault(errno, "");
        return switch (n) {
            case "ENOENT" -> new NoSuchFileException(path, null, null);
            // (EPERM is no permission bit: an immutable file, chown without root; its own words say so)
            case "EACCES" -> new AccessDeniedException(path, null, reason);
            case "EEXIST" -> new FileAlreadyExistsException(path, null, reason);
            case "ENOTDIR" -> new NotDirectoryException(path);
            case "ELOOP" -> new FileSystemLoopException(path);
            case "ENOTEMPTY" -> new DirectoryNotEmptyException(path);
            default -> new FileSystemException(path, null, reason);
        };
    }
}

package pdm.fs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pdm.fs.linux.NameBytes;

/**
 * The rules for a path a user types: a job PATH becomes a safe relative path below the
 * filesystem root. Converting names to and from bytes is {@link NameBytes}'s alone.
 */
public final class Names {
    /** The empty relative path: the root of a filesystem or of a job. */
    public static final Path ROOT = Path.of("");

    private Names() {
    }

    /**
     * A job PATH as a user typed it ({@code /user_xyz}, {@code user_xyz/a}, {@code /}) as a
     * relative path below the filesystem root. Refuses {@code ..} instead of resolving it,
     * so no argument can name anything outside the root.
     */
    public static Path jobPath(String typed) {
        if (typed == null || typed.isEmpty()) {
            throw new SafetyException("PATH is empty: give a path below the filesystem root, e.g. /user_xyz or /");
        }
        if (typed.indexOf('\0') >= 0) {
            throw new SafetyException("PATH '" + typed + "' contains a NUL byte");
        }
        List<String> parts = new ArrayList<>();
        for (String part : typed.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                throw new SafetyException("PATH '" + typed + "' contains '..': pdm does not leave the filesystem root; "
                        + "name the directory below the root directly");
            }
            parts.add(part);
        }
        return parts.isEmpty() ? ROOT : Path.of(parts.get(0), parts.subList(1, parts.size()).toArray(String[]::new));
    }

    /** Whether a relative path is the root itself (Path.of("") has one empty name, not none). */
    public static boolean isRoot(Path rel) {
        return rel.toString().isEmpty();
    }

    /** The components of a relative path; none for the root. */
    public static List<Path> parts(Path rel) {
        List<Path> out = new ArrayList<>();
        if (!isRoot(rel)) {
            rel.forEach(out::add);
        }
        return out;
    }

    /** The path as it lives inside its filesystem, e.g. {@code /user_xyz/a b}, for messages. */
    public static String display(Path rel) {
        return "/" + NameBytes.text(rel);
    }
}

package pdm.engine;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The -i/--itemize list, one line per change: what changes and the path, exact bytes escaped
 * ({@link pdm.fs.Names#display}). A dry run prints the very same lines as the real run it
 * stands for, so the two can be compared line by line.
 */
public final class ChangeList {
    /** What a line says happened to its path. */
    public enum Change {
        MKDIR, COPY, META, SYMLINK, LINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE, SOCKET, REMOVE, DIRMETA, KEEP, UNLOCK;

        String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final ChangeList NONE = new ChangeList(null);

    private final PrintStream out;

    /** @param out where the lines go; null for nowhere */
    public ChangeList(PrintStream out) {
        this.out = out;
    }

    public void add(Change what, String displayPath) {
        add(what, displayPath, java.util.List.of());
    }

    /**
     * A line that also names what changed, as verify names it, in parentheses after the path:
     * {@code meta         /f (acl, xattr trusted.t, flags +i)} (rsync's itemize letters, in words).
     */
    public void add(Change what, String displayPath, java.util.List<String> changed) {
        if (out != null) {
            String line = String.format(Locale.ROOT, "%-12s %s", what.word(), displayPath)
                    + (changed.isEmpty() ? "" : " (" + String.join(", ", changed) + ")");
            synchronized (out) {
                out.println(line);
            }
        }
    }
}

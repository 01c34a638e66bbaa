package pdm.engine;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The -i/--itemize list, one line per change: what changes and the path, exact bytes escaped
 * ({@link pdm.fs.Names#display}); or, for -v, rsync -v's list: the path of each entry made or
 * replaced ("/dir/" for a directory), "deleting PATH" for each removal. A dry run prints the very
 * same lines as the real run it stands for, so the two can be compared line by line.
 *
 * <p>The walk's threads find changes in no fixed order, so the lines are held and printed sorted
 * by path (the changes of one path in the order they were made) when the pass ends, or
 * whenever {@link #HELD} lines are waiting: two runs over the same trees print the same lines in
 * the same order (a pass of more than {@link #HELD} changes: sorted within each run of that many).
 */
public final class ChangeList {
    /** What a line says happened to its path. */
    public enum Change {
        MKDIR, COPY, META, SYMLINK, LINK, FIFO, CHAR_DEVICE, BLOCK_DEVICE, SOCKET, REMOVE, DIRMETA, KEEP, UNLOCK,
        /** A removal --max-delete left: what the command would have removed past its cap. */
        CAPPED;

        String word() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** How many lines are held, at most, before they are printed. */
    static final int HELD = 200_000;

    public static final ChangeList NONE = new ChangeList(null);

    private record Line(String path, String text) {
    }

    private final PrintStream out;
    private final boolean names;
    private final List<Line> held = new ArrayList<>();

    /** @param out where the -i lines go; null for nowhere */
    public ChangeList(PrintStream out) {
        this(out, false);
    }

    /**
     * @param out   where the lines go; null for nowhere
     * @param names rsync -v's list of names instead of -i's lines
     */
    public ChangeList(PrintStream out, boolean names) {
        this.out = out;
        this.names = names;
    }

    public void add(Change what, String displayPath) {
        add(what, displayPath, java.util.List.of());
    }

    /** {@link #add(Change, String, java.util.List)} of the entry {@code name} of {@code dir}, named only when listed. */
    void add(Change what, DirPair dir, java.nio.file.Path name, java.util.List<String> changed) {
        if (out != null) {
            add(what, dir.display(name), changed);
        }
    }

    /**
     * A line that also names what changed, as verify names it, in parentheses after the path:
     * {@code meta         /f (acl, xattr trusted.t, flags +i)} (rsync's itemize letters, in words).
     */
    public void add(Change what, String displayPath, java.util.List<String> changed) {
        if (out == null) {
            return;
        }
        String line = names ? name(what, displayPath) : String.format(Locale.ROOT, "%-12s %s", what.word(), displayPath)
                + (changed.isEmpty() ? "" : " (" + String.join(", ", changed) + ")");
        if (line == null) {
            return;
        }
        synchronized (held) {
            held.add(new Line(displayPath, line));
            if (held.size() >= HELD) {
                flush();
            }
        }
    }

    /** rsync -v's line for a change, or null for one it does not list (metadata alone, an entry kept). */
    private static String name(Change what, String path) {
        return switch (what) {
            case MKDIR -> path.endsWith("/") ? path : path + "/";
            case REMOVE -> "deleting " + path;
            case META, DIRMETA, KEEP, UNLOCK, CAPPED -> null;
            default -> path;
        };
    }

    /** Prints the lines held so far, sorted by path. */
    public void flush() {
        if (out == null) {
            return;
        }
        synchronized (held) {
            held.sort(Comparator.comparing(Line::path)); // (stable: one path's changes stay in their order)
            synchronized (out) {
                held.forEach(l -> out.println(l.text()));
                out.flush();
            }
            held.clear();
        }
    }
}

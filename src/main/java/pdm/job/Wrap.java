package pdm.job;

import java.util.ArrayList;
import java.util.List;

/**
 * Text for a terminal of a given width: broken between words, never inside one, each line
 * after the first indented. A word longer than a line (a long path) is left whole on its own
 * line rather than cut.
 */
public final class Wrap {
    /** The width pdm writes for on a terminal, whatever wider one it has: lines a person reads. */
    public static final int COLUMNS = 80;

    private Wrap() {
    }

    /** {@code text} in lines of at most {@code width} columns, the second and later ones after {@code indent}. */
    public static List<String> lines(String text, int width, String indent) {
        List<String> out = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (!line.isEmpty() && line.length() + 1 + word.length() > width) {
                out.add(line.toString());
                line.setLength(0);
                line.append(indent);
            }
            if (!line.isEmpty() && !line.toString().equals(indent)) {
                line.append(' ');
            }
            line.append(word);
        }
        if (!line.isEmpty()) {
            out.add(line.toString());
        }
        return out;
    }

    /**
     * {@code value} after {@code label}, wrapped to {@code width}, its later lines aligned under
     * its first: "  files     123 copied, ..." then "            failed".
     */
    public static String labelled(String label, String value, int width) {
        List<String> l = lines(value, Math.max(20, width - label.length()), "");
        String pad = " ".repeat(label.length());
        StringBuilder b = new StringBuilder(label).append(l.isEmpty() ? "" : l.get(0));
        for (String more : l.subList(Math.min(1, l.size()), l.size())) {
            b.append(System.lineSeparator()).append(pad).append(more);
        }
        return b.toString();
    }

    /** {@code text} wrapped as {@link #lines}, joined by line separators. */
    public static String text(String text, int width, String indent) {
        return String.join(System.lineSeparator(), lines(text, width, indent));
    }
}

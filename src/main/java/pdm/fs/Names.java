package pdm.fs;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Names are bytes; this turns user input into safe relative paths and paths into readable text. */
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
        return "/" + text(rel);
    }

    /**
     * Readable text for exact bytes: valid UTF-8 as is, every other byte and every control
     * character as an escape ({@code \xe9}, {@code \n}), so a name never breaks a log line
     * and two different names never look the same.
     */
    public static String text(Path p) {
        byte[] b = isRoot(p) ? new byte[0] : Unix.bytes(p);
        var decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        String s;
        try {
            s = decoder.decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return escapeBytes(b);
        }
        return escapeControls(s);
    }

    private static String escapeControls(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f || c == '\\') {
                if (out == null) {
                    out = new StringBuilder(s.length() + 8).append(s, 0, i);
                }
                out.append(escape(c));
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static String escapeBytes(byte[] b) {
        StringBuilder out = new StringBuilder(b.length + 8);
        int i = 0;
        while (i < b.length) {
            int len = utf8Length(b, i);
            if (len > 1) {
                out.append(new String(b, i, len, StandardCharsets.UTF_8));
                i += len;
            } else {
                int c = b[i] & 0xff;
                out.append(c < 0x80 ? escape((char) c) : String.format("\\x%02x", c));
                i++;
            }
        }
        return out.toString();
    }

    private static String escape(char c) {
        return switch (c) {
            case '\n' -> "\\n";
            case '\t' -> "\\t";
            case '\r' -> "\\r";
            case '\\' -> "\\\\";
            default -> c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c);
        };
    }

    /** Length of the valid multi-byte UTF-8 sequence at i, or 1 when there is none. */
    private static int utf8Length(byte[] b, int i) {
        int c = b[i] & 0xff;
        int n = c >= 0xf0 && c <= 0xf4 ? 4 : c >= 0xe0 ? 3 : c >= 0xc2 && c < 0xe0 ? 2 : 1;
        if (n == 1 || i + n > b.length) {
            return 1;
        }
        for (int k = 1; k < n; k++) {
            if ((b[i + k] & 0xc0) != 0x80) {
                return 1;
            }
        }
        byte[] seq = Arrays.copyOfRange(b, i, i + n);
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(seq));
            return n;
        } catch (CharacterCodingException e) {
            return 1;
        }
    }
}

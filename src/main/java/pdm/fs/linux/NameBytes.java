package pdm.fs.linux;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Names are bytes. This is the one place they turn into a {@link Path} and back, into
 * readable text for messages and logs, and into the %XX text that task messages carry.
 * The JDK's Path holds the bytes exactly, but its String face is lossy for non-UTF-8 names;
 * the exact way in and out through the public API is ASCII as text and anything else through
 * a file URI, whose %XX escapes carry every byte.
 */
public final class NameBytes {
    private static final Path SLASH = Path.of("/");
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    /**
     * Whether the JDK decodes names as UTF-8 (sun.jnu.encoding, from the locale): then a Path's text
     * without U+FFFD (what a byte sequence that is not UTF-8 becomes) encodes back to its exact bytes.
     */
    private static final boolean UTF8_NAMES = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));

    private NameBytes() {
    }

    // ---- Path

    /** The exact bytes of a path or name, as the kernel sees them. */
    public static byte[] bytes(Path p) {
        String s = p.toString();
        if (ascii(s)) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        if (UTF8_NAMES && s.indexOf('\uFFFD') < 0) {
            return s.getBytes(StandardCharsets.UTF_8); // (no toUri: it stats the path, two system calls a name)
        }
        String raw = (p.isAbsolute() ? p : SLASH.resolve(p)).toUri().getRawPath();
        byte[] b = unescapeUri(raw);
        // (toUri marks a directory that exists with a trailing '/', and made the path absolute)
        int end = b.length > 1 && b[b.length - 1] == '/' ? b.length - 1 : b.length;
        int start = p.isAbsolute() ? 0 : 1;
        return Arrays.copyOfRange(b, start, end);
    }

    /** Readable text for a path's exact bytes ({@link #text(byte[])}); the empty path is "". */
    public static String text(Path p) {
        String s = p.toString();
        if (plain(s)) { // (the common case, once or more per entry: no bytes, no decoder)
            return s;
        }
        return text(s.isEmpty() ? new byte[0] : bytes(p));
    }

    /** Printable ASCII without a backslash: a name whose bytes are its text, with nothing to escape. */
    private static boolean plain(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }

    /** A path of exactly these bytes, relative unless they start with '/' (no decoding, so non-UTF-8 names survive). */
    public static Path path(byte[] bytes) {
        boolean ascii = true;
        for (byte b : bytes) {
            if (b == 0) {
                throw new IllegalArgumentException("a path cannot contain a NUL byte");
            }
            ascii &= b > 0;
        }
        if (ascii) {
            return Path.of(new String(bytes, StandardCharsets.ISO_8859_1));
        }
        boolean absolute = bytes.length > 0 && bytes[0] == '/';
        StringBuilder u = new StringBuilder("file://").append(absolute ? "" : "/");
        for (byte x : bytes) {
            int c = x & 0xff;
            if (c == '/' || (c > 0x20 && c < 0x7f && "%?#[]\\\"<>^`{|}".indexOf(c) < 0)) {
                u.append((char) c);
            } else {
                u.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        Path abs = Path.of(URI.create(u.toString()));
        return absolute ? abs : SLASH.relativize(abs);
    }

    private static boolean ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static byte[] unescapeUri(String raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                out.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    // ---- readable text (messages, logs)

    /**
     * Readable text for exact bytes: valid UTF-8 as is, every other byte and every control
     * character as an escape ({@code \xe9}, {@code \n}), so a name never breaks a log line
     * and two different names never look the same.
     */
    public static String text(byte[] b) {
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            return escapeBytes(b);
        }
        return escapeControls(s);
    }

    /** Text already decoded (a root or PATH as typed) with control characters escaped as {@link #text(byte[])} does. */
    public static String printable(String s) {
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
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(b, i, n));
            return n;
        } catch (CharacterCodingException e) {
            return 1;
        }
    }

    // ---- %XX text (task messages)

    /**
     * Bytes as text: printable ASCII other than {@code %} stands for itself, every other byte is
     * {@code %XX}. Readable for the usual names, exact for all of them, and safe inside JSON.
     */
    public static String percent(byte[] b) {
        StringBuilder out = new StringBuilder(b.length + 8);
        for (byte x : b) {
            int c = x & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
        }
        return out.toString();
    }

    /**
     * The bytes of {@link #percent} text; IllegalArgumentException, naming the text, for a bad
     * or cut escape or a character that must have been escaped.
     */
    public static byte[] unpercent(String s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new IllegalArgumentException("path '" + s + "' ends inside a %XX escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("path '" + s + "' has a bad %XX escape at " + i);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw new IllegalArgumentException("path has a character that must be %-escaped: U+"
                        + String.format("%04X", (int) c));
            }
        }
        return out.toByteArray();
    }
}

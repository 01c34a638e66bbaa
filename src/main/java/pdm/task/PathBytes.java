package pdm.task;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import pdm.fs.Names;
import pdm.fs.Unix;

/**
 * Paths as exact bytes in text: printable ASCII other than {@code %} stands for itself,
 * every other byte is {@code %XX}. Readable for the usual names, exact for all of them
 * (non-UTF-8, newlines), and safe inside JSON.
 */
public final class PathBytes {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathBytes() {
    }

    public static String encode(Path rel) {
        if (Names.isRoot(rel)) {
            return "";
        }
        return encodeBytes(Unix.bytes(rel));
    }

    /** Any bytes (an exclude pattern, say) in the same text form. */
    public static String encodeBytes(byte[] b) {
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
     * A relative path below a root. Refuses what could leave the root or is not a path:
     * a leading {@code /}, empty, {@code .} or {@code ..} components, NUL bytes, bad escapes.
     */
    public static Path decodeRelative(String s) throws BadMessageException {
        if (s.isEmpty()) {
            return Names.ROOT;
        }
        byte[] b = decodeBytes(s);
        if (b[0] == '/') {
            throw new BadMessageException("path '" + s + "' is absolute; task paths are relative to the filesystem root");
        }
        int start = 0;
        for (int i = 0; i <= b.length; i++) {
            if (i == b.length || b[i] == '/') {
                checkComponent(s, b, start, i);
                start = i + 1;
            }
        }
        return Unix.path(b);
    }

    /** One name (no {@code /}) of a directory entry. */
    public static Path decodeName(String s) throws BadMessageException {
        byte[] b = decodeBytes(s);
        for (byte x : b) {
            if (x == '/') {
                throw new BadMessageException("name '" + s + "' contains '/'; an entry name is one component");
            }
        }
        checkComponent(s, b, 0, b.length);
        return Unix.path(b);
    }

    private static void checkComponent(String s, byte[] b, int from, int to) throws BadMessageException {
        int len = to - from;
        if (len == 0) {
            throw new BadMessageException("path '" + s + "' has an empty component");
        }
        if ((len == 1 && b[from] == '.') || (len == 2 && b[from] == '.' && b[from + 1] == '.')) {
            throw new BadMessageException("path '" + s + "' contains '.' or '..'; pdm never leaves the root");
        }
        if (len > 255) {
            throw new BadMessageException("path '" + s + "' has a component longer than 255 bytes");
        }
    }

    static byte[] decodeBytes(String s) throws BadMessageException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                if (i + 2 >= s.length()) {
                    throw new BadMessageException("path '" + s + "' ends inside a %XX escape");
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new BadMessageException("path '" + s + "' has a bad %XX escape at " + i);
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0x20 && c < 0x7f) {
                out.write(c);
            } else {
                throw new BadMessageException("path has a character that must be %-escaped: U+"
                        + String.format("%04X", (int) c));
            }
        }
        byte[] b = out.toByteArray();
        for (byte x : b) {
            if (x == 0) {
                throw new BadMessageException("path '" + s + "' contains a NUL byte");
            }
        }
        if (b.length == 0) {
            throw new BadMessageException("empty name");
        }
        return b;
    }
}

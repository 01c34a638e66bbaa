package pdm.task;

import java.nio.file.Path;
import pdm.fs.Names;
import pdm.fs.linux.NameBytes;

/**
 * The rules for a path from the wire (task messages, the event log): exact bytes as
 * {@link NameBytes#percent} text, and what such a path must meet (relative, no {@code .} or {@code ..}, no NUL) before pdm
 * opens anything by it.
 */
public final class WirePaths {
    private WirePaths() {
    }

    public static String encode(Path rel) {
        if (Names.isRoot(rel)) {
            return "";
        }
        return NameBytes.percent(NameBytes.bytes(rel));
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
        return NameBytes.path(b);
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
        return NameBytes.path(b);
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
        byte[] b;
        try {
            b = NameBytes.unpercent(s);
        } catch (IllegalArgumentException e) {
            throw new BadMessageException(e.getMessage());
        }
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

package pdm.engine;

import java.nio.charset.StandardCharsets;
import pdm.PdmException;

/**
 * One exclude pattern, matched on the exact bytes of names (a non-UTF-8 name is matched as
 * the kernel has it). The language is rsync's, simplified:
 * <ul>
 * <li>{@code *} any bytes but {@code /}; {@code ?} one byte but {@code /}; {@code [...]} one
 * byte of a set ({@code [a-z]}, {@code [!0-9]} or {@code [^0-9]} for the others; never {@code /});
 * {@code **} any bytes, {@code /} included, and {@code /**}{@code /} also matches a single
 * {@code /} (no directory between); {@code \} makes the next byte plain.</li>
 * <li>A pattern without {@code /} (a trailing one aside) matches the name at any depth.</li>
 * <li>With a {@code /} it is anchored: matched against the whole path below the anchor
 * (a leading {@code /} is the anchor itself and optional).</li>
 * <li>A trailing {@code /} matches directories only.</li>
 * </ul>
 *
 * @param body     the pattern without its leading and trailing {@code /}
 * @param anchored matched against the path below the anchor, else against the name
 * @param dirOnly  matches directories only
 * @param text     the pattern as given, for messages
 */
record Glob(byte[] body, boolean anchored, boolean dirOnly, String text) {
    /** Longer than any path a kernel takes (PATH_MAX 4096): surely a mistake. */
    private static final int MAX = 4096;

    /**
     * @param pattern the pattern's exact bytes
     * @param origin  where it comes from, for the error ("--exclude", "skip_paths of [datasource.panda]")
     * @throws PdmException naming the pattern and what is wrong with it
     */
    static Glob compile(byte[] pattern, String origin) {
        String text = new String(pattern, StandardCharsets.UTF_8);
        int from = 0;
        int to = pattern.length;
        boolean dirOnly = to > 0 && pattern[to - 1] == '/' && !escaped(pattern, to - 1);
        if (dirOnly) {
            to--;
        }
        boolean anchored = false;
        if (from < to && pattern[from] == '/') {
            anchored = true;
            from++;
        }
        if (from == to) {
            throw bad(origin, text, "it matches no name (empty, or only '/')");
        }
        if (pattern.length > MAX) {
            throw bad(origin, text.substring(0, 40) + "...", "it is longer than " + MAX + " bytes");
        }
        byte[] body = java.util.Arrays.copyOfRange(pattern, from, to);
        for (int i = 0; i < body.length; i++) {
            byte c = body[i];
            if (c == 0) {
                throw bad(origin, text, "it contains a NUL byte");
            } else if (c == '\\') {
                if (++i == body.length) {
                    throw bad(origin, text, "it ends in a lone '\\' (write '\\\\' for a backslash)");
                }
            } else if (c == '[') {
                int end = classEnd(body, i);
                if (end < 0) {
                    throw bad(origin, text, "its '[' at byte " + (from + i + 1) + " has no closing ']'");
                }
                i = end;
            } else if (c == '/') {
                anchored = true;
            }
        }
        return new Glob(body, anchored, dirOnly, text);
    }

    private static boolean escaped(byte[] p, int at) {
        int n = 0;
        for (int i = at - 1; i >= 0 && p[i] == '\\'; i--) {
            n++;
        }
        return n % 2 == 1;
    }

    private static PdmException bad(String origin, String text, String why) {
        return new PdmException(origin + " pattern '" + text + "' is not valid: " + why);
    }

    /**
     * @param subject the name (not anchored) or the path below the anchor (anchored), exact bytes
     */
    boolean matches(byte[] subject, boolean isDir) {
        return (isDir || !dirOnly) && match(body, 0, subject, 0);
    }

    /** Matches p[pi..] against s[si..]; backtracks on stars (patterns are short, names are short). */
    private static boolean match(byte[] p, int pi, byte[] s, int si) {
        while (pi < p.length) {
            byte c = p[pi];
            if (c == '*') {
                boolean any = pi + 1 < p.length && p[pi + 1] == '*';
                int next = pi + 1;
                while (next < p.length && p[next] == '*') {
                    next++;
                }
                if (next == p.length) {
                    return any || indexOf(s, si, (byte) '/') < 0;
                }
                // "**/" may stand for no directory at all: a/**/b matches a/b, **/b matches b
                if (any && p[next] == '/' && (pi == 0 || p[pi - 1] == '/') && match(p, next + 1, s, si)) {
                    return true;
                }
                for (int k = si; k <= s.length; k++) {
                    if (match(p, next, s, k)) {
                        return true;
                    }
                    if (k < s.length && !any && s[k] == '/') {
                        return false;
                    }
                }
                return false;
            }
            if (si == s.length) {
                return false;
            }
            if (c == '?') {
                if (s[si] == '/') {
                    return false;
                }
                pi++;
            } else if (c == '[') {
                int end = classEnd(p, pi);
                if (s[si] == '/' || !inClass(p, pi + 1, end, s[si])) {
                    return false;
                }
                pi = end + 1;
            } else {
                if (c == '\\') {
                    c = p[++pi];
                }
                if (s[si] != c) {
                    return false;
                }
                pi++;
            }
            si++;
        }
        return si == s.length;
    }

    /** The index of the ']' closing the class that opens at {@code open}, or -1. */
    private static int classEnd(byte[] p, int open) {
        int i = open + 1;
        if (i < p.length && (p[i] == '!' || p[i] == '^')) {
            i++;
        }
        if (i < p.length && p[i] == ']') {
            i++; // a ']' first is a member
        }
        for (; i < p.length; i++) {
            if (p[i] == '\\') {
                i++;
            } else if (p[i] == ']') {
                return i;
            }
        }
        return -1;
    }

    /** Whether byte {@code b} is in the class p[from..end) (the bytes after '['). */
    private static boolean inClass(byte[] p, int from, int end, byte b) {
        boolean negate = p[from] == '!' || p[from] == '^';
        int i = negate ? from + 1 : from;
        int x = b & 0xff;
        boolean in = false;
        boolean first = true;
        while (i < end) {
            int lo = p[i] & 0xff;
            if (lo == '\\' && i + 1 < end) {
                lo = p[++i] & 0xff;
            } else if (lo == ']' && !first) {
                break;
            }
            first = false;
            i++;
            int hi = lo;
            if (i + 1 < end && p[i] == '-') {
                hi = p[i + 1] & 0xff;
                if (hi == '\\' && i + 2 < end) {
                    hi = p[i + 2] & 0xff;
                    i++;
                }
                i += 2;
            }
            if (x >= lo && x <= hi) {
                in = true;
            }
        }
        return in != negate;
    }

    private static int indexOf(byte[] s, int from, byte b) {
        for (int i = from; i < s.length; i++) {
            if (s[i] == b) {
                return i;
            }
        }
        return -1;
    }
}

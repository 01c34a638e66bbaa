package pdm.fs;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import pdm.fs.linux.Sys;

/**
 * Names are bytes; the JDK's Path holds them exactly, but its String face is lossy for
 * non-UTF-8 names (docs/platform.md). Here is the one exact way in and out of a Path, through
 * the public API: ASCII as text, anything else through a file URI, whose %XX escapes carry
 * every byte.
 */
public final class Unix {
    private static final Path SLASH = Path.of("/");

    private Unix() {
    }

    /** The exact bytes of a relative path or name, as the kernel sees them. */
    public static byte[] bytes(Path p) {
        String s = p.toString();
        if (ascii(s)) {
            return s.getBytes(StandardCharsets.ISO_8859_1);
        }
        String raw = (p.isAbsolute() ? p : SLASH.resolve(p)).toUri().getRawPath();
        byte[] b = unescape(raw);
        // (toUri marks a directory that exists with a trailing '/', and made the path absolute)
        int end = b.length > 1 && b[b.length - 1] == '/' ? b.length - 1 : b.length;
        int start = p.isAbsolute() ? 0 : 1;
        return java.util.Arrays.copyOfRange(b, start, end);
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

    private static byte[] unescape(String raw) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(raw.length());
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

    /**
     * The name another process (a helper program such as lfs) can open descriptor {@code fd} of
     * this process by: /proc/PID/fd/N, which reaches what the descriptor holds, whatever has been
     * renamed or swapped for a symlink since.
     */
    static String procPath(int fd) {
        return "/proc/" + ProcessHandle.current().pid() + "/fd/" + fd;
    }

    /** What statx said, as pdm's FileMeta. */
    static FileMeta meta(Sys.Stat s) {
        return new FileMeta(FileType.ofMode(s.mode()), s.mode() & 07777, s.uid(), s.gid(), s.size(), s.mtimeNs(),
                s.atimeNs(), s.dev(), s.ino(), s.nlink(), s.rdev(), s.ctimeNs());
    }
}

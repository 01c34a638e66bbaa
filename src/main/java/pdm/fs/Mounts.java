package pdm.fs;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import pdm.fs.linux.NameBytes;

/** Mount points as the kernel lists them in /proc/self/mountinfo. */
public final class Mounts {
    private Mounts() {
    }

    /** True when {@code dir} is itself a mount point (bind mounts included). */
    public static boolean isMountPoint(Path dir) throws IOException {
        Path real = dir.toRealPath();
        // mountinfo holds raw bytes; compare them as Latin-1 so non-UTF-8 mount paths match too.
        return mountPoints(Path.of("/proc/self/mountinfo")).contains(new String(NameBytes.bytes(real), StandardCharsets.ISO_8859_1));
    }

    static Set<String> mountPoints(Path mountinfo) throws IOException {
        Set<String> out = new HashSet<>();
        for (String line : Files.readAllLines(mountinfo, StandardCharsets.ISO_8859_1)) {
            String[] f = line.split(" ");
            if (f.length > 4) {
                out.add(unescape(f[4]));
            }
        }
        return out;
    }

    /** mountinfo writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}

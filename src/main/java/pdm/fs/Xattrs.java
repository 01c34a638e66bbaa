package pdm.fs;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import pdm.fs.linux.Sys;

/**
 * The {@code user.*} extended attributes of files and directories, through descriptors pdm
 * holds open (the kernel allows user xattrs on nothing else). Other namespaces are left
 * alone: security.* and trusted.* belong to the target system's policy.
 */
public final class Xattrs {
    private static final String USER = "user.";

    private Xattrs() {
    }

    /** Name to value of the user xattrs; empty where there are none or the filesystem has none. */
    public static Map<String, Value> read(FileHandle f) throws IOException {
        return read(f.fd());
    }

    public static Map<String, Value> read(Dir d) throws IOException {
        return read(d.fd());
    }

    private static Map<String, Value> read(int fd) throws IOException {
        Map<String, Value> out = new TreeMap<>();
        for (String name : Sys.listXattrs(fd)) {
            if (name.startsWith(USER)) {
                byte[] v = Sys.getXattr(fd, name);
                if (v != null) {
                    out.put(name, new Value(v));
                }
            }
        }
        return out;
    }

    /** Makes the target's user xattrs those of the source: adds, changes and removes. */
    public static void copy(FileHandle from, FileHandle to) throws IOException {
        copy(from.fd(), to.fd());
    }

    public static void copy(Dir from, Dir to) throws IOException {
        copy(from.fd(), to.fd());
    }

    private static void copy(int from, int to) throws IOException {
        Map<String, Value> want = read(from);
        Map<String, Value> have = read(to);
        for (var e : want.entrySet()) {
            if (!e.getValue().equals(have.get(e.getKey()))) {
                Sys.setXattr(to, e.getKey(), e.getValue().bytes());
            }
        }
        for (String name : have.keySet()) {
            if (!want.containsKey(name)) {
                Sys.removeXattr(to, name);
            }
        }
    }

    /** An xattr value, compared by content. */
    public record Value(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Arrays.equals(bytes, v.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes";
        }
    }
}

package pdm.fs;

import java.nio.file.Path;
import java.util.Arrays;
import pdm.fs.linux.NameBytes;

/**
 * One directory entry: its name (exact bytes, one component) and what lstat said. The name's
 * Path is made only when asked for: most entries of a pass over an unchanged tree are compared
 * and skipped, and a Path costs a decode, a check and an encode of the name.
 */
public final class Entry implements Comparable<Entry> {
    private final byte[] bytes;
    private final FileMeta meta;
    private Path name;

    public Entry(Path name, FileMeta meta) {
        this(NameBytes.bytes(name), meta);
        this.name = name;
    }

    Entry(byte[] bytes, FileMeta meta) {
        this.bytes = bytes;
        this.meta = meta;
    }

    public Path name() {
        Path n = name;
        if (n == null) {
            n = NameBytes.path(bytes);
            name = n;
        }
        return n;
    }

    public FileMeta meta() {
        return meta;
    }

    /** By name bytes, unsigned: the order both sides of a merge must share. */
    @Override
    public int compareTo(Entry o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }

    @Override
    public String toString() {
        return name() + " " + meta;
    }
}

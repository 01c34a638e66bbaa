package pdm.config;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code [datasource.NAME]} table.
 *
 * @param type        posix, or lustre (posix plus Lustre extras where {@code lfs} exists)
 * @param mount       the path must be a mount point, or pdm refuses to work on it
 * @param write       only then may pdm change anything on it
 * @param skipNewerMinutes skip files modified in the last N minutes (0 = off)
 * @param skipOlderMinutes skip files not modified for N minutes (0 = off)
 * @param skipLargerGb     skip files larger than N GiB (0 = off)
 * @param lustre           the Lustre keys of a {@code type = "lustre"} filesystem; null for posix
 * @param skipPaths        exclude patterns of this filesystem as a source (see engine.Glob); anchored
 *                         ones are below this filesystem's root
 * @param xattrs           as a target: which xattrs a copy onto it keeps, "all", "user" or "none";
 *                         null where not set ("all", unless --xattrs says otherwise)
 */
public record DataSource(String name, String type, Path path, boolean mount, boolean write,
                         long skipNewerMinutes, long skipOlderMinutes, double skipLargerGb, LustreOptions lustre,
                         List<String> skipPaths, String xattrs) {

    public DataSource {
        skipPaths = List.copyOf(skipPaths);
    }

    public DataSource(String name, String type, Path path, boolean mount, boolean write,
                      long skipNewerMinutes, long skipOlderMinutes, double skipLargerGb, LustreOptions lustre,
                      List<String> skipPaths) {
        this(name, type, path, mount, write, skipNewerMinutes, skipOlderMinutes, skipLargerGb, lustre, skipPaths, null);
    }

    /** A posix filesystem. */
    public DataSource(String name, String type, Path path, boolean mount, boolean write,
                      long skipNewerMinutes, long skipOlderMinutes, double skipLargerGb) {
        this(name, type, path, mount, write, skipNewerMinutes, skipOlderMinutes, skipLargerGb,
                type.equals("lustre") ? LustreOptions.defaults() : null, List.of());
    }

    /** Whether pdm places data on it through Lustre's {@code lfs}. */
    public boolean isLustre() {
        return lustre != null;
    }

    /** A plain directory given on the command line instead of a configured filesystem. */
    public static DataSource adHoc(Path dir, boolean write) {
        return new DataSource(dir.toString(), "posix", dir, false, write, 0, 0, 0);
    }
}

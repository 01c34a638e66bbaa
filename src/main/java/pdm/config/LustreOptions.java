package pdm.config;

import java.util.Comparator;
import java.util.List;

/**
 * The keys of a {@code [datasource.NAME]} with {@code type = "lustre"}: how files are striped
 * over OSTs and top-level directories spread over MDTs when pdm writes to it.
 *
 * @param stripe     how a file's layout is chosen
 * @param thresholds for {@link Stripe#SIZE}: a file larger than a threshold's size gets its stripe count
 *                   (the largest threshold it exceeds wins), sorted by size
 * @param mds        top-level directories of a job are spread over MDT indexes 0..mds-1; 0 = off
 * @param lfs        the {@code lfs} command: an absolute path, or a name looked up on PATH
 * @param changelogUser the changelog user {@code pdm watch} reads this filesystem's MDT changelogs
 *                   as (registered by an administrator with lctl changelog_register), or null
 */
public record LustreOptions(Stripe stripe, List<Threshold> thresholds, int mds, String lfs, String changelogUser) {

    public LustreOptions(Stripe stripe, List<Threshold> thresholds, int mds, String lfs) {
        this(stripe, thresholds, mds, lfs, null);
    }

    /** How a file's layout is chosen. */
    public enum Stripe {
        /** by the file's size, over {@link #thresholds} (sdsc/pdm's rule) */
        SIZE,
        /** the source file's own layout (the source must be Lustre too) */
        SOURCE,
        /** never: every file gets the directory's default layout */
        NONE;

        /** As config.toml spells it. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** Files larger than {@code bytes} are striped over {@code count} OSTs (-1: all of them). */
    public record Threshold(long bytes, int count) {
    }

    private static final long GB = 1_000_000_000L;

    /**
     * sdsc/pdm's (lustre_backend.go): -c 5 above 10 GB, -c 10 above 100 GB, -c 50 above 1 TB, in
     * decimal units as it writes them ({@code 10 * 1000000000}).
     */
    public static final List<Threshold> ORIGINAL = List.of(new Threshold(10 * GB, 5), new Threshold(100 * GB, 10),
            new Threshold(1000 * GB, 50));

    public LustreOptions {
        thresholds = thresholds.stream().sorted(Comparator.comparingLong(Threshold::bytes)).toList();
    }

    public static LustreOptions defaults() {
        return new LustreOptions(Stripe.SIZE, ORIGINAL, 0, "lfs");
    }
}

package pdm.engine;

import java.time.Instant;
import pdm.config.DataSource;
import pdm.fs.FileMeta;

/**
 * The source filesystem's skip_files_* settings: files too new (still being written),
 * too old or too large are left alone and counted as skipped.
 *
 * @param newerThanNs skip files modified after this time, or Long.MAX_VALUE
 * @param olderThanNs skip files modified before this time, or Long.MIN_VALUE
 * @param largerThan  skip files larger than this many bytes, or Long.MAX_VALUE
 */
public record SkipFilter(long newerThanNs, long olderThanNs, long largerThan) {
    public static final SkipFilter NONE = new SkipFilter(Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE);

    /** The skip_files_* settings of a source filesystem, counted from now: the one place every mode builds its filter. */
    public static SkipFilter of(DataSource src) {
        return of(Instant.now().getEpochSecond() * 1_000_000_000L, src.skipNewerMinutes(), src.skipOlderMinutes(),
                src.skipLargerGb());
    }

    /** From the config's minutes and GiB; 0 or less switches a limit off, as in sdsc/pdm. */
    public static SkipFilter of(long nowNs, long newerMinutes, long olderMinutes, double largerGb) {
        long minute = 60_000_000_000L;
        return new SkipFilter(
                newerMinutes > 0 ? nowNs - newerMinutes * minute : Long.MAX_VALUE,
                olderMinutes > 0 ? nowNs - olderMinutes * minute : Long.MIN_VALUE,
                largerGb > 0 ? (long) (largerGb * (1L << 30)) : Long.MAX_VALUE);
    }

    public boolean skips(FileMeta m) {
        return m.isFile() && (m.mtimeNs() > newerThanNs || m.mtimeNs() < olderThanNs || m.size() > largerThan);
    }
}

package pdm.job;

import java.util.Locale;

/** The counts of one pass in that pass's words: a verify compares, a delete removes, dirtimes sets. */
final class PassWords {
    private PassWords() {
    }

    static String copy(Counters c, double seconds) {
        return String.format(Locale.ROOT,
                "%d files copied, %d skipped (up to date), %d removed, %d metadata fixed, %d failed; "
                        + "%d dirs (%d created); %s in %.1f s (%s/s, %.0f files/s).",
                c.filesCopied(), c.filesSkipped(), c.filesRemoved(), c.metaFixed(), c.filesFailed(), c.dirs(),
                c.dirsCreated(), Sizes.bytes(c.bytes()), seconds, Sizes.bytes(perSecond(c.bytes(), seconds)),
                rate(c.filesCopied() + c.filesSkipped() + c.filesRemoved(), seconds));
    }

    static String copyDry(Counters c, double seconds) {
        return String.format(Locale.ROOT,
                "would copy %d files (%s), would remove %d, would fix metadata of %d, %d up to date, %d failed; "
                        + "%d dirs (%d would be created); looked in %.1f s.",
                c.filesCopied(), Sizes.bytes(c.bytes()), c.filesRemoved(), c.metaFixed(), c.filesSkipped(),
                c.filesFailed(), c.dirs(), c.dirsCreated(), seconds);
    }

    /** Identical entries are counted as skipped by the engine; each difference once, with its path below. */
    static String verify(Counters c, double seconds) {
        long compared = c.filesSkipped() + c.differences();
        return String.format(Locale.ROOT, "%d compared: %d identical, %d differ, %d failed; "
                        + "%d dirs; in %.1f s (%.0f entries/s).",
                compared, c.filesSkipped(), c.differences(), c.filesFailed(), c.dirs(), seconds, rate(compared, seconds));
    }

    static String delete(Counters c, boolean dryRun, double seconds) {
        return String.format(Locale.ROOT, "%s %d, %d failed; %d dirs looked at; %s %.1f s (%.0f dirs/s).",
                dryRun ? "would remove" : "removed", c.filesRemoved(), c.filesFailed(), c.dirs(),
                dryRun ? "looked in" : "in", seconds, rate(c.dirs(), seconds));
    }

    /** dirtimes counts each directory it sets as metadata fixed; the others already matched the source. */
    static String dirtimes(Counters c, boolean dryRun, double seconds) {
        return String.format(Locale.ROOT, "%s owner, mode and times of %d dirs, %d already matched, %d failed; "
                        + "%d dirs looked at; %s %.1f s (%.0f dirs/s).",
                dryRun ? "would set" : "set", c.metaFixed(), Math.max(0, c.dirs() - c.metaFixed() - c.filesFailed()),
                c.filesFailed(), c.dirs(), dryRun ? "looked in" : "in", seconds, rate(c.dirs(), seconds));
    }

    private static long perSecond(long n, double seconds) {
        return seconds > 0 ? (long) (n / seconds) : 0;
    }

    private static double rate(long n, double seconds) {
        return seconds > 0 ? n / seconds : 0.0;
    }
}

package pdm.job;

import java.util.List;
import java.util.Locale;

/** The counts of one pass in that pass's words: a verify compares, a delete removes, dirtimes sets. */
final class PassWords {
    private PassWords() {
    }

    /** The counts as one sentence, for the one-line paragraph. */
    static String sentence(String action, Counters c, boolean dryRun, double seconds) {
        return switch (action) {
            case "verify" -> verify(c, seconds);
            case "delete", "clear" -> delete(c, dryRun, seconds);
            case "dirtimes" -> dirtimes(c, dryRun, seconds);
            default -> dryRun ? copyDry(c, seconds) : copy(c, seconds);
        };
    }

    /** The counts as {label, value} rows, for the few aligned lines a terminal shows. */
    static List<String[]> rows(String action, Counters c, boolean dryRun, double seconds) {
        String time = String.format(Locale.ROOT, "%.1f s", seconds);
        return switch (action) {
            case "verify" -> List.of(
                    row("files", String.format(Locale.ROOT, "%d compared: %d identical, %d differ, %d failed",
                            c.filesSkipped() + fileDiffs(c), c.filesSkipped(), fileDiffs(c), c.filesFailed())),
                    row("dirs", String.format(Locale.ROOT, "%d compared, %d differ", c.dirs(), c.dirsDiffer())),
                    row("time", String.format(Locale.ROOT, "%s (%.0f entries/s)", time,
                            rate(c.filesSkipped() + fileDiffs(c) + c.dirs(), seconds))));
            case "delete", "clear" -> List.of(
                    row(dryRun ? "would rm" : "removed", String.format(Locale.ROOT, "%d, %d failed", c.filesRemoved(),
                            c.filesFailed())),
                    row("dirs", c.dirs() + " looked at"),
                    row("time", String.format(Locale.ROOT, "%s (%.0f dirs/s)", time, rate(c.dirs(), seconds))));
            case "dirtimes" -> List.of(
                    row(dryRun ? "would set" : "set", String.format(Locale.ROOT, "owner, mode and times of %d dirs, "
                            + "%d already matched, %d failed", c.metaFixed(),
                            Math.max(0, c.dirs() - c.metaFixed() - c.filesFailed()), c.filesFailed())),
                    row("time", String.format(Locale.ROOT, "%s (%.0f dirs/s)", time, rate(c.dirs(), seconds))));
            default -> dryRun ? List.of(
                    row("files", String.format(Locale.ROOT, "would copy %d (%s), would remove %d, would fix "
                            + "metadata of %d, %d up to date, %d failed", c.filesCopied(), Sizes.bytes(c.bytes()),
                            c.filesRemoved(), c.metaFixed(), c.filesSkipped(), c.filesFailed())),
                    row("dirs", String.format(Locale.ROOT, "%d (%d would be created)", c.dirs(), c.dirsCreated())),
                    row("time", "looked in " + time)) : List.of(
                    row("files", String.format(Locale.ROOT, "%d copied, %d up to date, %d removed, %d metadata "
                            + "fixed, %d failed", c.filesCopied(), c.filesSkipped(), c.filesRemoved(), c.metaFixed(),
                            c.filesFailed())),
                    row("dirs", String.format(Locale.ROOT, "%d (%d created)", c.dirs(), c.dirsCreated())),
                    row("data", String.format(Locale.ROOT, "%s in %s (%s/s, %.0f files/s)", Sizes.bytes(c.bytes()),
                            time, Sizes.bytes(perSecond(c.bytesWritten(), seconds)),
                            rate(c.filesCopied() + c.filesSkipped() + c.filesRemoved(), seconds))));
        };
    }

    private static String[] row(String label, String value) {
        return new String[]{label, value};
    }

    static String copy(Counters c, double seconds) {
        return String.format(Locale.ROOT,
                "%d files copied, %d skipped (up to date), %d removed, %d metadata fixed, %d failed; "
                        + "%d dirs (%d created); %s in %.1f s (%s/s, %.0f files/s).",
                c.filesCopied(), c.filesSkipped(), c.filesRemoved(), c.metaFixed(), c.filesFailed(), c.dirs(),
                c.dirsCreated(), Sizes.bytes(c.bytes()), seconds, Sizes.bytes(perSecond(c.bytesWritten(), seconds)),
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
        long compared = c.filesSkipped() + fileDiffs(c);
        return String.format(Locale.ROOT, "%d compared: %d identical, %d differ, %d failed; "
                        + "%d dirs, %d differ; in %.1f s (%.0f entries/s).",
                compared, c.filesSkipped(), fileDiffs(c), c.filesFailed(), c.dirs(), c.dirsDiffer(), seconds,
                rate(compared + c.dirs(), seconds));
    }

    /** Differences of entries other than directories: verify counts directories apart. */
    private static long fileDiffs(Counters c) {
        return Math.max(0, c.differences() - c.dirsDiffer());
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

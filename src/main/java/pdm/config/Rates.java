package pdm.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Rates as users type them, in --bwlimit and in config.toml's bwlimit. */
public final class Rates {
    private static final Pattern RATE = Pattern.compile("(\\d+(?:\\.\\d+)?)([KMGT](?:I?B)?|B)?(?:/S)?");

    private Rates() {
    }

    /**
     * Bytes per second from {@code 500000}, {@code 800K}, {@code 1.5M}, {@code 2G}, {@code 100MB/s}
     * (units as {@link SizeText} reads them: K, M, G, T powers of 1024, KB, MB, GB, TB of 1000, as
     * in rsync; a trailing {@code /s} is allowed); 0 means no limit.
     *
     * @throws IllegalArgumentException naming the value and what would be right
     */
    public static long bytesPerSecond(String text) {
        Matcher m = RATE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a rate: give bytes per second as a number with "
                    + "an optional unit, " + SizeText.UNITS + ", e.g. 500K or 1.5G; 0 for no limit");
        }
        double v = Double.parseDouble(m.group(1)) * SizeText.factor(m.group(2));
        if (v >= Long.MAX_VALUE / 2) {
            throw new IllegalArgumentException("'" + text + "' is more bytes per second than any disk moves");
        }
        long rate = (long) v;
        if (rate == 0 && v > 0) {
            throw new IllegalArgumentException("'" + text + "' is less than 1 byte per second");
        }
        return rate;
    }
}

package pdm.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sizes as users type them, in --split-size, --chunk-size and config.toml's split_size and
 * chunk_size; and the one rule for what a unit means, which --bwlimit and stripe_thresholds
 * share: K, M, G, T, P and KiB, MiB, GiB, TiB, PiB are powers of 1024; KB, MB, GB, TB, PB are
 * powers of 1000, as rsync and the original pdm count them.
 */
public final class SizeText {
    /** digits, then a unit letter with an optional B or iB, or a lone B; any case, as rsync takes them */
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([KMGT](?:I?B)?|B)?");

    /** What {@link #bytes} and {@link Rates} say a size is made of, for their refusals. */
    static final String UNITS = "K, M, G or T (powers of 1024, also written KiB, MiB, GiB, TiB) or KB, MB, GB, "
            + "TB (powers of 1000)";

    private SizeText() {
    }

    /**
     * Bytes from {@code 1048576}, {@code 256K}, {@code 64M}, {@code 1G}, {@code 1GiB}, {@code 2GB}.
     *
     * @throws IllegalArgumentException naming the value and what would be right
     */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: give bytes as a whole number with an "
                    + "optional unit, " + UNITS + ", e.g. 64M or 1G");
        }
        long factor = factor(m.group(2));
        long n = Long.parseLong(m.group(1));
        if (n > Long.MAX_VALUE / factor) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n * factor;
    }

    /**
     * The bytes in one {@code unit} (upper case): "" and "B" are 1; K, M, G, T, P alone or with
     * "IB" are powers of 1024; with "B" alone, powers of 1000.
     *
     * @throws IllegalArgumentException for a unit that is none of these
     */
    static long factor(String unit) {
        if (unit == null || unit.isEmpty() || unit.equals("B")) {
            return 1;
        }
        int power = 1 + "KMGTP".indexOf(unit.charAt(0));
        String rest = unit.substring(1);
        if (power == 0 || !(rest.isEmpty() || rest.equals("B") || rest.equals("IB"))) {
            throw new IllegalArgumentException("'" + unit + "' is not a unit: " + UNITS);
        }
        long base = rest.equals("B") ? 1000 : 1024;
        long f = 1;
        for (int i = 0; i < power; i++) {
            f *= base;
        }
        return f;
    }
}

package pdm.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sizes as users type them, in --split-size, --chunk-size and config.toml's split_size and chunk_size. */
public final class SizeText {
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15})([KMGT]?)(?:I?B)?");

    private SizeText() {
    }

    /**
     * Bytes from {@code 1048576}, {@code 256K}, {@code 64M}, {@code 1G}, {@code 1GiB} (K, M, G, T
     * are powers of 1024, as in --bwlimit; a trailing {@code B} or {@code iB} is allowed).
     *
     * @throws IllegalArgumentException naming the value and what would be right
     */
    public static long bytes(String text) {
        Matcher m = SIZE.matcher(text.strip().toUpperCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a size: give bytes as a whole number with an "
                    + "optional K, M, G or T suffix (powers of 1024), e.g. 64M or 1G");
        }
        int shift = shift(m.group(2));
        long n = Long.parseLong(m.group(1));
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("'" + text + "' is too large");
        }
        return n << shift;
    }

    /** K, M, G, T as powers of 1024 (as rsync and --bwlimit count them): the shift; "" is 0. */
    static int shift(String unit) {
        return switch (unit) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
    }
}

package pdm;

import java.util.regex.Pattern;

/**
 * Keeps passwords out of what pdm prints and logs: every connect string, URL, message or stack
 * trace that may hold one goes through {@link #mask}. It errs on the side of hiding too much:
 * a malformed string is masked wherever a password could be in it.
 */
public final class Secrets {
    public static final String STARS = "***";
    /** Characters that end a user name in running text (a credential is not part of a word). */
    private static final String DELIMITERS = "'\"<>()[]{},;=";
    /** After {@code host:}, a port (possibly followed by a path) rather than a password. */
    private static final Pattern PORT = Pattern.compile("\\d{1,5}(\\W.*)?", Pattern.DOTALL);

    private Secrets() {
    }

    /**
     * {@code text} with every password replaced by {@code ***}, the host kept. A password is:
     * <ul>
     * <li>in {@code scheme://user:PASSWORD@host}: from the first {@code :} after {@code //} to
     * the last {@code @} (a password may hold {@code @}, {@code /}, {@code :}, blanks or bad
     * escapes; a path holding an {@code @} is hidden with it);</li>
     * <li>in {@code scheme://user:PASSWORD} with no {@code @}: all after the {@code :}, unless
     * it is a port number;</li>
     * <li>in {@code user:PASSWORD@host} with no scheme: the same; where the text starts with it
     * (blanks aside), up to the last {@code @} of the text or, without one, to the end; inside
     * running text, within its word.</li>
     * </ul>
     * What it cannot tell from ordinary text is left: a password of at most five digits and no
     * {@code @host} reads as a port, and {@code user: PASSWORD} (a blank after the colon) without
     * {@code @host} reads as a label ({@code java.io.IOException: Connection refused}). Masking
     * masked text changes nothing.
     */
    public static String mask(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(text);
        maskSchemes(b);
        maskWithoutScheme(b);
        return b.toString();
    }

    private static void maskSchemes(StringBuilder b) {
        int from = 0;
        int i;
        while ((i = b.indexOf("://", from)) >= 0) {
            int start = i + 3;
            while (start < b.length() && b.charAt(start) == '/') { // "amqp:///user:…" is a typo, not a path
                start++;
            }
            int at = b.lastIndexOf("@");
            int colon = b.indexOf(":", start);
            if (colon >= 0 && colon < at) {
                b.replace(colon + 1, at, STARS);
                from = colon + 1 + STARS.length();
            } else if (at >= start) {
                // a user with no password may be a token (https://TOKEN@host), or a password in the wrong place
                b.replace(start, at, STARS);
                from = start + STARS.length();
            } else {
                from = maskPortLike(b, start);
            }
        }
    }

    /** {@code host:X} after a scheme, with no {@code @}: X stays if it is a port, else all after the colon goes. */
    private static int maskPortLike(StringBuilder b, int start) {
        int end = start;
        while (end < b.length() && "/?#".indexOf(b.charAt(end)) < 0 && !Character.isWhitespace(b.charAt(end))) {
            end++;
        }
        int hostEnd = start;
        if (hostEnd < end && b.charAt(hostEnd) == '[') { // an IPv6 address holds colons of its own
            int close = b.indexOf("]", hostEnd);
            hostEnd = close < 0 || close > end ? end : close;
        }
        int colon = b.indexOf(":", hostEnd);
        if (colon < 0 || colon >= end) {
            return Math.max(end, start + 1);
        }
        String port = b.substring(colon + 1, end);
        boolean nothing = port.isEmpty() && end == b.length();
        if (nothing || port.equals(STARS) || port.matches("\\d{1,5}")) {
            return Math.max(end, start + 1);
        }
        b.replace(colon + 1, b.length(), STARS);
        return b.length();
    }

    private static void maskWithoutScheme(StringBuilder b) {
        int first = 0;
        while (first < b.length() && Character.isWhitespace(b.charAt(first))) {
            first++;
        }
        int i = first;
        while (i < b.length()) {
            char c = b.charAt(i);
            boolean wordStart = i == first || startsWord(b.charAt(i - 1));
            // (":PASSWORD@host", no user: after a blank only, so that "[::1]" stays, unless an @host follows)
            boolean noUser = c == ':' && (i == first || Character.isWhitespace(b.charAt(i - 1))
                    && (i + 1 >= b.length() || b.charAt(i + 1) != ':' || wordHasAt(b, i)));
            if (!wordStart || !isUserChar(c) && !noUser) {
                i++;
                continue;
            }
            int userStart = i;
            while (i < b.length() && isUserChar(b.charAt(i))) {
                i++;
            }
            if (i + 1 >= b.length() || b.charAt(i) != ':' || b.indexOf("//", i + 1) == i + 1) {
                i = Math.max(i, userStart + 1);
                continue;
            }
            i = userStart == first ? maskWhole(b, i) : maskWord(b, i);
        }
    }

    /** The text starts with {@code user:…}: a connect string given without its scheme. */
    private static int maskWhole(StringBuilder b, int colon) {
        int at = b.lastIndexOf("@");
        boolean blank = Character.isWhitespace(b.charAt(colon + 1));
        // "Label: text" is no credential, unless the text is one line ending in the word with the "@host"
        boolean label = blank && (b.toString().strip().indexOf('\n') >= 0 || at < colon
                || b.substring(at).strip().chars().anyMatch(Character::isWhitespace));
        if (label) {
            return colon + 1;
        }
        if (at > colon) {
            b.replace(colon + 1, at, STARS);
            return colon + 1 + STARS.length();
        }
        return maskUnlessPort(b, colon, b.length());
    }

    /** {@code user:…} inside running text: within the word, up to its last {@code @}. */
    private static int maskWord(StringBuilder b, int colon) {
        if (Character.isWhitespace(b.charAt(colon + 1))) {
            return colon + 1;
        }
        int end = colon + 1;
        while (end < b.length() && !Character.isWhitespace(b.charAt(end))) {
            end++;
        }
        int at = b.lastIndexOf("@", end - 1);
        if (at > colon) {
            b.replace(colon + 1, at, STARS);
            return colon + 1 + STARS.length();
        }
        return maskUnlessPort(b, colon, end);
    }

    private static int maskUnlessPort(StringBuilder b, int colon, int end) {
        String rest = b.substring(colon + 1, end);
        if (rest.isBlank() || rest.startsWith(STARS) || PORT.matcher(rest).matches()) {
            return colon + 1;
        }
        b.replace(colon + 1, end, STARS);
        return colon + 1 + STARS.length();
    }

    private static boolean wordHasAt(StringBuilder b, int from) {
        for (int k = from; k < b.length() && !Character.isWhitespace(b.charAt(k)); k++) {
            if (b.charAt(k) == '@') {
                return true;
            }
        }
        return false;
    }

    private static boolean isUserChar(char c) {
        return !Character.isWhitespace(c) && c != ':' && c != '/' && c != '@' && DELIMITERS.indexOf(c) < 0;
    }

    private static boolean startsWord(char before) {
        return Character.isWhitespace(before) || DELIMITERS.indexOf(before) >= 0;
    }
}

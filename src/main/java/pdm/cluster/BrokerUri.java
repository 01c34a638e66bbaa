package pdm.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import pdm.PdmException;
import pdm.Secrets;

/**
 * A RabbitMQ connect string as users wrote it for sdsc/pdm (the Go tool pdm replaces):
 * {@code amqp://user:pass@host:port/vhost}, {@code amqps://} for TLS. Unlike amqp-client, a trailing
 * {@code /} (sdsc/pdm's example {@code amqp://guest:guest@localhost:5672/}) means the default vhost
 * {@code /}, as sdsc/pdm's Go client read it; amqp-client would read the empty vhost (docs/platform.md).
 * {@link #toString()} never shows the password.
 */
public record BrokerUri(boolean tls, String host, int port, String vhost, String user, String password) {

    public static BrokerUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new PdmException("the RabbitMQ connect string is empty");
        }
        String t = text.strip();
        if (t.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
            // (not shown, not even masked: where a blank is, a password's end cannot be told)
            throw new PdmException("the RabbitMQ connect string contains a blank or control character; write %20 "
                    + "for a blank in the user name, password or vhost (the string is not shown: it may hold a password)");
        }
        String shown = Secrets.mask(t);
        // (no at sign and no WORD:WORD after the connect string in these messages: what prints them
        // masks once more, from a user name to the text's last at sign)
        URI u;
        try {
            u = new URI(t);
        } catch (URISyntaxException e) {
            // (getReason, not getMessage: the message repeats the whole input, password and all)
            throw new PdmException("RabbitMQ connect string " + shown + " is not a valid URI: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new PdmException("RabbitMQ connect string " + shown + " must start with amqp:// or amqps://");
        }
        boolean tls = scheme.equals("amqps");
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new PdmException("RabbitMQ connect string " + shown + " names no host (or a malformed one, "
                    + "or a port that is not a number): write amqp://, the user, a colon, the password (%40 for an "
                    + "at sign in it), an at sign, the host, a colon and the port, then /VHOST");
        }
        if (u.getRawAuthority() != null && t.lastIndexOf('@') > t.indexOf(u.getRawAuthority())
                + u.getRawAuthority().length()) {
            // the '@' of a password given unescaped, after the host a '/' seemed to end: never show that "host"
            throw new PdmException("RabbitMQ connect string " + shown + " has an at sign after its host; in a "
                    + "password or vhost, write it as %40 (and a slash as %2F)");
        }
        if (u.getRawAuthority().endsWith(":")) {
            // "amqp://user:/…": more likely a password with a '/' and no host than an empty port
            throw new PdmException("RabbitMQ connect string " + shown + " has a ':' and no port after its host; "
                    + "write amqp://, the user, a colon, the password, an at sign, the host, a colon and the port, "
                    + "then /VHOST");
        }
        int port = u.getPort() == -1 ? (tls ? 5671 : 5672) : u.getPort();
        if (port < 1 || port > 65535) {
            throw new PdmException("RabbitMQ connect string " + shown + ": port " + port + " is not from 1 to 65535");
        }
        String user = "guest";
        String password = "guest";
        if (u.getRawUserInfo() != null) {
            String[] up = u.getRawUserInfo().split(":", 2);
            user = decode(up[0], "user name", shown);
            password = up.length > 1 ? decode(up[1], "password", shown) : "";
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String vhost = path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1), "vhost", shown);
        return new BrokerUri(tls, u.getHost(), port, vhost, user, password);
    }

    /** A %-decoded part; a bad escape is named by the part it is in, never shown (it may be in the password). */
    private static String decode(String s, String part, String shown) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new PdmException("RabbitMQ connect string " + shown + ": the " + part + " has a bad %-escape "
                    + "(write %25 for a % sign)");
        }
    }

    /** For people: never the password. */
    @Override
    public String toString() {
        String v = vhost.equals("/") ? "" : URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        return (tls ? "amqps" : "amqp") + "://" + user + ":***@" + host + ":" + port + "/" + v;
    }
}

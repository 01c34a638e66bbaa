package pdm.transport;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import pdm.PdmException;

/**
 * A RabbitMQ connect string as users wrote it for the seed: {@code amqp://user:pass@host:port/vhost},
 * {@code amqps://} for TLS. Unlike amqp-client, a trailing {@code /} (the seed's example
 * {@code amqp://guest:guest@localhost:5672/}) means the default vhost {@code /}, as the seed's Go
 * client read it (see PLATFORM-NOTES.md). {@link #toString()} never shows the password.
 */
public record BrokerUri(boolean tls, String host, int port, String vhost, String user, String password) {

    public static BrokerUri parse(String text) {
        if (text == null || text.isBlank()) {
            throw new PdmException("the RabbitMQ connect string is empty");
        }
        URI u;
        try {
            u = new URI(text.strip());
        } catch (URISyntaxException e) {
            throw new PdmException("RabbitMQ connect string " + mask(text) + " is not a valid URI: " + e.getReason());
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!scheme.equals("amqp") && !scheme.equals("amqps")) {
            throw new PdmException("RabbitMQ connect string " + mask(text) + " must start with amqp:// or amqps://");
        }
        boolean tls = scheme.equals("amqps");
        if (u.getHost() == null || u.getHost().isEmpty()) {
            throw new PdmException("RabbitMQ connect string " + mask(text) + " names no host");
        }
        int port = u.getPort() == -1 ? (tls ? 5671 : 5672) : u.getPort();
        String user = "guest";
        String password = "guest";
        if (u.getRawUserInfo() != null) {
            String[] up = u.getRawUserInfo().split(":", 2);
            user = decode(up[0]);
            password = up.length > 1 ? decode(up[1]) : "";
        }
        String path = u.getRawPath() == null ? "" : u.getRawPath();
        String vhost = path.isEmpty() || path.equals("/") ? "/" : decode(path.substring(1));
        return new BrokerUri(tls, u.getHost(), port, vhost, user, password);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** The connect string with its password replaced by {@code ***}, for messages and logs. */
    public static String mask(String text) {
        if (text == null) {
            return "";
        }
        return pdm.Secrets.mask(text);
    }

    /** For people: never the password. */
    @Override
    public String toString() {
        String v = vhost.equals("/") ? "" : java.net.URLEncoder.encode(vhost, StandardCharsets.UTF_8);
        return (tls ? "amqps" : "amqp") + "://" + user + ":***@" + host + ":" + port + "/" + v;
    }
}

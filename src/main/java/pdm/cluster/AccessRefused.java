package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import java.util.Locale;
import pdm.PdmException;

/**
 * The broker refused this connect string: a wrong user name or password, no vhost of that name, or
 * no permission on the vhost or its queues. Not a network blip: retrying cannot help until an admin
 * changes something, so a client ends with exit 2, and a worker or monitor too unless
 * {@code --retry-auth} asks it to keep trying. The message is one line that names the fix.
 */
public final class AccessRefused extends PdmException {
    private AccessRefused(String reason, Throwable cause) {
        super(reason, cause);
    }

    /**
     * Why a connect or session failed, for a "retrying" log line; a refusal is thrown instead,
     * unless {@code retryAuth}.
     */
    static String reasonOrThrow(Throwable e, BrokerUri uri, boolean retryAuth) {
        String refusal = describe(e, uri);
        if (refusal == null) {
            return "broker " + uri + " not reachable: " + Rabbit.reason(e);
        }
        if (retryAuth) {
            return refusal + " (--retry-auth)";
        }
        throw new AccessRefused(refusal + "; or give --retry-auth to keep trying", e);
    }

    /** For a one-shot client (submit, status, --wait): a refusal as this exception, else null. */
    static AccessRefused of(Throwable e, BrokerUri uri) {
        String refusal = describe(e, uri);
        return refusal == null ? null : new AccessRefused(refusal, e);
    }

    /** The one line for a refusal by the broker, naming the fix; null when e is no refusal. */
    static String describe(Throwable e, BrokerUri uri) {
        String at = "RabbitMQ at " + uri;
        String grant = "rabbitmqctl set_permissions -p " + quoted(uri.vhost()) + " " + quoted(uri.user())
                + " '.*' '.*' '.*'";
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PossibleAuthenticationFailureException) {
                String guest = uri.user().equals("guest") && !isLoopback(uri.host())
                        ? " (RabbitMQ lets 'guest' log in only on the broker's own host: create a user for pdm)"
                        : "";
                return at + " refused user '" + uri.user() + "': wrong user name or password (ACCESS_REFUSED)"
                        + guest + "; fix them in the connect string, or the user on the broker";
            }
        }
        AMQP.Connection.Close conn = Rabbit.closeOf(e, AMQP.Connection.Close.class);
        AMQP.Channel.Close chan = Rabbit.closeOf(e, AMQP.Channel.Close.class);
        int code = conn != null ? conn.getReplyCode() : chan != null ? chan.getReplyCode() : 0;
        String text = conn != null ? conn.getReplyText() : chan != null ? chan.getReplyText() : "";
        String lower = text.toLowerCase(Locale.ROOT);
        if (code == AMQP.NOT_ALLOWED && lower.contains("vhost") && lower.contains("not found")) {
            return at + " has no vhost '" + uri.vhost() + "' (NOT_ALLOWED): create it (rabbitmqctl add_vhost "
                    + quoted(uri.vhost()) + "; " + grant + ") or name an existing vhost in the connect string "
                    + "(a trailing / or none means vhost /)";
        }
        if ((code == AMQP.NOT_ALLOWED || code == AMQP.ACCESS_REFUSED) && lower.contains("access to vhost")) {
            return at + " refused user '" + uri.user() + "' on vhost '" + uri.vhost() + "' (" + Rabbit.reason(e)
                    + "); give it permissions there: " + grant;
        }
        if (code == AMQP.ACCESS_REFUSED) {
            return at + " refused user '" + uri.user() + "': " + Rabbit.reason(e) + "; pdm declares, writes and "
                    + "reads its own queues and exchanges, so give it all three permissions: " + grant;
        }
        return null;
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }

    /** A shell word: a vhost or user name as rabbitmqctl must be given it. */
    private static String quoted(String s) {
        return s.matches("[A-Za-z0-9_./@:-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}

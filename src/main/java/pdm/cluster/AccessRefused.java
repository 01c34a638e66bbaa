package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import com.rabbitmq.client.ShutdownSignalException;
import pdm.PdmException;

/**
 * The broker refused this user (wrong password, no permission on the vhost or its queues). Not a
 * network blip: retrying cannot help until an admin changes something, so a worker or monitor
 * ends with exit 2 and this reason unless {@code --retry-auth} asks it to keep trying.
 */
public final class AccessRefused extends PdmException {
    private AccessRefused(String reason, Throwable cause) {
        super(reason, cause);
    }

    /**
     * Why a connect or session failed, for a "retrying" log line; a refusal of the user is thrown
     * instead, unless {@code retryAuth}.
     */
    static String reasonOrThrow(Throwable e, BrokerUri uri, boolean retryAuth) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof PossibleAuthenticationFailureException || isRefusal(t)) {
                String why = "RabbitMQ at " + uri + " refused user '" + uri.user() + "': " + Rabbit.reason(t)
                        + " (a wrong user name or password, or no permission on vhost '" + uri.vhost() + "')";
                if (retryAuth) {
                    return why + " (--retry-auth)";
                }
                throw new AccessRefused(why + "; fix the connect string or the user's permissions, or give "
                        + "--retry-auth to keep trying", e);
            }
        }
        return "broker " + uri + " not reachable: " + Rabbit.reason(e);
    }

    private static boolean isRefusal(Throwable t) {
        if (!(t instanceof ShutdownSignalException s)) {
            return false;
        }
        return s.getReason() instanceof AMQP.Connection.Close c && c.getReplyCode() == AMQP.ACCESS_REFUSED
                || s.getReason() instanceof AMQP.Channel.Close c2 && c2.getReplyCode() == AMQP.ACCESS_REFUSED;
    }
}

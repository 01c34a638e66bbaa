package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import com.rabbitmq.client.impl.ForgivingExceptionHandler;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.Secrets;

/** Connections to the broker a connect string names. */
public final class Rabbit {
    private static final Logger log = LoggerFactory.getLogger(Rabbit.class);

    /**
     * amqp-client's handler, except that a failing socket read is DEBUG, not WARN. When the broker
     * refuses a login or a vhost it closes the socket, and the client's reader thread logged that
     * ("An unexpected connection driver error occurred") before pdm could say what was wrong and how
     * to fix it. A connection lost later reaches pdm as a shutdown signal, which the reconnect loop
     * logs with its reason, so nothing is hidden. Errors thrown by pdm's own consumers still go to
     * the parent's handling (logged, channel closed).
     */
    private static final ForgivingExceptionHandler QUIET_DRIVER = new ForgivingExceptionHandler() {
        @Override
        public void handleUnexpectedConnectionDriverException(Connection conn, Throwable exception) {
            log.debug("connection {} ended: {}", conn.getClientProvidedName(), reason(exception));
        }
    };

    private Rabbit() {
    }

    /**
     * Opens a connection. amqp-client's own recovery is off: pdm reconnects itself, so that a
     * task whose channel died is simply left to the broker's redelivery.
     *
     * @param consumerThreads where consumer callbacks run (null: the client's default pool)
     */
    public static Connection connect(BrokerUri uri, String name, ExecutorService consumerThreads)
            throws IOException, TimeoutException {
        ConnectionFactory f = new ConnectionFactory();
        f.setHost(uri.host());
        f.setPort(uri.port());
        f.setVirtualHost(uri.vhost());
        f.setUsername(uri.user());
        f.setPassword(uri.password());
        f.setAutomaticRecoveryEnabled(false);
        f.setTopologyRecoveryEnabled(false);
        f.setRequestedHeartbeat(15);
        f.setConnectionTimeout(10_000);
        f.setExceptionHandler(QUIET_DRIVER);
        if (uri.tls()) {
            try {
                // The JVM's trust store (javax.net.ssl.trustStore for a private CA), with host name checks.
                f.useSslProtocol(SSLContext.getDefault());
                f.enableHostnameVerification();
            } catch (NoSuchAlgorithmException e) {
                throw new IOException("TLS is not available in this JVM: " + e.getMessage(), e);
            }
        }
        return consumerThreads == null ? f.newConnection(name) : f.newConnection(consumerThreads, name);
    }

    /** Closes a channel that may already be gone (with its connection): nothing is left to release then. */
    public static void closeQuietly(Channel ch) {
        try {
            if (ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // already closed by the broker or the connection
        }
    }

    /**
     * A broker error in one line, without the connect string: the broker's own reply text for a
     * closed connection or channel ({@code NOT_ALLOWED - vhost x not found}) rather than the
     * client's dump of the protocol method. (amqp-client messages never carry the password, but be sure.)
     */
    public static String reason(Throwable e) {
        AMQP.Connection.Close cc = closeOf(e, AMQP.Connection.Close.class);
        AMQP.Channel.Close ch = closeOf(e, AMQP.Channel.Close.class);
        if (cc != null || ch != null) {
            return Secrets.mask(cc != null ? cc.getReplyText() : ch.getReplyText());
        }
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof IOException && t.getCause() != null)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Secrets.mask(m);
    }

    /** The broker's close method of that type somewhere in e's causes, or null. */
    static <T> T closeOf(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ShutdownSignalException s && type.isInstance(s.getReason())) {
                return type.cast(s.getReason());
            }
        }
        return null;
    }
}

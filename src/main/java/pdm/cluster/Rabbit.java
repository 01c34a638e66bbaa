package pdm.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import java.io.IOException;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import pdm.Secrets;

/** Connections to the broker a connect string names. */
public final class Rabbit {
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

    /** A broker error without the connect string (amqp-client messages never carry the password, but be sure). */
    public static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t instanceof IOException && t.getCause() != null)) {
            t = t.getCause();
        }
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return Secrets.mask(m);
    }
}

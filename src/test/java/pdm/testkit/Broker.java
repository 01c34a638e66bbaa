package pdm.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import pdm.transport.BrokerUri;
import pdm.transport.Rabbit;

/**
 * The real RabbitMQ the integration tests use: {@code PDM_TEST_RABBITMQ}, default
 * {@code amqp://guest:guest@127.0.0.1:5672/}. Outside CI a missing broker skips the tests with
 * a message; under {@code CI=true} it fails them.
 */
public final class Broker {
    public static final String URI = System.getenv().getOrDefault("PDM_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/");

    private Broker() {
    }

    /** Skips (or, under CI, fails) the calling test when the broker cannot be reached. */
    public static void require() {
        try (Connection c = connect()) {
            c.createChannel().close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            String msg = "RabbitMQ at " + BrokerUri.mask(URI) + " is not reachable (" + e + "); start it with "
                    + "'rabbitmq-server -detached' or point PDM_TEST_RABBITMQ at one";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    public static Connection connect() throws IOException, TimeoutException {
        return Rabbit.connect(BrokerUri.parse(URI), "pdm test", null);
    }

    /** Deletes the given queues (a test's own), ignoring ones that are not there. */
    public static void deleteQueues(String... queues) {
        try (Connection c = connect()) {
            for (String q : queues) {
                Channel ch = c.createChannel();
                try {
                    ch.queueDelete(q);
                    ch.close();
                } catch (IOException | RuntimeException e) {
                    // not there
                }
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            // the broker is gone; nothing to clean up
        }
    }
}

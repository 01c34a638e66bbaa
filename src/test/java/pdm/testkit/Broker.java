package pdm.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Assumptions;
import pdm.Secrets;
import pdm.cluster.BrokerUri;
import pdm.cluster.JournalStream;
import pdm.cluster.Rabbit;

/**
 * The real RabbitMQ the integration tests use: {@code PDM_TEST_RABBITMQ}, default
 * {@code amqp://guest:guest@127.0.0.1:5672/}. Outside CI a missing broker skips the tests with
 * a message; under {@code CI=true} it fails them.
 */
public final class Broker {
    public static final String URI = System.getenv().getOrDefault("PDM_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/");
    private static final Path CTL = Path.of("/usr/sbin/rabbitmqctl");

    private Broker() {
    }

    /** Skips (or, under CI, fails) the calling test when the broker cannot be reached. */
    public static void require() {
        try (Connection c = connect()) {
            c.createChannel().close();
        } catch (IOException | TimeoutException | RuntimeException e) {
            String msg = "RabbitMQ at " + Secrets.mask(URI) + " is not reachable (" + e + "); start it with "
                    + "'rabbitmq-server -detached' or point PDM_TEST_RABBITMQ at one";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
    }

    /** Skips the calling test unless the broker is local and rabbitmqctl can stop and start it. */
    public static void requireControl() {
        Assumptions.assumeTrue(Files.isExecutable(CTL) && URI.contains("127.0.0.1"),
                "restarting the broker needs " + CTL + " and a local broker");
    }

    /** {@code rabbitmqctl ACTION} (stop_app, start_app), bounded, failing the test if it fails. */
    public static void ctl(String action) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(CTL.toString(), action).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            fail("rabbitmqctl " + action + " failed: " + out);
        }
    }

    public static Connection connect() throws IOException, TimeoutException {
        return Rabbit.connect(BrokerUri.parse(URI), "pdm test", null);
    }

    /** Deletes a source's change journal: its stream, its mark queue and its passes stream. */
    public static void deleteJournal(String srcName) {
        deleteQueues(JournalStream.stream(srcName), JournalStream.marks(srcName), JournalStream.passes(srcName));
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

package pdm.cluster;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one reconnect loop of the worker and the monitor: runs a session (connect, work until the
 * connection ends), and after each waits 1, 2, 4 ... 30 s before the next, until {@code stop}.
 * A session that lasted a minute or more starts the wait over at 1 s. A failed session is logged
 * with its reason; a refusal of the user ends the loop with {@link AccessRefused} unless
 * {@code retryAuth}, and so does a {@link ShardsMismatch}. Errors of the JVM are no failed session: they end the process.
 */
final class Reconnect {
    private static final Logger log = LoggerFactory.getLogger(Reconnect.class);
    static final long FIRST_MS = 1000;
    static final long MAX_MS = 30_000;
    private static final long LONG_SESSION_NS = TimeUnit.SECONDS.toNanos(60);

    /** One connection's life: returns when it ends. */
    interface Session {
        void run() throws IOException, TimeoutException, InterruptedException;
    }

    /** Where the loop reads how long a session lasted and waits between sessions: a test's is fake. */
    interface Clock {
        Clock SYSTEM = new Clock() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public boolean await(CountDownLatch stop, long millis) throws InterruptedException {
                return stop.await(millis, TimeUnit.MILLISECONDS);
            }
        };

        long nanoTime();

        /** Waits {@code millis}, or less when {@code stop} comes; true when stopped. */
        boolean await(CountDownLatch stop, long millis) throws InterruptedException;
    }

    private Reconnect() {
    }

    static void loop(BrokerUri uri, boolean retryAuth, CountDownLatch stop, Session session)
            throws InterruptedException {
        loop(uri, retryAuth, stop, session, Clock.SYSTEM);
    }

    static void loop(BrokerUri uri, boolean retryAuth, CountDownLatch stop, Session session, Clock clock)
            throws InterruptedException {
        long backoff = FIRST_MS;
        while (stop.getCount() > 0) {
            long started = clock.nanoTime();
            try {
                session.run();
            } catch (ShardsMismatch e) {
                throw e; // a config that disagrees with the broker: retrying cannot help
            } catch (IOException | TimeoutException | RuntimeException e) {
                log.warn("{}; retrying in {} s", AccessRefused.reasonOrThrow(e, uri, retryAuth), backoff / 1000);
            }
            if (clock.nanoTime() - started > LONG_SESSION_NS) {
                backoff = FIRST_MS;
            }
            if (clock.await(stop, backoff)) {
                break;
            }
            backoff = Math.min(MAX_MS, backoff * 2);
        }
    }
}

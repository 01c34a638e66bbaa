package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.PossibleAuthenticationFailureException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;

/**
 * The reconnect loop of the worker and the monitor, on a fake clock: sessions are scripted
 * (fail, end cleanly, last a given time), and every wait the loop makes between them is
 * recorded instead of slept.
 */
class ReconnectTest {
    private static final BrokerUri URI = BrokerUri.parse("amqp://pdm:secret@broker.example:5672/pdm");
    private static final long MINUTE_NS = TimeUnit.MINUTES.toNanos(1);

    private final CountDownLatch stop = new CountDownLatch(1);
    private final FakeClock clock = new FakeClock();
    private final Deque<Reconnect.Session> script = new ArrayDeque<>();
    private int sessions;
    private final Logger logger = (Logger) LoggerFactory.getLogger(Reconnect.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    /** Time moves only when a session says it lasted, or the loop waits. */
    private final class FakeClock implements Reconnect.Clock {
        long now = 1_000_000_000L;
        final List<Long> waits = new ArrayList<>();
        /** Called at the start of a wait; may stop the loop (then the wait ends at once, as the latch's does). */
        Runnable onWait = () -> { };

        @Override
        public long nanoTime() {
            return now;
        }

        @Override
        public boolean await(CountDownLatch latch, long millis) {
            onWait.run();
            if (latch.getCount() == 0) {
                return true;
            }
            waits.add(millis);
            now += TimeUnit.MILLISECONDS.toNanos(millis);
            return false;
        }
    }

    @BeforeEach
    void captureLog() {
        logged.start();
        logger.addAppender(logged);
        logger.setAdditive(false); // (the warnings are asserted on here, not printed into the build's output)
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logged);
        logger.setAdditive(true);
    }

    /** The loop over the scripted sessions; once they are used up, the next session stops it. */
    private void loop(boolean retryAuth) throws InterruptedException {
        Reconnect.loop(URI, retryAuth, stop, () -> {
            sessions++;
            Reconnect.Session next = script.poll();
            if (next == null) {
                stop.countDown();
                return;
            }
            next.run();
        }, clock);
    }

    private Reconnect.Session lasting(long nanos, boolean fails) {
        return () -> {
            clock.now += nanos;
            if (fails) {
                throw new ConnectException("Connection refused");
            }
        };
    }

    /**
     * {@code fail}: cannot connect; {@code ok}: connected, and the connection ended (the broker
     * restarted); {@code minute}: a session of exactly 60 s that then fails; {@code long}: one of
     * 60 s and 1 ns that then fails; {@code long-ok}: one of 10 minutes that ends cleanly.
     */
    @ParameterizedTest(name = "{0} -> waits {1} s")
    @CsvSource(delimiter = '|', textBlock = """
            fail                                      | 1
            fail fail fail fail fail fail fail fail   | 1 2 4 8 16 30 30 30
            ok ok ok                                  | 1 2 4
            fail ok fail                              | 1 2 4
            fail fail fail long fail                  | 1 2 4 1 2
            fail fail fail minute fail                | 1 2 4 8 16
            fail fail fail fail long-ok ok            | 1 2 4 8 1 2
            """)
    void theWaitBetweenSessionsDoublesUpTo30sAndStartsOverAfterALongSession(String sessionsIn, String waitsOut)
            throws InterruptedException {
        for (String s : sessionsIn.trim().split(" +")) {
            script.add(switch (s) {
                case "fail" -> lasting(TimeUnit.MILLISECONDS.toNanos(3), true);
                case "ok" -> lasting(TimeUnit.SECONDS.toNanos(5), false);
                case "minute" -> lasting(MINUTE_NS, true);
                case "long" -> lasting(MINUTE_NS + 1, true);
                case "long-ok" -> lasting(10 * MINUTE_NS, false);
                default -> throw new IllegalArgumentException(s);
            });
        }

        loop(false);

        List<Long> expected = Arrays.stream(waitsOut.trim().split(" +")).map(w -> Long.parseLong(w) * 1000).toList();
        assertThat(clock.waits).isEqualTo(expected);
        assertThat(sessions).as("the scripted sessions, then the one that stops").isEqualTo(expected.size() + 1);
        assertThat(stop.getCount()).isZero();
    }

    @Test
    void aFailedSessionIsLoggedWithItsReasonAndTheWait() throws InterruptedException {
        script.add(lasting(0, true));
        script.add(lasting(0, true));

        loop(false);

        assertThat(logged.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "broker " + URI + " not reachable: Connection refused; retrying in 1 s",
                "broker " + URI + " not reachable: Connection refused; retrying in 2 s");
        assertThat(logged.list).extracting(e -> e.getFormattedMessage().contains("secret")).containsOnly(false);
    }

    @Test
    void aStopDuringTheWaitEndsTheLoopWithoutAnotherSession() throws InterruptedException {
        script.add(lasting(0, true));
        script.add(lasting(0, true));
        script.add(lasting(0, true));
        clock.onWait = () -> {
            if (clock.waits.size() == 2) {
                stop.countDown(); // (SIGTERM while the worker waits to reconnect)
            }
        };

        loop(false);

        assertThat(sessions).isEqualTo(3);
        assertThat(clock.waits).containsExactly(1000L, 2000L);
    }

    @Test
    void aStopBeforeTheFirstSessionRunsNone() throws InterruptedException {
        stop.countDown();

        loop(false);

        assertThat(sessions).isZero();
        assertThat(clock.waits).isEmpty();
    }

    @Test
    void aRefusedUserEndsTheLoopUnlessRetryAuth() throws InterruptedException {
        script.add(() -> {
            throw new PossibleAuthenticationFailureException("ACCESS_REFUSED - Login was refused");
        });

        assertThatThrownBy(() -> loop(false)).isInstanceOf(AccessRefused.class)
                .hasMessageContaining("refused user 'pdm'").hasMessageContaining("--retry-auth");
        assertThat(sessions).isEqualTo(1);
        assertThat(clock.waits).as("no wait: the loop is over").isEmpty();

        script.add(() -> {
            throw new PossibleAuthenticationFailureException("ACCESS_REFUSED - Login was refused");
        });
        loop(true);

        assertThat(sessions).as("the refused one, then the one that stops").isEqualTo(3);
        assertThat(clock.waits).containsExactly(1000L);
        assertThat(logged.list).singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                .contains("refused user 'pdm'").endsWith("(--retry-auth); retrying in 1 s");
    }

    @Test
    void aShardsMismatchEndsTheLoop() {
        ShardsMismatch mismatch = new ShardsMismatch("panda", "badger", 2, "4", "pdm.shards.panda.badger");
        script.add(() -> {
            throw mismatch;
        });

        assertThatThrownBy(() -> loop(true)).isSameAs(mismatch);
        assertThat(clock.waits).isEmpty();
    }

    @Test
    void aRuntimeExceptionIsAFailedSessionAndAnErrorOfTheJvmEndsTheLoop() throws InterruptedException {
        script.add(() -> {
            throw new IllegalStateException("channel closed");
        });
        OutOfMemoryError oom = new OutOfMemoryError("Java heap space");
        script.add(() -> {
            throw oom;
        });

        assertThatThrownBy(() -> loop(false)).isSameAs(oom);
        assertThat(sessions).isEqualTo(2);
        assertThat(clock.waits).containsExactly(1000L);
    }

    @Test
    void anInterruptedSessionEndsTheLoop() {
        script.add(() -> {
            throw new InterruptedException();
        });

        assertThatThrownBy(() -> loop(false)).isInstanceOf(InterruptedException.class);
        assertThat(clock.waits).isEmpty();
    }

    @Test
    void theRealClockWaitsOnTheStopLatch() throws InterruptedException {
        stop.countDown();
        assertThat(Reconnect.Clock.SYSTEM.await(stop, TimeUnit.DAYS.toMillis(1))).as("a stop ends the wait").isTrue();
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The limiter's behaviour that is not a timing: that a wait ends on a stop request and on a new
 * rate (else these tests hang until their timeout), and that no limit means no wait. How well a
 * rate is held is measured in bench/throttle.sh.
 */
class TokenBucketTest {
    @Test
    @Timeout(60)
    void aStopRequestEndsAWait() throws InterruptedException {
        TokenBucket b = new TokenBucket(1); // one unit per second: a day's worth would take a day
        AtomicBoolean stop = new AtomicBoolean();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                b.take(86_400, stop::get);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stop.set(true);
        t.join();
    }

    @Test
    @Timeout(60)
    void aNewRateLetsWaitingTakersGoAndLiftingItStopsAllWaits() throws InterruptedException {
        TokenBucket b = new TokenBucket(1);
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                b.take(86_400, () -> false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        while (t.getState() != Thread.State.TIMED_WAITING && t.isAlive()) {
            Thread.onSpinWait();
        }
        b.setRate(0);
        t.join();
        assertThat(b.limited()).isFalse();
        b.take(Long.MAX_VALUE, () -> false); // no limit: no wait
    }

    @Test
    void aRateIsZeroOrMore() {
        assertThatThrownBy(() -> new TokenBucket(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-1");
    }

    @Test
    void theThrottleSmoothsLargeFilesIntoChunksOfATwentiethOfASecond() {
        Throttle t = new Throttle(20L << 20, 0);
        assertThat(t.chunk()).isEqualTo((20L << 20) / 20);
        t.set(0, 5);
        assertThat(t.chunk()).as("no byte limit: the copier's own chunk").isEqualTo(Long.MAX_VALUE);
        assertThat(t.filesPerSecond()).isEqualTo(5);
        assertThat(t.toString()).isEqualTo("bwlimit none, max_files_per_second 5");
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HeapKeeperTest {
    private static final long MB = 1L << 20;

    @Test
    void collectsOnceTheOldGenerationHoldsTwiceWhatWasAliveAndAtLeast64MbMore() {
        AtomicLong used = new AtomicLong();
        AtomicLong live = new AtomicLong();
        AtomicInteger collections = new AtomicInteger();
        HeapKeeper keeper = new HeapKeeper(used::get, live::get, () -> {
            collections.incrementAndGet();
            used.set(live.get());
        });

        used.set(64 * MB);
        assertThat(keeper.check()).as("64 MB: not yet").isFalse();
        used.set(65 * MB);
        live.set(10 * MB);
        assertThat(keeper.check()).isTrue();
        assertThat(collections).hasValue(1);

        used.set(74 * MB);
        assertThat(keeper.check()).as("10 MB alive: the next at 74 MB").isFalse();
        used.set(75 * MB);
        live.set(200 * MB);
        assertThat(keeper.check()).isTrue();

        used.set(400 * MB);
        assertThat(keeper.check()).as("200 MB alive: the next at twice that").isFalse();
        used.set(401 * MB);
        assertThat(keeper.check()).isTrue();
        assertThat(collections).hasValue(3);
    }
}

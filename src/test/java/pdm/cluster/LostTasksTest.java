package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LostTasksTest {
    @Test
    void pendingTasksHeldNowhereForTheWholeWaitAreLost() {
        LostTasks lost = new LostTasks(1000);
        assertThat(lost.lost(0, true, 3, 10, false, 0)).isFalse();
        assertThat(lost.lost(999, true, 3, 10, false, 0)).isFalse();
        assertThat(lost.lost(1000, true, 3, 10, false, 0)).isTrue();
    }

    @Test
    void anythingThatMovesOrHoldsATaskStartsTheWaitOver() {
        LostTasks lost = new LostTasks(1000);
        lost.lost(0, true, 3, 10, false, 0);
        assertThat(lost.lost(900, true, 3, 10, true, 0)).as("a worker runs one").isFalse();
        assertThat(lost.lost(1500, true, 3, 10, false, 0)).isFalse();
        assertThat(lost.lost(2000, true, 3, 10, false, 5)).as("a message ready").isFalse();
        assertThat(lost.lost(2100, true, 3, 10, false, 0)).isFalse();
        assertThat(lost.lost(2900, true, 2, 11, false, 0)).as("a task done").isFalse();
        assertThat(lost.lost(3800, true, 2, 11, false, 0)).isFalse();
        assertThat(lost.lost(3900, true, 2, 11, false, 0)).isTrue();
    }

    @Test
    void aJobNotStartedOrWithNothingPendingIsNeverLost() {
        LostTasks lost = new LostTasks(0);
        assertThat(lost.lost(0, false, 3, 0, false, 0)).isFalse();
        assertThat(lost.lost(10, true, 0, 5, false, 0)).isFalse();
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pdm.job.Counters;

/** The progress line fits any width, drops its least useful parts first, and says where its total came from. */
class ProgressLineTest {
    private static final Counters BUSY = new Counters(123_456, 2_345_678, 0, 3, 17, 45_678, 12, 987_654_321_012L, 0);
    private static final ProgressLine.Total PREVIOUS =
            new ProgressLine.Total(5_000_000, "from the previous copy pass", "previous pass");

    @Test
    void neverLongerThanTheWidth() {
        for (ProgressLine.Total total : new ProgressLine.Total[]{null, PREVIOUS}) {
            ProgressLine line = new ProgressLine("verify", BUSY, 3_725.4, total);
            for (int width = 1; width <= 220; width++) {
                assertThat(line.fit(width).length()).as("width " + width + ": " + line.fit(width))
                        .isLessThanOrEqualTo(width);
            }
        }
    }

    @Test
    void eightyColumnsKeepWhatMatters() {
        String line = new ProgressLine("copy", BUSY, 3_725.4, PREVIOUS).fit(79);

        assertThat(line).startsWith("copy: 1:02:05, 50% (previous pass), ETA ").contains("2.47M files")
                .contains("3 failed").contains("/s");
    }

    @Test
    void aWideLineSaysEverything() {
        String line = new ProgressLine("copy", BUSY, 100, PREVIOUS).full();

        assertThat(line).isEqualTo("copy: 1:40 elapsed, 50% of ~5.00M entries (from the previous copy pass), ETA 1:39, "
                + "2.47M files (24.7k/s), 919.8 GiB (9.2 GiB/s), 3 failed, 45.7k dirs");
    }

    @Test
    void aTotalPassedIsSaidNotExtrapolated() {
        ProgressLine.Total small = new ProgressLine.Total(1_000, "from the previous copy pass", "previous pass");

        String line = new ProgressLine("copy", BUSY, 10, small).full();

        assertThat(line).startsWith("copy: 0:10 elapsed, past the total of ~1000 entries (from the previous copy pass),").doesNotContain("ETA").doesNotContain("%,");
    }

    @Test
    void aPartGoneLeavesNoStraySeparator() {
        assertThat(new ProgressLine("copy", BUSY, 5, PREVIOUS).fit(17)).isEqualTo("copy: 2.47M files");
        assertThat(new ProgressLine("copy", BUSY, 5, PREVIOUS).fit(30)).doesNotContain(":,").doesNotContain(", ,");
    }

    @Test
    void withoutATotalNoPercent() {
        String line = new ProgressLine("delete", new Counters(0, 0, 5, 0, 0, 7, 0, 0, 0), 2, null).fit(79);

        assertThat(line).isEqualTo("delete: 0:02 elapsed, 5 files (3/s), 0 B (0 B/s), 0 failed, 7 dirs");
    }
}

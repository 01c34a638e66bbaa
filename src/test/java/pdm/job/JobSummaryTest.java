package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The paragraph people read: counts, each failure with its reason, and a bounded length. */
class JobSummaryTest {
    @Test
    void paragraphListsFailuresUpToItsCapAndPointsToTheRest() {
        JobStats stats = new JobStats();
        stats.filesCopied.add(7);
        for (int i = 0; i < JobSummary.PARAGRAPH_FAILURES + 500; i++) {
            stats.fail(String.format("/d/f%05d", i), "permission denied");
        }

        JobSummary s = JobSummary.of("j1", "copy", "panda", "badger", "/d", false, stats, 2.0, false);
        String[] lines = s.paragraph().split(System.lineSeparator());

        assertThat(s.exitCode()).isEqualTo(1);
        assertThat(s.failures()).hasSize(JobSummary.PARAGRAPH_FAILURES + 500);
        assertThat(lines[0]).contains("7 files copied").contains("1500 failed");
        assertThat(lines[1]).isEqualTo("  /d/f00000: permission denied");
        assertThat(lines).hasSize(JobSummary.PARAGRAPH_FAILURES + 2);
        assertThat(lines[lines.length - 1]).contains("... and 500 more");
    }

    @Test
    void cleanRunExitsZero() {
        JobStats stats = new JobStats();
        stats.filesSkipped.add(3);

        JobSummary s = JobSummary.of("j2", "verify", "a", "b", "/", false, stats, 1.0, false);

        assertThat(s.exitCode()).isZero();
        assertThat(s.paragraph()).doesNotContain("\n  ");
    }
}

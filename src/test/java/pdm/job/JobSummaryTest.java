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
            stats.fail(String.format("/d/f%05d", i), "permission denied " + i);
        }

        JobSummary s = JobSummary.of("j1", "copy", "panda", "badger", "/d", false, stats, 2.0, false);
        String[] lines = s.paragraph().split(System.lineSeparator());

        assertThat(s.exitCode()).isEqualTo(1);
        assertThat(s.failures()).hasSize(JobSummary.PARAGRAPH_FAILURES + 500);
        assertThat(lines[0]).contains("7 files copied").contains("1500 failed");
        assertThat(lines[1]).isEqualTo("  /d/f00000: permission denied 0");
        assertThat(lines).hasSize(JobSummary.PARAGRAPH_FAILURES + 2);
        assertThat(lines[lines.length - 1]).contains("... and 500 more");
    }

    @Test
    void oneCauseThatFailsEverythingIsSaidOnceWithItsCount() {
        JobStats stats = new JobStats();
        for (int i = 0; i < 3000; i++) {
            stats.fail(String.format("/d/f%05d", i), "openat: EROFS (Read-only file system)");
        }
        stats.fail("/other", "permission denied");

        JobSummary s = JobSummary.of("j1", "copy", "panda", "badger", "/d", false, stats, 2.0, false);

        assertThat(s.paragraph().lines().skip(1)).containsExactly(
                "  /d/f00000: openat: EROFS (Read-only file system)",
                "  /d/f00001: openat: EROFS (Read-only file system)",
                "  /d/f00002: openat: EROFS (Read-only file system)",
                "  ... and 2997 more: openat: EROFS (Read-only file system)",
                "  /other: permission denied");
        assertThat(s.counters().filesFailed()).isEqualTo(3001);
    }

    @Test
    void onATerminalTheSummaryIsAFewAlignedLinesOf80Columns() {
        Counters c = new Counters(123_456, 2_345_678, 10, 3, 17, 45_678, 12, 987_654_321_012L, 0, 0, 4, 0, 0, 0,
                0, 0, 500_000_000_000L);
        JobSummary s = new JobSummary("j", "copy", "/data/source/tree", "/data/target/tree", "/", false, c, 1234.5,
                false, java.util.List.of(new Failure("/a/b", "openat: EACCES (Permission denied)")));

        String block = s.text(80, false);

        assertThat(block.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
        assertThat(block.lines().toList()).startsWith(
                "pdm copy /data/source/tree -> /data/target/tree /",
                "  files     123456 copied, 2345678 up to date, 10 removed, 17 metadata fixed, 3",
                "            failed",
                "  dirs      45678 (12 created)",
                "  data      919.8 GiB in 1234.5 s (386.3 MiB/s, 2000 files/s)",
                "  4 vanished from the source while the pass ran (normal on a live filesystem).");
        assertThat(block).as("the terminal showed the failures as WARN lines: said once")
                .doesNotContain("/a/b").contains("the 3 failed are listed above, as they happened");
        assertThat(s.text(80, true)).contains("  /a/b: openat: EACCES (Permission denied)");
        assertThat(s.paragraph().lines().findFirst().orElseThrow()).as("logs and pipes keep one line")
                .contains("123456 files copied").contains("(386.3 MiB/s,");
    }

    @Test
    void cleanRunExitsZero() {
        JobStats stats = new JobStats();
        stats.filesSkipped.add(3);

        JobSummary s = JobSummary.of("j2", "verify", "a", "b", "/", false, stats, 1.0, false);

        assertThat(s.exitCode()).isZero();
        assertThat(s.paragraph()).doesNotContain("\n  ");
    }

    @Test
    void eachPassSpeaksItsOwnWords() {
        Counters verify = new Counters(0, 212, 0, 0, 0, 12, 0, 0, 6);
        Counters delete = new Counters(0, 0, 35, 1, 0, 40, 0, 0, 0);
        Counters dirtimes = new Counters(0, 0, 0, 0, 30, 40, 0, 0, 0);

        assertThat(summary("verify", verify, false).paragraph().lines().findFirst().orElseThrow())
                .contains("218 compared: 212 identical, 6 differ, 0 failed; 12 dirs, 0 differ")
                .doesNotContain("copied").doesNotContain("skipped").doesNotContain("differences");
        assertThat(summary("delete", delete, false).paragraph())
                .contains(": removed 35, 1 failed; 40 dirs looked at").doesNotContain("copied");
        assertThat(summary("delete", delete, true).paragraph()).contains("(dry run)").contains("would remove 35");
        assertThat(summary("dirtimes", dirtimes, false).paragraph())
                .contains(": set owner, mode and times of 30 dirs, 10 already matched, 0 failed")
                .doesNotContain("copied");
        assertThat(summary("copy", verify, false).paragraph()).contains("0 files copied, 212 skipped (up to date)")
                .contains(" 6 differences.");
    }

    private static JobSummary summary(String action, Counters c, boolean dryRun) {
        return new JobSummary("j", action, "a", "b", "/", dryRun, c, 2.0, false, java.util.List.of());
    }

    @Test
    void aRootWithANewlineStaysOnTheSummarysOneLine() {
        JobSummary s = JobSummary.of("j1", "copy", "/data/a\nb", "/data/t\tx", "/p\rq", false, new JobStats(), 1.0,
                false);

        assertThat(s.paragraph().lines()).hasSize(1);
        assertThat(s.paragraph()).startsWith("pdm copy /data/a\\nb -> /data/t\\tx /p\\rq: ");
        assertThat(s.text(80, false).lines().findFirst().orElseThrow()).contains("/data/a\\nb");
    }
}

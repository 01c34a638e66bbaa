package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import pdm.job.Counters;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/** What status says of a job that is queued, running or done, and that its rows fit 80 columns. */
class StatusCommandTest {
    private static final String JOB = "20261125-120000-test";
    private static final long SUBMITTED = 1_000_000;

    private static JobFold submitted() {
        JobFold fold = new JobFold();
        fold.apply(new JobEvent.Submitted(JOB, "dirtimes", List.of(Pass.DIRTIMES), "panda", "badger",
                "panda (/mnt/panda)", "badger (/mnt/badger)", "user_xyz", JobOptions.DEFAULT, SUBMITTED, "me@here"));
        return fold;
    }

    /** The root task is done 48 s after submission and announced one more directory. */
    private static JobFold running() {
        JobFold fold = submitted();
        String root = TaskIds.root(JOB, 0);
        String child = TaskIds.childDir(root, "d");
        fold.apply(new JobEvent.Done(JOB, root, TaskKind.DIR, List.of(new JobEvent.Child(child, TaskKind.DIR, "user_xyz/d")),
                new Counters(1_234_566, 8_765_432, 0, 1, 0, 45_678, 0, 1L << 50, 0), List.of(), null, false,
                "n", SUBMITTED + 48_000));
        return fold;
    }

    @Test
    void aQueuedJobSaysItIsQueuedAndForHowLong() {
        String text = print(submitted().job(JOB), SUBMITTED + 30_000);
        assertThat(text).contains("state: running").contains("queued for 0:30: no task of it has run yet");
    }

    @Test
    void aJobHeldBehindAnotherOnItsTreeSaysWhichAndIsShownQueued() {
        JobFold fold = submitted();
        fold.apply(new JobEvent.Queued(JOB, "20261125-115900-aaaa", "sync /user_xyz", SUBMITTED + 1));
        JobFold.Job j = fold.job(JOB);
        assertThat(print(j, SUBMITTED + 30_000)).contains("state: queued")
                .contains("queued for 0:30 behind job 20261125-115900-aaaa (sync /user_xyz)");
        assertThat(StatusCommand.row(j, SUBMITTED + 30_000)).contains(" queued ");
        assertThat(StatusCommand.toJson(j, SUBMITTED + 30_000).path("queued_behind").asText())
                .isEqualTo("20261125-115900-aaaa");

        fold.apply(new JobEvent.Published(JOB, TaskIds.root(JOB, 0))); // the job ahead has ended: its root went out
        assertThat(print(fold.job(JOB), SUBMITTED + 40_000)).contains("state: running")
                .contains("queued for 0:40: no task of it has run yet");
    }

    @Test
    void aRunningJobShowsItsCountsSoFarAndARateOverItsRunTimeNotItsQueueTime() {
        JobFold.Job j = running().job(JOB);
        String text = print(j, SUBMITTED + 48_000 + 10_000);
        assertThat(text).contains("state: running; pass 1 of 1 (dirtimes)")
                .contains("running for 0:10 (after 0:48 in the queue)")
                .contains("so far: 9999999 files").contains("45678 dirs, 1 failed")
                .contains("; 1000000 files/s over the run time") // (over 58 s it would be 172414)
                .doesNotContain(" in 0."); // no finished-looking paragraph
        assertThat(StatusCommand.toJson(j, SUBMITTED + 58_000).path("queued_seconds").asDouble()).isEqualTo(48.0);
        assertThat(StatusCommand.toJson(j, SUBMITTED + 58_000).path("seconds").asDouble()).isEqualTo(10.0);
    }

    @Test
    void statusRowsFitEightyColumnsWithLargeCounts() {
        assertThat(StatusCommand.HEADER.length()).isLessThanOrEqualTo(80);
        String row = StatusCommand.row(running().job(JOB), SUBMITTED + 48_001);
        assertThat(row.length()).as(row).isLessThanOrEqualTo(80);
        assertThat(row).startsWith(JOB).contains("running").contains("10.00M").contains("1.0 PiB");
    }

    private static String print(JobFold.Job j, long now) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        StatusCommand.print(new PrintStream(b, true, StandardCharsets.UTF_8), j, now);
        return b.toString(StandardCharsets.UTF_8);
    }
}

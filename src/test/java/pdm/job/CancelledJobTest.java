package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/** A cancelled job ends at once with its counts so far; nothing that comes after changes it. */
class CancelledJobTest {
    private static final String JOB = "20261125-120000-canc";

    private static JobEvent.Done done(String task, List<JobEvent.Child> children, long copied, long ts) {
        return new JobEvent.Done(JOB, task, TaskKind.DIR, children, new Counters(copied, 0, 0, 0, 0, 1, 0, copied, 0),
                List.of(), null, false, "n", ts);
    }

    @Test
    void aCancelledJobEndsWithItsCountsSoFarAndIgnoresLaterDoneEvents() throws Exception {
        JobFold fold = new JobFold();
        fold.apply(new JobEvent.Submitted(JOB, "sync", List.of(Pass.COPY, Pass.DELETE), "panda", "badger", "p",
                "b", "", JobOptions.DEFAULT, 1000, "me@here"));
        String root = TaskIds.root(JOB, 0);
        String child = TaskIds.childDir(root, "d");
        fold.apply(done(root, List.of(new JobEvent.Child(child, TaskKind.DIR, "d")), 7, 5000));
        assertThat(fold.job(JOB).startedMs()).isEqualTo(5000);

        JobEvent.Cancelled cancel = new JobEvent.Cancelled(JOB, "root@node1", 6000);
        assertThat(EventCodec.decode(EventCodec.encode(cancel))).isEqualTo(cancel);
        fold.apply(EventCodec.decode(EventCodec.encode(cancel)));
        fold.apply(done(child, List.of(), 100, 7000)); // a task that was running: changes nothing now

        JobFold.Job j = fold.job(JOB);
        assertThat(j.state()).isEqualTo(JobFold.State.CANCELLED);
        assertThat(j.cancelledBy()).isEqualTo("root@node1");
        assertThat(j.summary().counters().filesCopied()).isEqualTo(7);
        assertThat(j.summary().seconds()).isEqualTo(1.0); // from the first task, not from submission
        assertThat(j.exitCode()).isEqualTo(130);
        assertThat(j.toPublish()).isEmpty();
        assertThat(j.tasksPending()).isZero();

        fold.forget(JOB);
        assertThat(fold.job(JOB)).as("a tracker forgets it").isNull();
    }
}

package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/** Where a saved fold resumes (what it resumes to is checked in ClusterViewTest, at every cut point). */
class ResumableFoldTest {
    private static JobEvent.Submitted job(String id) {
        return new JobEvent.Submitted(id, "copy", List.of(Pass.COPY), "panda", "badger", "panda (/p)", "badger (/b)",
                "", JobOptions.DEFAULT, 1000, "me@here");
    }

    @Test
    void aRunningJobPinsItsStartAndAFinishedOneDoesNot() throws Exception {
        ResumableFold f = new ResumableFold();
        f.apply(job("20261125-101842-aaaa"), 10);
        f.apply(new JobEvent.Mark("m"), 11);
        assertThat(ResumableFold.resume(f.save()).readFrom()).isEqualTo(LogPosition.at(10));

        String root = TaskIds.root("20261125-101842-aaaa", 0);
        f.apply(new JobEvent.Done("20261125-101842-aaaa", root, TaskKind.DIR, List.of(), Counters.ZERO, List.of(), null,
                false, "h:1", 2000), 12);
        assertThat(f.fold().job("20261125-101842-aaaa").state()).isEqualTo(JobFold.State.DONE);
        assertThat(ResumableFold.resume(f.save()).readFrom()).isEqualTo(LogPosition.at(13));
    }

    @Test
    void aResumedFoldThatReadsNothingNewSavesTheSameOffset() throws Exception {
        ResumableFold f = new ResumableFold();
        f.apply(job("20261125-101842-aaaa"), 40);
        ResumableFold again = ResumableFold.resume(ResumableFold.resume(f.save()).save());
        assertThat(again.readFrom()).isEqualTo(LogPosition.at(40));
    }

    @Test
    void aJobEventTheFoldRefusesDoesNotPinTheOffset() throws Exception {
        ResumableFold f = new ResumableFold();
        f.apply(job("not a job id!"), 5);
        f.apply(new JobEvent.Submitted("20261125-101842-bbbb", "copy", List.of(), "panda", "badger", "p", "b", "",
                JobOptions.DEFAULT, 1000, "me@here"), 6); // no passes: refused
        f.apply(new JobEvent.Mark("m"), 7);
        assertThat(ResumableFold.resume(f.save()).readFrom()).isEqualTo(LogPosition.at(8));
    }

    @Test
    void anUnknownOffsetResumesFromTheStart() throws Exception {
        ResumableFold f = new ResumableFold();
        f.apply(job("20261125-101842-cccc"), -1);
        f.apply(new JobEvent.Mark("m"), 9);
        assertThat(ResumableFold.resume(f.save()).readFrom()).isEqualTo(LogPosition.FIRST);
    }
}

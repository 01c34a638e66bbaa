package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.FinishTask;
import pdm.task.RangeTask;

/** A task sink that keeps what a file task hands on for one big file: its finish and its ranges. */
final class RecordedSplits implements TaskSink {
    FinishTask finish;
    List<RangeTask> ranges = List.of();

    @Override
    public void publish(DirTask task) {
        throw new AssertionError("no directory here");
    }

    @Override
    public void publish(FileTask task) {
        throw new AssertionError("no file batch here");
    }

    @Override
    public boolean splitsAcrossWorkers() {
        return true;
    }

    @Override
    public void split(FinishTask f, List<RangeTask> r) {
        assertThat(finish).as("one big file").isNull();
        finish = f;
        ranges = r;
    }
}

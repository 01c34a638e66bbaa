package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.config.DataSource;
import pdm.config.Split;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.task.FileTask;
import pdm.task.FinishTask;
import pdm.task.JobOptions;
import pdm.task.Pass;
import pdm.task.RangeTask;
import pdm.task.Task;
import pdm.task.TaskIds;
import pdm.task.TaskMessage;
import pdm.task.WorkItem;

/**
 * A big file cut into range tasks for several workers, run task by task as workers would (no
 * broker: the tasks' sink records what they hand on): the file task makes and sizes one temp
 * file, a redelivery of it finds the same one (same inode) and hands on the same ranges; ranges
 * in any order, some twice, then the finish place the exact file, once; a source that grew
 * before the finish fails the file and leaves no temp file; a temp file removed mid-file is made
 * anew under another name, the first one's tasks fail; a discarded finish only removes it.
 */
class SplitTasksTest {
    private static final String JOB = "20261206-210000-split";
    private static final JobOptions OPTIONS = JobOptions.DEFAULT.withSplit(new Split(1L << 20, 256L << 10));
    private static final String FILES = TaskIds.childFiles(TaskIds.root(JOB, 0), -1, 0);

    @TempDir
    Path tmp;
    private Path src;
    private Path tgt;
    private DataSource srcDs;
    private DataSource tgtDs;
    private final TaskRunner runner = new TaskRunner(1000, m -> null);

    @BeforeEach
    void trees() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        tgt = Files.createDirectories(tmp.resolve("tgt"));
        Files.createDirectories(src.resolve("d"));
        Files.createDirectories(tgt.resolve("d"));
        byte[] data = new byte[(3 << 20) + 5];
        new Random(7).nextBytes(data);
        Files.write(src.resolve("d/big"), data);
        srcDs = new DataSource("src", "posix", src, false, false, 0, 0, 0);
        tgtDs = new DataSource("tgt", "posix", tgt, false, true, 0, 0, 0);
    }

    @Test
    void rangesInAnyOrderAndTwiceThenTheFinishPlaceTheExactFileOnce() throws Exception {
        RecordedSplits first = start(false);
        assertThat(first.ranges).hasSize(13); // 3 MiB + 5 bytes in 256 KiB ranges
        assertThat(first.ranges.get(12).to()).isEqualTo((3L << 20) + 5);
        Path temp = tgt.resolve("d").resolve(first.finish.temp());
        assertThat(Files.size(temp)).as("sized before any range").isEqualTo((3L << 20) + 5);
        assertThat(Files.exists(tgt.resolve("d/big"))).isFalse();

        RecordedSplits again = start(true); // the broker delivers the file task again: its first worker died
        assertThat(again.finish).isEqualTo(first.finish); // the same temp file, same inode
        assertThat(again.ranges).isEqualTo(first.ranges);

        List<RangeTask> order = new ArrayList<>(first.ranges);
        order.addAll(first.ranges.subList(3, 7)); // redone after a crash: idempotent
        Collections.shuffle(order, new Random(11));
        for (RangeTask r : order) {
            JobStats s = run(r);
            assertThat(s.failures()).isEmpty();
        }
        assertThat(Files.exists(tgt.resolve("d/big"))).as("placed only by the finish").isFalse();

        JobStats finished = run(first.finish);
        assertThat(finished.failures()).isEmpty();
        assertThat(finished.filesCopied.sum()).isEqualTo(1);
        assertThat(Files.readAllBytes(tgt.resolve("d/big"))).isEqualTo(Files.readAllBytes(src.resolve("d/big")));
        assertThat(Files.getLastModifiedTime(tgt.resolve("d/big")))
                .isEqualTo(Files.getLastModifiedTime(src.resolve("d/big")));
        assertThat(temps()).isZero();

        JobStats twice = run(first.finish);
        assertThat(twice.failures()).as("a finish run again finds the file placed").isEmpty();
        assertThat(twice.filesCopied.sum()).isZero();
    }

    @Test
    void aSourceThatGrewBeforeTheFinishFailsTheFileNeverMixedAndLeavesNoTempFile() throws Exception {
        RecordedSplits r = start(false);
        for (RangeTask range : r.ranges) {
            assertThat(run(range).failures()).isEmpty();
        }
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("d/big").toFile(), "rw")) {
            f.seek(f.length());
            f.write(new byte[]{1, 2, 3});
        }

        JobStats s = run(r.finish);

        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/d/big");
            assertThat(f.error()).contains("size or mtime moved between its first range and its last");
        });
        assertThat(Files.exists(tgt.resolve("d/big"))).isFalse();
        assertThat(temps()).isZero();
    }

    @Test
    void aTempFileRemovedMidFileIsMadeAnewUnderAnotherNameAndTheFirstOnesTasksFail() throws Exception {
        RecordedSplits first = start(false);
        assertThat(run(first.ranges.get(0)).failures()).isEmpty();
        Files.delete(tgt.resolve("d").resolve(first.finish.temp())); // (say, a stale-temp removal)

        RecordedSplits again = start(true);
        // (another name, so other range ids: ranges done into the first never count for this one)
        assertThat(again.finish.temp()).isNotEqualTo(first.finish.temp());
        assertThat(run(first.ranges.get(1)).failures()).singleElement()
                .satisfies(f -> assertThat(f.path()).isEqualTo("/d/big"));
        assertThat(run(first.finish).failures()).singleElement()
                .satisfies(f -> assertThat(f.error()).contains("was removed or replaced before it was placed"));
        assertThat(Files.exists(tgt.resolve("d/big"))).isFalse();

        // a range of it failed: the fold's finish only removes its temp file
        assertThat(run(again.finish.discarded("not placed, as a range of it failed: EIO")).failures()).isEmpty();
        assertThat(temps()).isZero();
        assertThat(Files.exists(tgt.resolve("d/big"))).isFalse();
    }

    private RecordedSplits start(boolean redelivered) throws Exception {
        RecordedSplits r = new RecordedSplits();
        start(redelivered, r);
        return r;
    }

    private void start(boolean redelivered, RecordedSplits into) throws Exception {
        FileMeta listed;
        try (FsRoot root = new FsRoot("src", src, false); Dir d = root.open(Path.of("d"))) {
            listed = d.stat(Path.of("big"));
        }
        FileTask files = new FileTask(Path.of("d"), null, null,
                List.of(new WorkItem(Path.of("big"), WorkItem.Op.COPY, listed, null)));
        JobStats s = new JobStats();
        runner.run(message(FILES, files), srcDs, tgtDs, redelivered, into, s);
        assertThat(s.failures()).isEmpty();
        assertThat(into.finish).as("the big file was cut into ranges").isNotNull();
    }

    private JobStats run(Task t) throws Exception {
        JobStats s = new JobStats();
        String id = t instanceof RangeTask r ? TaskIds.range(FILES, "big", r.temp().toString(), (int) (r.from() >> 18))
                : TaskIds.finish(FILES, "big", ((FinishTask) t).temp().toString());
        runner.run(message(id, t), srcDs, tgtDs, false, new RecordedSplits(), s);
        return s;
    }

    private static TaskMessage message(String id, Task t) {
        return new TaskMessage(JOB, id, Pass.COPY, "src", "tgt", OPTIONS, Names.ROOT, t);
    }

    private long temps() throws IOException {
        try (Stream<Path> s = Files.list(tgt.resolve("d"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(".pdm-tmp-")).count();
        }
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
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
import pdm.task.JobOptions;
import pdm.task.Pass;
import pdm.task.RangeTask;
import pdm.task.Task;
import pdm.task.TaskIds;
import pdm.task.TaskMessage;
import pdm.task.WorkItem;

/**
 * verify of a big file cut into range tasks for several workers, run task by task as workers
 * would (no broker: the sink records what the file task hands on; the fold's part, the lowest
 * difference of the ranges, is SplitFoldTest's): the file task gives no verdict; each range
 * reports the first byte it found to differ and nothing else; the finish reports the file once,
 * identical or one difference naming the byte; a side that moved before the finish, or a target
 * replaced under a range, fails the file with a reason that says so.
 */
class VerifySplitTasksTest {
    private static final String JOB = "20261206-220000-vsplit";
    private static final JobOptions OPTIONS = JobOptions.DEFAULT.withSplit(new Split(1L << 20, 256L << 10));
    private static final String FILES = TaskIds.childFiles(TaskIds.root(JOB, 0), -1, 0);
    private static final long SIZE = (3L << 20) + 5;

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
        byte[] data = new byte[(int) SIZE];
        new Random(7).nextBytes(data);
        for (Path root : List.of(src, tgt)) {
            Path f = Files.write(Files.createDirectories(root.resolve("d")).resolve("big"), data);
            Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
            Files.setLastModifiedTime(f, FileTime.fromMillis(1_700_000_000_000L));
        }
        srcDs = new DataSource("src", "posix", src, false, false, 0, 0, 0);
        tgtDs = new DataSource("tgt", "posix", tgt, false, true, 0, 0, 0);
    }

    @Test
    void anIdenticalFileIsOneIdenticalFileHoweverManyRanges() throws Exception {
        RecordedSplits r = start();
        assertThat(r.ranges).hasSize(13).allMatch(RangeTask::verifies);
        assertThat(r.finish.verify()).isTrue();
        assertThat(r.finish.temp()).isNull();
        List<RangeTask> order = new ArrayList<>(r.ranges);
        Collections.shuffle(order, new Random(3));
        for (RangeTask range : order) {
            JobStats s = run(range);
            assertThat(s.failures()).isEmpty();
            assertThat(s.differsAt()).isEqualTo(-1);
        }
        JobStats s = run(r.finish);
        assertThat(s.failures()).isEmpty();
        assertThat(s.filesSkipped.sum()).isEqualTo(1);
        assertThat(s.differences.sum()).isZero();
        assertThat(temps()).as("verify writes nothing").isZero();
    }

    @Test
    void bytesChangedInTwoRangesAreOneDifferenceNamingTheFirst() throws Exception {
        long first = 5L * (256 << 10) + 1234;
        long second = 9L * (256 << 10) + 7;
        flip(first);
        flip(second);
        RecordedSplits r = start();
        long lowest = -1;
        for (RangeTask range : r.ranges) {
            JobStats s = run(range);
            assertThat(s.failures()).as("a range reports no difference of its own").isEmpty();
            assertThat(s.differences.sum()).isZero();
            boolean holds = range.from() <= first && first < range.to() || range.from() <= second && second < range.to();
            assertThat(s.differsAt()).isEqualTo(range.from() <= first && first < range.to() ? first
                    : range.from() <= second && second < range.to() ? second : -1);
            if (holds && lowest < 0) {
                lowest = s.differsAt();
            }
        }
        JobStats s = run(r.finish.differing(lowest)); // (the fold's lowest of all ranges)
        assertThat(s.differences.sum()).isEqualTo(1);
        assertThat(s.filesSkipped.sum()).isZero();
        assertThat(s.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/d/big");
            assertThat(f.error()).isEqualTo("differs: content (first difference at byte " + first + ")");
        });
    }

    @Test
    void aSourceThatMovedBetweenItsFirstRangeAndItsLastFailsTheFileSayingSo() throws Exception {
        RecordedSplits r = start();
        for (RangeTask range : r.ranges) {
            assertThat(run(range).failures()).isEmpty();
        }
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("d/big").toFile(), "rw")) {
            f.seek(f.length());
            f.write(new byte[]{1, 2, 3});
        }
        JobStats s = run(r.finish);
        assertThat(s.filesFailed.sum()).isEqualTo(1);
        assertThat(s.filesSkipped.sum() + s.differences.sum()).isZero();
        assertThat(s.failures()).singleElement().satisfies(f -> assertThat(f.error())
                .contains("changed while being compared (the source's size or mtime moved: " + SIZE + " -> "
                        + (SIZE + 3) + " bytes").contains("between its first range and its last"));
    }

    @Test
    void aTargetReplacedUnderARangeFailsThatRangeAndTheFinishIsADiscardThatReportsNothingMore() throws Exception {
        RecordedSplits r = start();
        Path big = tgt.resolve("d/big");
        Path other = Files.copy(big, tgt.resolve("d/other"));
        Files.move(other, big, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(run(r.ranges.get(2)).failures()).singleElement()
                .satisfies(f -> assertThat(f.error()).contains("replaced by another file while being compared (on the target)"));
        JobStats s = run(r.finish.discarded("not compared whole, as a range of it failed: replaced"));
        assertThat(s.failures()).isEmpty();
        assertThat(s.filesSkipped.sum() + s.differences.sum() + s.filesFailed.sum()).isZero();
    }

    private void flip(long at) throws IOException {
        Path big = tgt.resolve("d/big");
        FileTime mtime = Files.getLastModifiedTime(big);
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x5a);
        }
        Files.setLastModifiedTime(big, mtime);
    }

    private RecordedSplits start() throws Exception {
        FileMeta s;
        FileMeta t;
        try (FsRoot a = new FsRoot("src", src, false); Dir d = a.open(Path.of("d"));
             FsRoot b = new FsRoot("tgt", tgt, false); Dir e = b.open(Path.of("d"))) {
            s = d.stat(Path.of("big"));
            t = e.stat(Path.of("big"));
        }
        RecordedSplits r = new RecordedSplits();
        JobStats stats = new JobStats();
        runner.run(message(FILES, new FileTask(Path.of("d"), null, null,
                List.of(new WorkItem(Path.of("big"), WorkItem.Op.VERIFY, s, t)))), srcDs, tgtDs, false, r, stats);
        assertThat(stats.failures()).isEmpty();
        assertThat(stats.filesSkipped.sum() + stats.differences.sum()).as("no verdict before the ranges").isZero();
        assertThat(r.finish).as("the big file was cut into ranges").isNotNull();
        return r;
    }

    private JobStats run(Task t) throws Exception {
        JobStats s = new JobStats();
        String id = t instanceof RangeTask r ? TaskIds.range(FILES, "big", "", (int) (r.from() >> 18))
                : TaskIds.finish(FILES, "big", "");
        runner.run(message(id, t), srcDs, tgtDs, false, new RecordedSplits(), s);
        return s;
    }

    private static TaskMessage message(String id, Task t) {
        return new TaskMessage(JOB, id, Pass.VERIFY, "src", "tgt", OPTIONS, Names.ROOT, t);
    }

    private long temps() throws IOException {
        try (var s = Files.list(tgt.resolve("d"))) {
            return s.filter(p -> p.getFileName().toString().startsWith(".pdm-tmp-")).count();
        }
    }
}

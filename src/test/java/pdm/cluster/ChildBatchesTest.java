package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.rabbitmq.client.AMQP;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.fs.Names;
import pdm.job.JobEvent;
import pdm.task.Pass;
import pdm.task.DirMetaTask;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.JobOptions;
import pdm.task.Task;
import pdm.task.TaskMessage;
import pdm.task.WorkItem;

/**
 * How the tasks one delivery makes become messages: file tasks per queue until a message holds
 * files_per_task entries, directories gathered (the oldest taken first to be walked here) and
 * the rest sent when the delivery is done, spread over a few messages of bounded size.
 */
class ChildBatchesTest {
    private static final String JOB = "20261206-000000-test";

    /** The messages, in the order they were sent; {@link #FLUSH} marks where flush() was called. */
    private final List<List<TaskMessage>> sent = new ArrayList<>();
    private static final List<TaskMessage> FLUSH = List.of();

    private final class Recording implements TaskDelivery.Outbox {
        @Override
        public void tasks(List<TaskMessage> batch) {
            assertThat(batch).as("a message with no task").isNotEmpty();
            sent.add(batch);
        }

        @Override
        public void event(JobEvent e) {
            throw new AssertionError("ChildBatches sends no events");
        }

        @Override
        public void deadLetter(byte[] body, AMQP.BasicProperties original, String queue, String node, String reason) {
            throw new AssertionError("ChildBatches dead-letters nothing");
        }

        @Override
        public void await() {
            throw new AssertionError("the delivery awaits its outbox, not ChildBatches");
        }
    }

    private static TaskMessage message(Task task) {
        return new TaskMessage(JOB, "t-" + task.hashCode(), Pass.COPY, "panda", "badger", JobOptions.DEFAULT,
                Names.ROOT, task);
    }

    @Test
    void eachRangeOfABigFileIsAMessageOfItsOwnOnTheRangeQueueSoAnyWorkerTakesIt() throws Exception {
        ChildBatches b = new ChildBatches(new Recording(), 1000);
        FileMeta src = new FileMeta(FileType.FILE, 0644, 0, 0, 3L << 20, 1, 1, 1, 2, 1, 0, 1);
        for (int i = 0; i < 3; i++) {
            b.add(message(new pdm.task.RangeTask(Path.of("d"), Path.of("big"), Path.of(".pdm-tmp-x-r.y"), 9, src,
                    (long) i << 20, (long) (i + 1) << 20)));
        }
        assertThat(sent).hasSize(3).allSatisfy(m -> {
            assertThat(m).hasSize(1);
            assertThat(Publisher.routingKey(m.get(0))).isEqualTo(Topology.rangeQueue("panda", "badger"));
        });
        assertThat(Topology.shardedKey(Topology.rangeQueue("panda", "badger"), "0123456789abcdef", 4))
                .as("never sharded").isEqualTo("range.panda.badger");
    }

    private static TaskMessage dir(int n) {
        return message(new DirTask(Path.of("d" + n), null, null));
    }

    /** A file task of {@code n} entries to copy. */
    private static TaskMessage files(int n) {
        List<WorkItem> items = IntStream.range(0, n)
                .mapToObj(i -> new WorkItem(Path.of("f" + i), WorkItem.Op.COPY, meta(i), null)).toList();
        return message(new FileTask(Path.of("d"), null, null, items));
    }

    /** A task of one hard-linked entry: it goes to the link queue of its inode's shard. */
    private static TaskMessage linked(long ino) {
        FileMeta src = meta(ino);
        return message(new FileTask(Path.of("d"), null, null,
                List.of(new WorkItem(Path.of("l" + ino), WorkItem.Op.HARDLINK, src, null))));
    }

    private static FileMeta meta(long ino) {
        return new FileMeta(FileType.FILE, 0644, 0, 0, 1, 1, 1, 7, ino, 2, 0, 1);
    }

    /** The sent messages as the sizes of their tasks: "3+1 / 4" is a message of two tasks, flush, then one more. */
    private String shape() {
        return sent.stream().map(m -> m == FLUSH ? "/" : m.stream().map(ChildBatchesTest::size)
                .map(String::valueOf).collect(Collectors.joining("+"))).collect(Collectors.joining(" "));
    }

    private static int size(TaskMessage m) {
        return m.task() instanceof FileTask f ? f.items().size() : 1;
    }

    private void flush(ChildBatches b) throws Exception {
        sent.add(FLUSH);
        b.flush();
    }

    @ParameterizedTest(name = "files_per_task {0}, tasks of {1} entries -> {2}")
    @CsvSource(delimiter = '|', textBlock = """
            1000 | 10 20 30     | / 10+20+30
            5    | 2 2 2        | 2+2+2 /
            5    | 5            | 5 /
            5    | 3 1 1 4      | 3+1+1 / 4
            5    | 7 1          | 7 / 1
            5    | 4 4 4 4      | 4+4 4+4 /
            1    | 1 1 1        | 1 1 1 /
            0    | 1 1          | 1 1 /
            """)
    void fileTasksOfOneQueueGoOutWhenAMessageHoldsFilesPerTaskEntries(int perMessage, String tasks, String shape)
            throws Exception {
        ChildBatches b = new ChildBatches(new Recording(), perMessage);
        int entries = 0;
        for (String t : tasks.trim().split(" +")) {
            b.add(files(Integer.parseInt(t)));
            entries += Integer.parseInt(t);
        }
        flush(b);

        assertThat(shape()).isEqualTo(shape.trim());
        assertThat(b.gathered()).isEqualTo(entries);
        assertThat(b.messages()).isEqualTo(sent.size() - 1);
    }

    /**
     * The directories left when the delivery is done go out in up to 4 messages of at most 64;
     * 256 gathered are sent at once, without waiting for the end.
     */
    @ParameterizedTest(name = "{0} directories -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0   | /
            1   | / 1
            3   | / 1 1 1
            4   | / 1 1 1 1
            5   | / 2 2 1
            8   | / 2 2 2 2
            9   | / 3 3 3
            100 | / 25 25 25 25
            255 | / 64 64 64 63
            256 | 64 64 64 64 /
            257 | 64 64 64 64 / 1
            300 | 64 64 64 64 / 11 11 11 11
            """)
    void directoriesGoOutInAFewMessagesOfBoundedSize(int dirs, String shape) throws Exception {
        ChildBatches b = new ChildBatches(new Recording(), 1000);
        for (int i = 0; i < dirs; i++) {
            b.add(dir(i));
        }
        flush(b);

        String got = sent.stream().map(m -> m == FLUSH ? "/" : String.valueOf(m.size())).collect(Collectors.joining(" "));
        assertThat(got).isEqualTo(shape.trim());
        List<TaskMessage> all = sent.stream().flatMap(List::stream).toList();
        assertThat(all).as("each directory once, in the order they came")
                .extracting(m -> ((DirTask) m.task()).rel().toString())
                .containsExactlyElementsOf(IntStream.range(0, dirs).mapToObj(i -> "d" + i).toList());
        assertThat(b.gathered()).isEqualTo(dirs);
    }

    @Test
    void theOldestDirectoryIsTakenToBeWalkedHereAndTheRestSent() throws Exception {
        ChildBatches b = new ChildBatches(new Recording(), 1000);
        b.add(dir(0));
        b.add(dir(1));
        b.add(dir(2));

        assertThat(b.takeDir()).isEqualTo(dir(0));
        assertThat(b.takeDir()).isEqualTo(dir(1));
        flush(b);

        assertThat(sent).containsExactly(FLUSH, List.of(dir(2)));
        assertThat(b.takeDir()).as("nothing left once sent").isNull();
    }

    @Test
    void eachQueueHasItsOwnBatchAndFlushSendsTheDirectoriesFirst() throws Exception {
        ChildBatches b = new ChildBatches(new Recording(), 3);
        long ino = 1;
        while (FileTask.linkShard(meta(ino)) != 2) {
            ino++;
        }
        TaskMessage link = linked(ino);
        TaskMessage dirMeta = message(new DirMetaTask(Path.of("d")));
        b.add(files(2));
        b.add(link);
        b.add(dir(0));
        b.add(dirMeta); // (short work: it goes with the file tasks)
        b.add(link);
        flush(b);

        assertThat(sent).containsExactly(
                List.of(files(2), dirMeta), // file.panda.badger reached 3 entries
                FLUSH,
                List.of(dir(0)),
                List.of(link, link));
        assertThat(sent.stream().filter(m -> m != FLUSH).map(m -> Publisher.routingKey(m.getFirst())).toList())
                .containsExactly("file.panda.badger", "dir.panda.badger", "link.panda.badger.2");
        assertThat(b.gathered()).isEqualTo(6);
        assertThat(b.messages()).isEqualTo(3);
    }

    @Test
    void aFlushWithNothingGatheredSendsNothing() throws Exception {
        ChildBatches b = new ChildBatches(new Recording(), 1000);
        flush(b);
        flush(b);

        assertThat(sent).containsExactly(FLUSH, FLUSH);
        assertThat(b.messages()).isZero();
        assertThat(b.gathered()).isZero();
    }
}

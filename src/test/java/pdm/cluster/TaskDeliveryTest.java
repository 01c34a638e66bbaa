package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import pdm.config.DataSource;
import pdm.engine.TaskRunner;
import pdm.fs.Names;
import pdm.job.JobEvent;
import pdm.metrics.Heartbeat;
import pdm.metrics.ProcessStats;
import pdm.task.Pass;
import pdm.task.DirTask;
import pdm.task.JobOptions;
import pdm.task.TaskCodec;
import pdm.task.TaskIds;
import pdm.task.TaskKind;
import pdm.task.TaskMessage;
import pdm.testkit.Fx;

/**
 * The worker's ack protocol, one delivery at a time, against a recording outbox and receipt
 * (doubles of pdm's own ports; the broker itself is exercised by DistributedIT). The task runs
 * for real on temp directories. The rule in every case: the ack comes last, after the children
 * and then the done event are confirmed; anything that fails before it gives the task back.
 */
class TaskDeliveryTest {
    private static final String JOB = "20261201-120000-test";

    @TempDir
    Path tmp;

    private final List<String> log = new ArrayList<>();
    private final List<JobEvent> events = new ArrayList<>();
    private final List<List<TaskMessage>> sent = new ArrayList<>();
    private Set<String> failing = Set.of();
    private int awaits;
    private ProcessStats stats;
    private List<Heartbeat.Task> runningAtEvent;
    private TaskDelivery delivery;
    private FsPair pair;

    /**
     * What TaskDelivery logs, kept here instead of on the console: a dead-lettered message is an
     * ERROR line in production, and these tests provoke it on purpose (they assert it instead).
     */
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final Logger deliveryLog = (Logger) LoggerFactory.getLogger(TaskDelivery.class);

    @BeforeEach
    void captureLog() {
        logged.start();
        deliveryLog.addAppender(logged);
        deliveryLog.setAdditive(false);
    }

    @AfterEach
    void releaseLog() {
        deliveryLog.detachAppender(logged);
        deliveryLog.setAdditive(true);
    }

    private List<String> errors() {
        return logged.list.stream().filter(e -> e.getLevel() == Level.ERROR).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @BeforeEach
    void tree() throws IOException {
        Path src = tmp.resolve("src");
        Path tgt = tmp.resolve("tgt");
        Fx.write(src.resolve("a/one"), "1");
        Fx.write(src.resolve("b/two"), "2");
        Fx.write(src.resolve("f"), "file");
        Files.createDirectories(tgt);
        pair = new FsPair(new DataSource("src", "posix", src, false, false, 0, 0, 0),
                new DataSource("tgt", "posix", tgt, false, true, 0, 0, 0));
        stats = new ProcessStats("node", "node:1", () -> 0);
        // (no walking on: each test sees the root's children as messages)
        delivery = new TaskDelivery(pair, new TaskRunner(1000, m -> null), stats, "node:1", 1000, 0);
    }

    /** A confirm-mode publisher that records what it is asked, and fails where the test says. */
    private final TaskDelivery.Outbox outbox = new TaskDelivery.Outbox() {
        @Override
        public void tasks(List<TaskMessage> batch) throws IOException {
            fail("task");
            log.add("task " + String.join(",", batch.stream().map(m -> TaskKind.of(m.task()).wire()).toList()));
            sent.add(batch);
        }

        @Override
        public void event(JobEvent e) throws IOException {
            fail("event");
            runningAtEvent = stats.heartbeat(10).running();
            events.add(e);
            log.add("event");
        }

        @Override
        public void deadLetter(byte[] body, AMQP.BasicProperties original, String queue, String node, String reason)
                throws IOException {
            fail("deadLetter");
            log.add("dead-letter");
        }

        @Override
        public void await() throws IOException {
            awaits++;
            fail("await" + awaits);
            log.add("confirmed");
        }
    };

    private final TaskDelivery.Receipt receipt = new TaskDelivery.Receipt() {
        @Override
        public void ack() throws IOException {
            if (failing.contains("ack")) {
                log.add("ack failed");
                throw new ShutdownSignalException(false, false, null, "channel closed");
            }
            log.add("ack");
        }

        @Override
        public void requeue() {
            log.add("requeue");
        }
    };

    private void fail(String where) throws IOException {
        if (failing.contains(where)) {
            throw new IOException(where + " failed (test)");
        }
    }

    private void deliver(byte[] body) {
        delivery.handle(new TaskDelivery.Incoming("dir.src.tgt", body, null, false), receipt, () -> outbox, true);
    }

    private static byte[] rootTask() {
        return TaskCodec.encode(List.of(new TaskMessage(JOB, TaskIds.root(JOB, 0), Pass.COPY, "src", "tgt",
                JobOptions.DEFAULT, Names.ROOT, new DirTask(Names.ROOT, null, null))));
    }

    private JobEvent.Done done(int i) {
        return ((JobEvent.Dones) events.get(0)).done().get(i);
    }

    private boolean counted() {
        return !stats.view().work().isEmpty();
    }

    @Test
    void childrenConfirmedThenTheDoneEventConfirmedThenTheAck() {
        deliver(rootTask());
        assertThat(log).containsExactly("task dir", "task dir", "task files", "confirmed", "event", "confirmed", "ack");
        JobEvent.Done done = done(0);
        assertThat(done.kind()).isEqualTo(TaskKind.DIR);
        assertThat(done.children()).extracting(JobEvent.Child::kind)
                .containsExactly(TaskKind.DIR, TaskKind.DIR, TaskKind.FILES);
        assertThat(done.children().get(0).id()).isEqualTo(TaskIds.childDir(TaskIds.root(JOB, 0), "a"));
        assertThat(counted()).isTrue();
    }

    /**
     * A task's live counters are in the heartbeats (for its job's progress) until its done event
     * is out, not only while it runs: a reader that has not folded it yet still counts what it did.
     */
    @Test
    void theHeartbeatNamesTheTaskWithWhatItDidUntilItsDoneEventIsOut() {
        deliver(rootTask());
        assertThat(runningAtEvent).singleElement().satisfies(t -> {
            assertThat(t.job()).isEqualTo(JOB);
            assertThat(t.task()).isEqualTo(TaskIds.root(JOB, 0));
            assertThat(t.counters().dirs()).isEqualTo(done(0).counters().dirs());
        });
        assertThat(stats.busy()).isFalse();
        assertThat(stats.heartbeat(10).running()).isEmpty();
    }

    @Test
    void aPublishThatFailsGivesTheTaskBackWithoutADoneEvent() {
        failing = Set.of("task");
        deliver(rootTask());
        assertThat(log).containsExactly("requeue");
        assertThat(events).isEmpty();
        assertThat(counted()).isFalse();
    }

    @Test
    void aLostConfirmOfTheChildrenGivesTheTaskBackWithoutADoneEvent() {
        failing = Set.of("await1");
        deliver(rootTask());
        assertThat(log).containsExactly("task dir", "task dir", "task files", "requeue");
        assertThat(events).isEmpty();
        assertThat(counted()).isFalse();
    }

    @Test
    void aDoneEventThatFailsGivesTheTaskBack() {
        failing = Set.of("event");
        deliver(rootTask());
        assertThat(log).containsExactly("task dir", "task dir", "task files", "confirmed", "requeue");
        assertThat(counted()).isFalse();
    }

    @Test
    void aLostConfirmOfTheDoneEventGivesTheTaskBack() {
        failing = Set.of("await2");
        deliver(rootTask());
        assertThat(log).containsExactly("task dir", "task dir", "task files", "confirmed", "event", "requeue");
        assertThat(counted()).isFalse();
    }

    /**
     * Found by a hunt: a worker whose connection closed ran its task on while the broker gave it to
     * another, and the two runs raced over the same removals. A delivery whose channel is gone stops
     * at its next entry, publishes no done event and acks nothing (it could not).
     */
    @Test
    void aDeliveryWhoseChannelClosedStopsWithoutADoneEventOrAnAck() {
        TaskDelivery.Receipt gone = new TaskDelivery.Receipt() {
            @Override
            public void ack() {
                log.add("ack");
            }

            @Override
            public void requeue() {
                log.add("requeue");
            }

            @Override
            public boolean lost() {
                return true;
            }
        };
        delivery.handle(new TaskDelivery.Incoming("dir.src.tgt", rootTask(), null, false), gone, () -> outbox, true);
        assertThat(events).isEmpty();
        assertThat(log).doesNotContain("ack", "event");
        assertThat(tmp.resolve("tgt/a")).as("stopped before its work").doesNotExist();
    }

    /** The done event is with the broker but the ack is lost: the redelivery's duplicate done event is folded once. */
    @Test
    void aChannelThatDiesBeforeTheAckGivesTheTaskBack() {
        failing = Set.of("ack");
        deliver(rootTask());
        assertThat(log).containsExactly("task dir", "task dir", "task files", "confirmed", "event", "confirmed",
                "ack failed", "requeue");
        assertThat(counted()).isFalse();
    }

    @Test
    void aMessageThatIsNoTaskGoesToTheDeadLetterQueueAndIsAcked() {
        deliver("not a task".getBytes(StandardCharsets.UTF_8));
        assertThat(log).containsExactly("dead-letter", "confirmed", "ack");
        assertThat(events).isEmpty(); // it names no job
        assertThat(errors()).singleElement().asString().startsWith("message from dir.src.tgt sent to pdm.dead: not JSON");
    }

    @Test
    void aTaskOfAnotherPairIsDeadLetteredWithADoneEventForItsJob() {
        deliver(TaskCodec.encode(List.of(new TaskMessage(JOB, TaskIds.root(JOB, 0), Pass.COPY, "tgt", "src",
                JobOptions.DEFAULT, Names.ROOT, new DirTask(Names.ROOT, null, null)))));
        assertThat(log).containsExactly("dead-letter", "event", "confirmed", "ack");
        JobEvent.Done done = done(0);
        assertThat(done.kind()).isEqualTo(TaskKind.DEAD);
        assertThat(done.counters().filesFailed()).isEqualTo(1);
        assertThat(Files.exists(tmp.resolve("tgt/a"))).as("nothing run").isFalse();
        assertThat(errors()).singleElement().asString()
                .contains("sent to pdm.dead: the task is for tgt->src but came from a queue of src->tgt");
    }

    @Test
    void aDeadLetterThatFailsGivesTheMessageBack() {
        failing = Set.of("deadLetter");
        deliver("not a task".getBytes(StandardCharsets.UTF_8));
        assertThat(log).containsExactly("requeue");
    }

    /**
     * The two directory tasks the root made, delivered together: one run each, their file tasks
     * in one message, their done events in one stream message, one ack for both.
     */
    @Test
    void aBatchIsRunTaskByTaskAndAckedOnceAfterItsDoneEvents() {
        deliver(rootTask());
        List<TaskMessage> dirs = new ArrayList<>();
        sent.stream().flatMap(List::stream).filter(m -> m.task() instanceof DirTask).forEach(dirs::add);
        log.clear();
        events.clear();
        sent.clear();

        delivery.handle(new TaskDelivery.Incoming("dir.src.tgt", TaskCodec.encode(dirs), null, false), receipt,
                () -> outbox, true);

        assertThat(log).containsExactly("task files,files", "confirmed", "event", "confirmed", "ack");
        assertThat(((JobEvent.Dones) events.get(0)).done()).extracting(JobEvent.Done::task)
                .containsExactly(dirs.get(0).taskId(), dirs.get(1).taskId());
        assertThat(done(0).children()).singleElement().extracting(JobEvent.Child::kind).isEqualTo(TaskKind.FILES);
    }

    /**
     * With a walk budget, the delivery walks on into the directories the root found: a task and
     * a done event each, one message for all their files, no message per directory.
     */
    @Test
    void aDeliveryWalksOnIntoTheDirectoriesItFinds() {
        delivery = new TaskDelivery(pair, new TaskRunner(1000, m -> null), stats, "node:1", 1000,
                TaskDelivery.walkEntries(1000));
        deliver(rootTask());
        assertThat(log).containsExactly("task files,files,files", "confirmed", "event", "confirmed", "ack");
        assertThat(((JobEvent.Dones) events.get(0)).done()).extracting(JobEvent.Done::task).containsExactly(
                TaskIds.root(JOB, 0), TaskIds.childDir(TaskIds.root(JOB, 0), "a"),
                TaskIds.childDir(TaskIds.root(JOB, 0), "b"));
        assertThat(tmp.resolve("tgt/a")).isDirectory();
    }

    /** Redelivered, the batch is run again and publishes the same task ids: the fold counts each once. */
    @Test
    void aRedeliveredBatchPublishesTheSameTasks() {
        deliver(rootTask());
        List<String> first = sent.stream().flatMap(List::stream).map(TaskMessage::taskId).toList();
        sent.clear();
        delivery.handle(new TaskDelivery.Incoming("dir.src.tgt", rootTask(), null, true), receipt, () -> outbox, true);
        assertThat(sent.stream().flatMap(List::stream).map(TaskMessage::taskId).toList())
                .containsExactlyInAnyOrderElementsOf(first);
    }

    /** One task of a batch that is not this worker's: the whole message is kept, each of its tasks reported. */
    @Test
    void aBatchWithABadTaskIsDeadLetteredWithADoneEventPerTask() {
        TaskMessage a = new TaskMessage(JOB, TaskIds.childDir(TaskIds.root(JOB, 0), "a"), Pass.COPY, "tgt", "src",
                JobOptions.DEFAULT, Names.ROOT, new DirTask(Path.of("a"), null, null));
        TaskMessage b = new TaskMessage(JOB, TaskIds.childDir(TaskIds.root(JOB, 0), "b"), Pass.COPY, "tgt", "src",
                JobOptions.DEFAULT, Names.ROOT, new DirTask(Path.of("b"), null, null));
        deliver(TaskCodec.encode(List.of(a, b)));
        assertThat(log).containsExactly("dead-letter", "event", "confirmed", "ack");
        assertThat(((JobEvent.Dones) events.get(0)).done()).extracting(JobEvent.Done::task)
                .containsExactly(a.taskId(), b.taskId());
        assertThat(tmp.resolve("tgt/a")).doesNotExist();
    }

    @Test
    void aWorkerThatTakesNoWorkGivesTheTaskBackUntouched() {
        delivery.handle(new TaskDelivery.Incoming("dir.src.tgt", rootTask(), null, false), receipt, () -> outbox,
                false);
        assertThat(log).containsExactly("requeue");
        assertThat(tmp.resolve("tgt/a")).doesNotExist();
    }
}

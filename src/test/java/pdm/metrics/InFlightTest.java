package pdm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Which running tasks' reports a job's progress believes (docs/distributed-design.md, "Progress"):
 * the newest heartbeat of each worker, for {@link InFlight#BELIEVED_MS} after it was heard; a task
 * two workers report counts once, as the one heard last; other jobs' tasks are not this job's.
 */
class InFlightTest {
    private static final String JOB = "20261206-230000-live";
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final InFlight inFlight = new InFlight(now::get);

    @Test
    void theNewestHeartbeatOfEachWorkerCountsUntilItIsTooOld() throws IOException {
        inFlight.heard(beat("a:1", 2, task(JOB, "00000000000000aa", 30)));
        inFlight.heard(beat("a:1", 1, task(JOB, "00000000000000aa", 10))); // (late, older: changes nothing)
        inFlight.heard(beat("b:2", 1, task(JOB, "00000000000000bb", 5), task("other-job", "00000000000000cc", 7)));
        assertThat(inFlight.of(JOB)).containsOnlyKeys("00000000000000aa", "00000000000000bb");
        assertThat(inFlight.of(JOB).get("00000000000000aa").bytes()).isEqualTo(30);

        now.addAndGet(InFlight.BELIEVED_MS);
        inFlight.heard(beat("b:2", 2, task(JOB, "00000000000000bb", 6)));
        now.addAndGet(1);
        assertThat(inFlight.of(JOB)).as("a:1 is silent: dead or cut off, its tasks back in their queues")
                .containsOnlyKeys("00000000000000bb");
    }

    @Test
    void aTaskTwoWorkersReportCountsOnceAsTheOneHeardLast() throws IOException {
        inFlight.heard(beat("a:1", 9, task(JOB, "00000000000000aa", 90))); // (it died with the task)
        now.addAndGet(1000);
        inFlight.heard(beat("b:2", 1, task(JOB, "00000000000000aa", 4))); // (took it again, from its start)
        assertThat(inFlight.of(JOB)).hasSize(1);
        assertThat(inFlight.of(JOB).get("00000000000000aa").bytes()).isEqualTo(4);
    }

    private static Heartbeat.Task task(String job, String id, long bytes) {
        return new Heartbeat.Task(job, id, new pdm.job.Counters(0, 0, 0, 0, 0, 0, 0, bytes, 0, 0, 0, 0, 0, 0, 0, 0,
                bytes));
    }

    /** As a worker sends it and a reader decodes it. */
    private static Heartbeat beat(String worker, long seq, Heartbeat.Task... running) throws IOException {
        return Heartbeat.decode(new Heartbeat(Heartbeat.VERSION, "node", worker, 1, seq, 0, 10, running.length, 0, 0,
                0, 0, List.of(), List.of("t"), List.of(running)).encode());
    }
}

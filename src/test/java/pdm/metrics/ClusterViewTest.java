package pdm.metrics;

import pdm.job.LogPosition;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import pdm.job.Counters;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.job.ResumableFold;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

class ClusterViewTest {
    private static final String JOB = "20261125-101842-ab12";
    private final AtomicLong now = new AtomicLong(1_000_000);

    @Test
    void countersComeFromFirstDoneEventsAndAreTheSameAfterAMonitorRestart() throws Exception {
        List<JobEvent> log = log();
        ClusterView first = new ClusterView(now::get);
        first.fold(fold(log));
        Map<String, Double> s = Exposition.samples(Exposition.render(first.view()));

        // root (h1) + its two file batches (h1 and h2); h2's batch was delivered twice (to two
        // processes of h2), counted once; per host, with no worker label
        assertThat(Exposition.sum(s, "pdm_files_copied_total")).isEqualTo(30.0);
        assertThat(Exposition.sum(s, "pdm_files_copied_total", "node=\"h2\"")).isEqualTo(20.0);
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("pdm_files_copied_total") && k.contains("worker="));
        assertThat(Exposition.sum(s, "pdm_copied_bytes_total", "node=\"h1\"")).isEqualTo(1000.0);
        assertThat(Exposition.sum(s, "pdm_tasks_done_total")).isEqualTo(4.0); // + the root's dirmeta
        assertThat(Exposition.sum(s, "pdm_job_state", "state=\"done\"")).isEqualTo(1.0);
        assertThat(Exposition.sum(s, "pdm_job_tasks_pending")).isZero();

        ClusterView restarted = new ClusterView(now::get);
        restarted.fold(fold(log));
        String again = Exposition.render(restarted.view());
        assertThat(Exposition.samples(again)).isEqualTo(s);
    }

    @Test
    void aMonitorResumedFromItsSavedFoldShowsWhatAFullReadShows() throws Exception {
        // three jobs, interleaved: A ends early, B runs across most cut points, C starts late
        List<JobEvent> a = log("20261125-101842-aaaa", "h1:1", "h2:2");
        List<JobEvent> b = log("20261125-101842-bbbb", "h2:3", "h1:1");
        List<JobEvent> c = log("20261125-101842-cccc", "h3:4", "h3:4");
        List<JobEvent> all = new ArrayList<>(a.subList(0, 4));
        all.addAll(b.subList(0, 2));
        all.addAll(a.subList(4, a.size()));
        all.addAll(c.subList(0, 3));
        all.addAll(b.subList(2, b.size()));
        all.addAll(c.subList(3, c.size()));
        all.add(1, all.get(1)); // a duplicate done event, as redeliveries leave them
        ResumableFold full = new ResumableFold();
        for (int i = 0; i < all.size(); i++) {
            full.apply(all.get(i), i);
        }
        Map<String, Double> expected = samples(full);
        assertThat(Exposition.sum(expected, "pdm_job_state", "state=\"done\"")).isEqualTo(3.0);

        for (int cut = 0; cut <= all.size(); cut++) {
            ResumableFold before = new ResumableFold();
            for (int i = 0; i < cut; i++) {
                before.apply(all.get(i), i);
            }
            ResumableFold resumed = ResumableFold.resume(before.save());
            long from = resumed.readFrom() instanceof LogPosition.At at ? at.offset() : 0;
            assertThat(from).as("resumes at or before the cut").isLessThanOrEqualTo(cut);
            for (int i = (int) from; i < all.size(); i++) {
                resumed.apply(all.get(i), i);
            }
            assertThat(samples(resumed)).as("resumed from a save at " + cut + " (reading from " + from + ")")
                    .isEqualTo(expected);
        }
    }

    private Map<String, Double> samples(ResumableFold f) throws Exception {
        ClusterView v = new ClusterView(now::get);
        v.fold(f.fold());
        return Exposition.samples(Exposition.render(v.view()));
    }

    @Test
    void untilTheLogIsReadCountersAreLeftOutNotShownSmall() throws Exception {
        ClusterView v = new ClusterView(now::get);
        assertThat(v.view().complete()).isFalse();
        Map<String, Double> s = Exposition.samples(Exposition.render(v.view()));
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("pdm_files_copied_total"));
    }

    @Test
    void olderOrRepeatedHeartbeatsChangeNothingAndSilentWorkersGoDown() {
        ClusterView v = new ClusterView(now::get);
        v.heartbeat(beat("h1:5", 100, 2, 4));
        v.heartbeat(beat("h1:5", 100, 1, 9)); // an older one arriving late
        v.heartbeat(beat("h1:5", 100, 2, 9)); // the same seq again
        v.heartbeat(beat("h2:6", 100, 1, 1));
        assertThat(v.view().workers()).extracting(MetricsView.WorkerState::tasksRunning).containsExactly(4L, 1L);
        assertThat(v.view().workers()).extracting(MetricsView.WorkerState::filesCopied).containsExactly(200L, 100L);
        assertThat(v.view().workers()).allMatch(MetricsView.WorkerState::up);

        now.addAndGet(20_000); // interval 10 s: 2 intervals of silence still count as alive
        v.heartbeat(beat("h2:6", 100, 2, 0));
        now.addAndGet(11_000); // h1 silent for 31 s > 3 intervals
        assertThat(v.view().workers()).extracting(w -> w.worker() + "=" + w.up())
                .containsExactly("h1:5=false", "h2:6=true");

        now.addAndGet(ClusterView.FORGET_MS + 30_000); // both silent for longer than 3 intervals + FORGET_MS
        assertThat(v.view().workers()).isEmpty();
    }

    @Test
    void aMissingTargetIsReportedAndAnOlderWorkersHeartbeatHasNone() throws Exception {
        Heartbeat sent = new Heartbeat(Heartbeat.VERSION, "h1", "h1:5", 1, 1, 0, 10, 0, 0, 0, 0, 0, List.of("badger"),
                List.of("badger", "cougar"));
        ClusterView v = new ClusterView(() -> 1000);
        v.heartbeat(Heartbeat.decode(sent.encode()));
        assertThat(v.view().workers().get(0).targetsMissing()).containsExactly("badger");
        assertThat(v.view().workers().get(0).targets()).containsExactly("badger", "cougar");

        String old = "{\"v\":1,\"node\":\"h2\",\"worker\":\"h2:6\",\"started_ms\":1,\"seq\":1,\"sent_ms\":0,"
                + "\"interval_s\":10,\"tasks_running\":0,\"files_copied\":0,\"bytes_copied\":0,\"pairs_paused\":0,"
                + "\"log_events_dropped\":0}";
        assertThat(Heartbeat.decode(old.getBytes(StandardCharsets.UTF_8)).targetsMissing()).isEmpty();
        assertThat(Heartbeat.decode(old.getBytes(StandardCharsets.UTF_8)).targets()).isEmpty();
    }

    private static Heartbeat beat(String worker, long started, long seq, long running) {
        return new Heartbeat(Heartbeat.VERSION, worker.substring(0, 2), worker, started, seq, 0, 10, running,
                seq * 100, seq * 1000, 0, 0, List.of(), List.of());
    }

    private static JobFold fold(List<JobEvent> log) {
        JobFold f = new JobFold(false);
        log.forEach(f::apply);
        return f;
    }

    private static List<JobEvent> log() {
        return log(JOB, "h1:5", "h2:7");
    }

    /** A copy job: its root on worker {@code w1}, two file batches (w2, w1; w2's twice), the root's dirmeta. */
    private static List<JobEvent> log(String job, String w1, String w2) {
        String root = TaskIds.root(job, 0);
        String a = TaskIds.childFiles(root, 0, 0);
        String b = TaskIds.childFiles(root, 0, 1);
        List<JobEvent> log = new ArrayList<>();
        log.add(new JobEvent.Submitted(job, "copy", List.of(Pass.COPY), "panda", "badger", "panda (/p)",
                "badger (/b)", "", JobOptions.DEFAULT, 1000, "me@here"));
        log.add(new JobEvent.Done(job, root, TaskKind.DIR, List.of(new JobEvent.Child(a, TaskKind.FILES, null),
                new JobEvent.Child(b, TaskKind.FILES, null)), new Counters(0, 0, 0, 0, 0, 1, 1, 0, 0), List.of(), null, true,
                w1, 2000));
        log.add(new JobEvent.Done(job, b, TaskKind.FILES, List.of(), new Counters(20, 0, 0, 0, 0, 0, 0, 2000, 0), List.of(),
                null, false, w2, 2500));
        log.add(new JobEvent.Done(job, b, TaskKind.FILES, List.of(), new Counters(20, 0, 0, 0, 0, 0, 0, 2000, 0), List.of(),
                null, false, w2.replace(":", ":9"), 2600));
        log.add(new JobEvent.Done(job, a, TaskKind.FILES, List.of(), new Counters(10, 0, 0, 0, 0, 0, 0, 1000, 0), List.of(),
                null, false, w1, 3000));
        log.add(new JobEvent.Done(job, TaskIds.dirMeta(root), TaskKind.DIRMETA, List.of(), Counters.ZERO, List.of(), null,
                false, w1, 3100));
        return log;
    }
}

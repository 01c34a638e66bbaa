package pdm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import pdm.job.Counters;

class PdmCollectorTest {
    /** What the monitor shows (counters per node, no worker label): the dashboard is built on it. */
    static MetricsView sample() {
        return new MetricsView(
                List.of(new MetricsView.Work("20261125-101842-ab12", "panda", "badger", "n1", null,
                                new Counters(10, 2, 0, 1, 3, 4, 4, 12345, 0), 7),
                        new MetricsView.Work("20261125-101842-ab12", "panda", "badger", "n2", null,
                                new Counters(5, 0, 0, 0, 0, 1, 1, 100, 0), 2)),
                List.of(new MetricsView.JobState("20261125-101842-ab12", "sync", "panda", "badger", "/user \"x\"",
                        false, "running", 2, 3, 17, 1764065922.5, 1764065990)),
                List.of(new MetricsView.WorkerState("n1", "n1:100", true, 3, 11, 12400, 1, 1764065990, 0,
                                List.of("badger"), List.of("badger", "cougar")),
                        new MetricsView.WorkerState("n2", "n2:200", false, 0, 5, 100, 0, 1764065000, 5, List.of(),
                                List.of("badger"))),
                List.of(new MetricsView.QueueDepth("file.panda.badger", 40, 12, 2),
                        new MetricsView.QueueDepth("pdm.dead", 1, -1, 0)),
                true, true);
    }

    @Test
    void exportsEveryFamilyWithPrometheusNamesAndParsesBack() throws Exception {
        String text = Exposition.render(sample());
        Map<String, Double> s = Exposition.samples(text);

        assertThat(text).contains("# TYPE pdm_files_copied_total counter", "# TYPE pdm_copied_bytes_total counter",
                "# TYPE pdm_queue_messages_ready gauge", "# TYPE pdm_workers_alive gauge");
        assertThat(s.get("pdm_files_copied_total{job_id=\"20261125-101842-ab12\",node=\"n1\",source=\"panda\","
                + "target=\"badger\"}")).isEqualTo(10.0);
        assertThat(Exposition.sum(s, "pdm_files_copied_total")).isEqualTo(15.0);
        assertThat(Exposition.sum(s, "pdm_copied_bytes_total", "node=\"n1\"")).isEqualTo(12345.0);
        assertThat(Exposition.sum(s, "pdm_tasks_done_total")).isEqualTo(9.0);
        assertThat(Exposition.sum(s, "pdm_metadata_fixed_total")).isEqualTo(3.0);
        assertThat(Exposition.sum(s, "pdm_job_state", "state=\"running\"")).isEqualTo(1.0);
        assertThat(Exposition.sum(s, "pdm_job_state", "state=\"done\"")).isZero();
        assertThat(Exposition.sum(s, "pdm_job_pass")).isEqualTo(2.0);
        assertThat(Exposition.sum(s, "pdm_job_tasks_pending")).isEqualTo(17.0);
        assertThat(Exposition.sum(s, "pdm_workers_alive")).isEqualTo(1.0);
        assertThat(Exposition.sum(s, "pdm_worker_up", "worker=\"n2:200\"")).isZero();
        assertThat(Exposition.sum(s, "pdm_log_events_dropped_total")).isEqualTo(5.0);
        assertThat(Exposition.sum(s, "pdm_worker_files_copied_total")).isEqualTo(16.0);
        assertThat(Exposition.sum(s, "pdm_worker_pairs_paused", "worker=\"n1:100\"")).isEqualTo(1.0);
        assertThat(s).containsEntry("pdm_worker_target_missing{filesystem=\"badger\",node=\"n1\",worker=\"n1:100\"}", 1.0);
        // every target a worker serves has a series: 0 while it is there, so a panel never says "no data"
        assertThat(s).containsEntry("pdm_worker_target_missing{filesystem=\"cougar\",node=\"n1\",worker=\"n1:100\"}", 0.0)
                .containsEntry("pdm_worker_target_missing{filesystem=\"badger\",node=\"n2\",worker=\"n2:200\"}", 0.0);
        assertThat(s.keySet().stream().filter(k -> k.startsWith("pdm_worker_target_missing{"))).hasSize(3);
        assertThat(Exposition.sum(s, "pdm_worker_copied_bytes_total", "worker=\"n1:100\"")).isEqualTo(12400.0);
        assertThat(Exposition.sum(s, "pdm_queue_messages_unacked", "file.panda.badger")).isEqualTo(12.0);
        // an unknown count is left out, not shown as a made-up number
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("pdm_queue_messages_unacked{queue=\"pdm.dead\""));
        assertThat(text).contains("path=\"/user \\\"x\\\"\"");
        assertThat(s).containsEntry("pdm_event_log_caught_up", 1.0).containsEntry("pdm_monitor_broker_connected", 1.0);
        assertThat(Exposition.sum(s, "pdm_job_info", "dry_run=\"false\"")).isEqualTo(1.0);
    }

    @Test
    void anOlderWorkerThatNamesOnlyItsMissingTargetsStillShowsThem() throws Exception {
        MetricsView v = new MetricsView(List.of(), List.of(), List.of(new MetricsView.WorkerState("n3", "n3:1", true, 0,
                0, 0, 0, 1764065990, 0, List.of("badger"), List.of())), List.of(), true, null);
        Map<String, Double> s = Exposition.samples(Exposition.render(v));
        assertThat(s).containsEntry("pdm_worker_target_missing{filesystem=\"badger\",node=\"n3\",worker=\"n3:1\"}", 1.0);
    }

    @Test
    void aProcesssOwnCountersCarryItsWorkerLabel() throws Exception {
        MetricsView v = new MetricsView(List.of(new MetricsView.Work("j1", "panda", "badger", "n1", "n1:7",
                new Counters(3, 0, 0, 0, 0, 0, 0, 30, 0), 1)), List.of(), List.of(), List.of(), true, null);
        Map<String, Double> s = Exposition.samples(Exposition.render(v));
        assertThat(s).containsEntry("pdm_files_copied_total{job_id=\"j1\",node=\"n1\",source=\"panda\","
                + "target=\"badger\",worker=\"n1:7\"}", 3.0);
        assertThat(s.keySet()).noneMatch(k -> k.startsWith("pdm_monitor_broker_connected"));
    }

    @Test
    void beforeTheLogIsReadOnlyLiveStateIsExported() throws Exception {
        MetricsView full = sample();
        MetricsView partial = new MetricsView(full.work(), full.jobs(), full.workers(), full.queues(), false, false);
        Map<String, Double> s = Exposition.samples(Exposition.render(partial));

        assertThat(s.keySet()).noneMatch(k -> k.startsWith("pdm_files_") || k.startsWith("pdm_job_"));
        assertThat(s).containsEntry("pdm_event_log_caught_up", 0.0).containsEntry("pdm_workers_alive", 1.0);
    }

    @Test
    void promtoolAcceptsTheOutput() throws Exception {
        File promtool = promtool();
        Assumptions.assumeTrue(promtool != null, "promtool not installed (Debian package prometheus): check skipped");
        MetricsView empty = new MetricsView(List.of(), List.of(), List.of(), List.of(), true, null);
        for (MetricsView v : List.of(sample(), empty)) {
            Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
            p.getOutputStream().write(Exposition.render(v).getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(out).as("promtool check metrics").isEmpty();
            assertThat(p.exitValue()).as("promtool exit code; output: " + out).isZero();
        }
    }

    static File promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            File f = new File(dir, "promtool");
            if (f.canExecute()) {
                return f;
            }
        }
        return null;
    }
}

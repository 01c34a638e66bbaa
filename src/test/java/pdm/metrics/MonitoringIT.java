package pdm.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.Hosts;
import pdm.cluster.Topology;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/**
 * pdm monitor against the real RabbitMQ with two real worker processes: the counters add up
 * to the job's summary, agree with each worker's own --metrics-port, survive a monitor
 * restart unchanged, ignore a stale heartbeat, and a killed worker stops counting as alive.
 */
class MonitoringIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration WAIT = Duration.ofSeconds(60);
    /** A monitor's first read: up to a minute more when a snapshot left by an older log must be dropped first. */
    private static final Duration FIRST_READ = Duration.ofSeconds(150);

    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void aMonitorAggregatesTwoWorkersExactlyAndSurvivesItsOwnRestart() throws Exception {
        try (Cluster c = new Cluster(tmp, "monitor_interval = 1\nfiles_per_task = 4", false)) {
            for (int d = 0; d < 24; d++) {
                for (int f = 0; f < 8; f++) {
                    Fx.write(c.src.resolve("d" + d).resolve("f" + f), Fx.random(1000 + d * 10 + f, d * 100L + f));
                }
            }
            int workerPort = freePort();
            Process w1 = c.startWorker("--metrics-port", Integer.toString(workerPort));
            Process w2 = c.startWorker();
            c.awaitConnected(1);
            c.awaitConnected(2);
            String id1 = Hosts.name() + ":" + w1.pid();
            String id2 = Hosts.name() + ":" + w2.pid();
            int port = freePort();
            Process monitor = c.start("monitor", "--port", Integer.toString(port));
            try {
                await().atMost(FIRST_READ).ignoreExceptions()
                        .until(() -> scrape(port).get("pdm_event_log_caught_up") == 1.0);

                Cluster.Run r = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
                assertThat(r.exit()).as(r.stderr()).isZero();
                JsonNode sum = r.json();
                String job = "job_id=\"" + sum.path("job").asText() + "\"";
                assertThat(sum.path("files_copied").asLong()).isEqualTo(24 * 8);

                await().atMost(WAIT).untilAsserted(() -> {
                    Map<String, Double> s = scrape(port);
                    assertThat(Exposition.sum(s, "pdm_job_state", job, "state=\"done\"")).isEqualTo(1.0);
                    assertThat(Exposition.sum(s, "pdm_files_copied_total", job)).isEqualTo(24.0 * 8);
                    assertThat(Exposition.sum(s, "pdm_copied_bytes_total", job))
                            .isEqualTo(sum.path("bytes").asDouble());
                    assertThat(Exposition.sum(s, "pdm_dirs_processed_total", job)).isEqualTo(sum.path("dirs").asDouble());
                    assertThat(Exposition.sum(s, "pdm_files_failed_total", job)).isZero();
                    assertThat(Exposition.sum(s, "pdm_job_tasks_pending", job)).isZero();
                    assertThat(Exposition.sum(s, "pdm_tasks_done_total", job, "node=\"" + Hosts.name() + "\""))
                            .isPositive();
                    // the work was shared: each worker process copied some of it
                    assertThat(Exposition.sum(s, "pdm_worker_files_copied_total", "worker=\"" + id1 + "\"")).isPositive();
                    assertThat(Exposition.sum(s, "pdm_worker_files_copied_total", "worker=\"" + id2 + "\"")).isPositive();
                    assertThat(Exposition.sum(s, "pdm_worker_up", "worker=\"" + id1 + "\"")).isEqualTo(1.0);
                    assertThat(Exposition.sum(s, "pdm_worker_up", "worker=\"" + id2 + "\"")).isEqualTo(1.0);
                    assertThat(Exposition.sum(s, "pdm_workers_alive")).isGreaterThanOrEqualTo(2.0);
                    // live counts from the heartbeats agree with the log's when no task was redone
                    assertThat(Exposition.sum(s, "pdm_worker_files_copied_total", "worker=\"" + id1 + "\"")
                            + Exposition.sum(s, "pdm_worker_files_copied_total", "worker=\"" + id2 + "\""))
                            .isEqualTo(24.0 * 8);
                    assertThat(Exposition.sum(s, "pdm_worker_copied_bytes_total", "worker=\"" + id1 + "\"")
                            + Exposition.sum(s, "pdm_worker_copied_bytes_total", "worker=\"" + id2 + "\""))
                            .isEqualTo(sum.path("bytes").asDouble());
                    assertThat(s).containsKey("pdm_queue_messages_ready{queue=\"" + Topology.fileQueue(c.srcName,
                            c.tgtName) + "\"}");
                    assertThat(s).containsEntry("pdm_monitor_broker_connected", 1.0);
                    if (managementApi()) {
                        assertThat(s).containsKey("pdm_queue_messages_unacked{queue=\""
                                + Topology.fileQueue(c.srcName, c.tgtName) + "\"}");
                    }
                });
                Map<String, Double> before = only(scrape(port), job);

                // the worker's own /metrics agrees with what the monitor heard from it
                double w1Files = Exposition.sum(scrape(workerPort), "pdm_files_copied_total", job, "worker=\"" + id1);
                assertThat(w1Files).isPositive().isEqualTo(
                        Exposition.sum(scrape(port), "pdm_worker_files_copied_total", "worker=\"" + id1 + "\""));

                promtool(text(port));

                // a heartbeat delivered again late (an older seq) does not move anything
                try (Connection conn = Broker.connect(); Channel ch = conn.createChannel()) {
                    Heartbeat stale = new Heartbeat(Heartbeat.VERSION, Hosts.name(), id1, 0, 1, 0, 1, 99, 0, 0, 0, 0,
                            List.of(), List.of());
                    ch.basicPublish(Topology.STATS, "", new AMQP.BasicProperties(), stale.encode());
                }
                Thread.sleep(1500);
                Map<String, Double> afterStale = scrape(port);
                assertThat(Exposition.sum(afterStale, "pdm_worker_tasks_running", "worker=\"" + id1 + "\""))
                        .isNotEqualTo(99.0);
                assertThat(Exposition.sum(afterStale, "pdm_worker_files_copied_total", "worker=\"" + id1 + "\""))
                        .isEqualTo(w1Files);

                // a restarted monitor reads the event log again: the same counters, not a restart from 0
                Cluster.signal(monitor, "TERM");
                assertThat(monitor.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(monitor.exitValue()).isZero();
                monitor = c.start("monitor", "--port", Integer.toString(port));
                await().atMost(WAIT).ignoreExceptions()
                        .until(() -> scrape(port).get("pdm_event_log_caught_up") == 1.0);
                assertThat(only(scrape(port), job)).isEqualTo(before);
                assertThat(commandLogs(c)).as("the restarted monitor resumed from the saved fold, not the log's start")
                        .containsPattern("event log pdm\\.events read from \\d+ in");

                // a worker killed without a word is down within 3 intervals (1 s each here)
                w2.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Map<String, Double> s = scrape(port);
                    assertThat(Exposition.sum(s, "pdm_worker_up", "worker=\"" + id2 + "\"")).isZero();
                    assertThat(Exposition.sum(s, "pdm_worker_up", "worker=\"" + id1 + "\"")).isEqualTo(1.0);
                });
                assertThat(only(scrape(port), job)).as("its counters stay").isEqualTo(before);
            } finally {
                monitor.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aMonitorRidesOutABrokerRestart() throws Exception {
        Broker.requireControl();
        try (Cluster c = new Cluster(tmp, "monitor_interval = 1", false)) {
            for (int d = 0; d < 5; d++) {
                for (int f = 0; f < 4; f++) {
                    Fx.write(c.src.resolve("d" + d).resolve("f" + f), Fx.random(500, d * 10L + f));
                }
            }
            Process w = c.startWorker();
            c.awaitConnected(1);
            String id = "worker=\"" + Hosts.name() + ":" + w.pid() + "\"";
            String fileQueue = "pdm_queue_messages_ready{queue=\"" + Topology.fileQueue(c.srcName, c.tgtName) + "\"}";
            int port = freePort();
            Process monitor = c.start("monitor", "--port", Integer.toString(port));
            try {
                Cluster.Run r = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
                assertThat(r.exit()).as(r.stderr()).isZero();
                String job = "job_id=\"" + r.json().path("job").asText() + "\"";
                await().atMost(FIRST_READ).ignoreExceptions().untilAsserted(() -> {
                    Map<String, Double> s = scrape(port);
                    assertThat(Exposition.sum(s, "pdm_job_state", job, "state=\"done\"")).isEqualTo(1.0);
                    assertThat(s).containsEntry("pdm_monitor_broker_connected", 1.0).containsKey(fileQueue);
                });
                Map<String, Double> before = only(scrape(port), job);
                assertThat(Exposition.sum(before, "pdm_files_copied_total", job)).isEqualTo(20.0);

                Broker.ctl("stop_app");
                try {
                    // still serving: what it knew, and that it is cut off; no stale queue depths
                    await().atMost(WAIT).untilAsserted(() -> {
                        Map<String, Double> s = scrape(port);
                        assertThat(s).containsEntry("pdm_monitor_broker_connected", 0.0).doesNotContainKey(fileQueue);
                        assertThat(only(s, job)).isEqualTo(before);
                    });
                } finally {
                    Broker.ctl("start_app");
                }
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                    Map<String, Double> s = scrape(port);
                    assertThat(s).containsEntry("pdm_monitor_broker_connected", 1.0).containsKey(fileQueue);
                    assertThat(Exposition.sum(s, "pdm_worker_up", id)).isEqualTo(1.0);
                    assertThat(only(s, job)).isEqualTo(before);
                });
            } finally {
                monitor.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }

    /** stderr of every pdm command the cluster ran (monitors included). */
    private static String commandLogs(Cluster c) throws IOException {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(c.dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".err")).toList()) {
                b.append(Files.readString(f, StandardCharsets.ISO_8859_1));
            }
        }
        return b.toString();
    }

    /** The counters and job gauges of one job. */
    private static Map<String, Double> only(Map<String, Double> samples, String jobLabel) {
        Map<String, Double> out = new TreeMap<>();
        samples.forEach((k, v) -> {
            if (k.contains(jobLabel) && !k.startsWith("pdm_job_last_event")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, Double> scrape(int port) throws IOException, InterruptedException {
        return Exposition.scrape(port);
    }

    private static String text(int port) throws IOException, InterruptedException {
        return Exposition.text(port);
    }

    private static int freePort() throws IOException {
        return Exposition.freePort();
    }

    private static boolean managementApi() {
        try {
            String auth = Base64.getEncoder().encodeToString("guest:guest".getBytes(StandardCharsets.UTF_8));
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:15672/api/overview"))
                    .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static void promtool(String text) throws Exception {
        File promtool = PdmCollectorTest.promtool();
        if (promtool == null) {
            return; // PdmCollectorTest says so; the format itself was parsed back above
        }
        Process p = new ProcessBuilder(promtool.getPath(), "check", "metrics").redirectErrorStream(true).start();
        p.getOutputStream().write(text.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).as("promtool check metrics on a real scrape").isEmpty();
        assertThat(p.exitValue()).isZero();
    }
}

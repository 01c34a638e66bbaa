package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pdm.metrics.Exposition;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/** An embedded copy with --metrics-port serves its live counters while it runs, and they only grow. */
class EmbeddedMetricsTest {
    private static final int FILES = 3000;

    @TempDir
    Path tmp;

    @Test
    @Timeout(180)
    void aRunningCopyServesLiveCountersThatOnlyGrow() throws Exception {
        Path src = tmp.resolve("src");
        for (int i = 0; i < FILES; i++) {
            Fx.write(src.resolve("d" + i % 30).resolve("f" + i), Fx.random(200, i));
        }
        Path dst = Files.createDirectories(tmp.resolve("dst"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AtomicReference<Pdm.Result> result = new AtomicReference<>();
        Thread copy = new Thread(() -> result.set(Pdm.json("copy", src, dst, "--metrics-port", Integer.toString(port),
                "--metrics-bind", "127.0.0.1", "--dir-workers", "1", "--file-workers", "1", "--fsync")));
        copy.start();

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(5)).build();
        List<Map<String, Double>> scrapes = new ArrayList<>();
        while (copy.isAlive()) {
            try {
                scrapes.add(Exposition.samples(http.send(get, HttpResponse.BodyHandlers.ofString()).body()));
            } catch (IOException notYetOrGone) {
                // not listening yet, or the copy has just finished
            }
            Thread.sleep(5);
        }
        copy.join();

        assertThat(result.get().exit()).as(result.get().toString()).isZero();
        assertThat(result.get().count("files_copied")).isEqualTo(FILES);
        assertThat(scrapes).as("scrapes while the copy ran").isNotEmpty();
        double last = -1;
        for (Map<String, Double> s : scrapes) {
            double copied = Exposition.sum(s, "pdm_files_copied_total");
            assertThat(copied).isBetween(last, (double) FILES);
            last = copied;
            assertThat(Exposition.sum(s, "pdm_worker_up")).isEqualTo(1.0);
            assertThat(Exposition.sum(s, "pdm_job_info", "command=\"copy\"")).isEqualTo(1.0);
            assertThat(s.keySet()).anyMatch(k -> k.startsWith("pdm_queue_messages_ready{queue=\"file."));
        }
        assertThat(Exposition.sum(scrapes.get(0), "pdm_job_state", "state=\"running\"")).isEqualTo(1.0);
        // live: counters that moved only at the end of the pass would never be seen, as the server stops with it
        assertThat(last).as("files copied in the last scrape while the copy ran").isPositive();
    }

    @Test
    void aBadMetricsPortIsRefusedNamingIt() {
        Pdm.Result r = Pdm.json("copy", tmp, tmp.resolve("x"), "--metrics-port", "70000");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--metrics-port", "'70000' is not a TCP port");
        assertThat(tmp.resolve("x")).doesNotExist();
    }
}

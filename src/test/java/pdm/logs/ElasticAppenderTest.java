package pdm.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Log events reach Elasticsearch's _bulk as NDJSON, with credentials only in the header, and never block. */
class ElasticAppenderTest {
    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> auth = new CopyOnWriteArrayList<>();
    private final List<String> types = new CopyOnWriteArrayList<>();
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    private int fakeElastic(boolean hang) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", x -> {
            if (hang) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            bodies.add(x.getRequestURI().getPath() + "\n" + new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            auth.add(String.valueOf(x.getRequestHeaders().getFirst("Authorization")));
            types.add(String.valueOf(x.getRequestHeaders().getFirst("Content-Type")));
            byte[] ok = "{\"errors\":false,\"items\":[]}".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, ok.length);
            x.getResponseBody().write(ok);
            x.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
        return server.getAddress().getPort();
    }

    private static Logger logger(ElasticAppender appender) {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        ctx.start();
        appender.setContext(ctx);
        appender.start();
        Logger log = ctx.getLogger("pdm.test");
        log.addAppender(appender);
        return log;
    }

    @Test
    void eventsGoToBulkAsNdjsonWithEcsFieldsAndCredentialsOnlyInTheHeader() throws Exception {
        int port = fakeElastic(false);
        ElasticAppender appender = new ElasticAppender("http://elastic:s3cret@127.0.0.1:" + port + "/");
        Logger log = logger(appender);

        log.warn("copy failed for {}", "a/b");
        log.error("broker amqp://pdm:hunter2@mq:5672/ down", new IOException("boom"));
        log.info("third");

        await().atMost(Duration.ofSeconds(30)).until(() -> appender.shipped() == 3);
        String all = String.join("\n", bodies);
        assertThat(bodies.get(0)).startsWith("/_bulk\n");
        assertThat(types).containsOnly("application/x-ndjson");
        assertThat(auth).containsOnly("Basic " + Base64.getEncoder().encodeToString("elastic:s3cret".getBytes(StandardCharsets.UTF_8)));
        assertThat(all).doesNotContain("s3cret").doesNotContain("hunter2");
        assertThat(appender.toString()).doesNotContain("s3cret");

        List<String> lines = all.lines().filter(l -> l.startsWith("{")).toList();
        assertThat(lines).hasSize(6);
        ObjectMapper json = new ObjectMapper();
        for (int i = 0; i < lines.size(); i += 2) {
            assertThat(json.readTree(lines.get(i)).path("create").path("_index").asText()).isEqualTo(ElasticAppender.DATA_STREAM);
            JsonNode doc = json.readTree(lines.get(i + 1));
            assertThat(doc.has("@timestamp")).isTrue();
            assertThat(doc.path("ecs.version").asText()).isEqualTo(EcsJson.ECS_VERSION);
            assertThat(doc.path("service.name").asText()).isEqualTo("pdm");
        }
        JsonNode first = json.readTree(lines.get(1));
        assertThat(first.path("log.level").asText()).isEqualTo("WARN");
        assertThat(first.path("message").asText()).isEqualTo("copy failed for a/b");
        JsonNode second = json.readTree(lines.get(3));
        assertThat(second.path("error.type").asText()).isEqualTo("java.io.IOException");
        assertThat(second.path("message").asText()).contains("amqp://pdm:***@mq");
        assertThat(appender.dropped()).isZero();
    }

    @Test
    @Timeout(60)
    void aHangingElasticsearchNeverBlocksLoggingEventsAreDroppedAndCounted() throws Exception {
        int port = fakeElastic(true);
        ElasticAppender appender = new ElasticAppender("http://127.0.0.1:" + port);
        Logger log = logger(appender);

        int n = ElasticAppender.CAPACITY * 3;
        for (int i = 0; i < n; i++) {
            log.warn("event {}", i); // would hang here if logging waited for Elasticsearch
        }

        assertThat(appender.dropped()).isGreaterThanOrEqualTo(n - ElasticAppender.CAPACITY - ElasticAppender.BATCH);
        assertThat(appender.shipped()).isZero();
    }

    @Test
    @Timeout(60)
    void aDeadPortCostsNothingButCountedDrops() {
        ElasticAppender appender = new ElasticAppender("http://127.0.0.1:1");
        Logger log = logger(appender);

        for (int i = 0; i < 2000; i++) {
            log.warn("event {}", i);
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> appender.dropped() > 0);
        assertThat(appender.shipped()).isZero();
    }

    @Test
    void aBadUrlIsRefusedNamingItWithoutItsPassword() {
        Assertions.assertThatThrownBy(() -> new ElasticAppender("ftp://u:pw@host/"))
                .hasMessageContaining("ftp://u:***@host/").hasMessageNotContaining("pw@");
    }
}

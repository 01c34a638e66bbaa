package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import pdm.metrics.MetricsView.QueueDepth;

/** Queue depths from the management API: the vhost's path, the broker's credentials, pdm's queues only. */
class QueueDepthsTest {
    @Test
    void asksTheVhostWithTheBrokersCredentialsAndKeepsOnlyPdmQueues() throws Exception {
        List<String> asked = new ArrayList<>();
        HttpServer api = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        api.createContext("/", x -> {
            asked.add(x.getRequestURI().getRawPath() + " " + x.getRequestHeaders().getFirst("Authorization"));
            byte[] body = """
                    [{"name":"file.panda.badger","messages_ready":40,"messages_unacknowledged":12,"consumers":8},
                     {"name":"pdm.dead","messages_ready":1,"messages_unacknowledged":0,"consumers":0},
                     {"name":"someone.elses","messages_ready":5,"messages_unacknowledged":5,"consumers":1},
                     {"name":"dir.panda.badger"}]""".getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            x.getResponseBody().write(body);
            x.close();
        });
        api.start();
        try {
            BrokerUri broker = BrokerUri.parse("amqp://pdm:s3cret@127.0.0.1:5672/migr%2Fation");
            String base = "http://127.0.0.1:" + api.getAddress().getPort() + "/";
            List<QueueDepth> depths = new QueueDepths(URI.create(base), broker, List.of()).poll(null);

            assertThat(depths).containsExactly(new QueueDepth("file.panda.badger", 40, 12, 8),
                    new QueueDepth("pdm.dead", 1, 0, 0), new QueueDepth("dir.panda.badger", -1, -1, -1));
            String basic = "Basic " + Base64.getEncoder().encodeToString("pdm:s3cret".getBytes(StandardCharsets.UTF_8));
            assertThat(asked).containsExactly("/api/queues/migr%2Fation " + basic);

            // credentials in --management-url win, and a base path (a proxy) is kept
            asked.clear();
            URI withUser = URI.create("http://mon:pw@127.0.0.1:" + api.getAddress().getPort() + "/rabbit/");
            new QueueDepths(withUser, broker, List.of()).poll(null);
            String monBasic = "Basic " + Base64.getEncoder().encodeToString("mon:pw".getBytes(StandardCharsets.UTF_8));
            assertThat(asked).containsExactly("/rabbit/api/queues/migr%2Fation " + monBasic);
        } finally {
            api.stop(0);
        }
    }

    @Test
    void shardsOfAQueueShowAsOneWithSummedDepthsAndTheFewestConsumers() {
        List<QueueDepth> depths = QueueDepths.sumShards(List.of(
                new QueueDepth("file.panda.badger.0", 10, 2, 16), new QueueDepth("dir.panda.badger.0", 1, 0, 4),
                new QueueDepth("file.panda.badger.1", 30, 5, 16), new QueueDepth("link.panda.badger.1", 7, 0, 1),
                new QueueDepth("link.panda.badger.2", 3, 0, 1), new QueueDepth("file.panda.badger.2", 0, -1, 0),
                new QueueDepth("dir.panda.badger.1", 2, 1, 4), new QueueDepth("pdm.dead", 1, 0, 0)));

        assertThat(depths).containsExactly(new QueueDepth("file.panda.badger", 40, -1, 0),
                new QueueDepth("dir.panda.badger", 3, 1, 4),
                new QueueDepth("link.panda.badger.1", 7, 0, 1), new QueueDepth("link.panda.badger.2", 3, 0, 1),
                new QueueDepth("pdm.dead", 1, 0, 0));
    }
}

package pdm.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.Secrets;
import pdm.metrics.MetricsView.QueueDepth;

/**
 * The depth of every pdm queue. Unacked counts exist only in RabbitMQ's management API
 * (AMQP tells ready and consumers, nothing else), so it is asked first, with the broker's
 * credentials; without the plugin, a passive declare of each queue of the config's pairs
 * gives ready and consumers, and unacked is left out rather than guessed. The shards of a dir or
 * file queue ({@code [rabbitmq] queue_shards}) are shown as their unsharded name, as one queue:
 * ready and unacked summed, consumers the fewest of any shard (0 means a shard nobody serves).
 */
final class QueueDepths {
    private static final Logger log = LoggerFactory.getLogger(QueueDepths.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final URI management;
    private final String auth;
    private final List<String> configured;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String vhostPath;
    private Boolean managementWorks;

    /**
     * @param management the management API's base URL (http://host:15672; user:password@ in it
     *                   wins over the broker's credentials), or null to use AMQP only
     * @param configured the queues of the config's pairs, asked for over AMQP when the API is not there
     */
    QueueDepths(URI management, BrokerUri broker, List<String> configured) {
        String credentials = broker.user() + ":" + broker.password();
        if (management != null && management.getUserInfo() != null) {
            credentials = management.getUserInfo();
            // (kept out of the URI: it is logged)
            management = URI.create(management.getScheme() + "://" + management.getRawAuthority()
                    .substring(management.getRawAuthority().indexOf('@') + 1) + management.getRawPath());
        }
        this.management = management;
        this.auth = "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
        this.configured = List.copyOf(configured);
        String vhost = URLEncoder.encode(broker.vhost(), StandardCharsets.UTF_8).replace("+", "%20");
        this.vhostPath = "api/queues/" + vhost + "?columns=name,messages_ready,messages_unacknowledged,consumers";
    }

    List<QueueDepth> poll(Connection conn) throws IOException, InterruptedException {
        if (management != null) {
            try {
                List<QueueDepth> out = fromManagement();
                if (!Boolean.TRUE.equals(managementWorks)) {
                    log.info("queue depths from the RabbitMQ management API at {}", Secrets.mask(management.toString()));
                }
                managementWorks = true;
                return sumShards(out);
            } catch (IOException e) {
                if (!Boolean.FALSE.equals(managementWorks)) {
                    log.warn("RabbitMQ management API at {} not usable ({}): exporting ready counts from AMQP only, "
                            + "no unacked counts (enable it with: rabbitmq-plugins enable rabbitmq_management)",
                            Secrets.mask(management.toString()), Secrets.mask(e.getMessage()));
                }
                managementWorks = false;
            }
        }
        return sumShards(fromAmqp(conn));
    }

    /** One row per unsharded queue name, in the order first seen. */
    static List<QueueDepth> sumShards(List<QueueDepth> depths) {
        Map<String, QueueDepth> out = new LinkedHashMap<>();
        for (QueueDepth q : depths) {
            out.merge(Topology.unsharded(q.queue()), new QueueDepth(Topology.unsharded(q.queue()), q.ready(),
                    q.unacked(), q.consumers()), (a, b) -> new QueueDepth(a.queue(), sum(a.ready(), b.ready()),
                    sum(a.unacked(), b.unacked()), Math.min(a.consumers(), b.consumers())));
        }
        return List.copyOf(out.values());
    }

    /** -1 (unknown) when either is. */
    private static long sum(long a, long b) {
        return a < 0 || b < 0 ? -1 : a + b;
    }

    private List<QueueDepth> fromManagement() throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(management.resolve(vhostPath)).timeout(Duration.ofSeconds(10))
                .header("Authorization", auth).GET().build();
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new IOException(e.toString(), e);
        }
        if (resp.statusCode() != 200) {
            throw new IOException("HTTP " + resp.statusCode());
        }
        List<QueueDepth> out = new ArrayList<>();
        for (JsonNode q : JSON.readTree(resp.body())) {
            String name = q.path("name").asText();
            if (Topology.isPdmQueue(name)) {
                out.add(new QueueDepth(name, q.path("messages_ready").asLong(-1),
                        q.path("messages_unacknowledged").asLong(-1), q.path("consumers").asLong(-1)));
            }
        }
        return out;
    }

    /** How many messages {@code queue} has ready now (0 when it does not exist). */
    static long ready(Connection conn, String queue) throws IOException {
        AMQP.Queue.DeclareOk q = declarePassive(conn, queue);
        return q == null ? 0 : q.getMessageCount();
    }

    /** How many consumers {@code queue} has now (0 when it does not exist). */
    static int consumers(Connection conn, String queue) throws IOException {
        AMQP.Queue.DeclareOk q = declarePassive(conn, queue);
        return q == null ? 0 : q.getConsumerCount();
    }

    /** What the broker says of {@code queue} now, on a channel of its own; null when it does not exist. */
    private static AMQP.Queue.DeclareOk declarePassive(Connection conn, String queue) throws IOException {
        Channel ch = conn.createChannel();
        try {
            return ch.queueDeclarePassive(queue);
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException s && !s.isHardError()
                    && s.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == AMQP.NOT_FOUND) {
                return null;
            }
            throw e;
        } finally {
            Rabbit.closeQuietly(ch);
        }
    }

    private List<QueueDepth> fromAmqp(Connection conn) throws IOException {
        List<QueueDepth> out = new ArrayList<>();
        Channel ch = conn.createChannel();
        try {
            for (String q : configured) {
                try {
                    AMQP.Queue.DeclareOk ok = ch.queueDeclarePassive(q);
                    out.add(new QueueDepth(q, ok.getMessageCount(), -1, ok.getConsumerCount()));
                } catch (IOException | AlreadyClosedException e) {
                    // not declared yet (no job for this pair so far): the broker closed the channel
                    Rabbit.closeQuietly(ch);
                    ch = conn.createChannel();
                }
            }
        } finally {
            Rabbit.closeQuietly(ch);
        }
        return out;
    }
}

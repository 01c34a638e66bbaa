package pdm.cluster;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.metrics.Heartbeat;

/**
 * A listener's own queue on {@code pdm.stats} (the monitor's, a client's following a job's
 * progress): exclusive, gone with its connection, and holding no heartbeat older than its
 * TTL (a listener wants the next one, not a backlog).
 */
final class HeartbeatQueue {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatQueue.class);

    private HeartbeatQueue() {
    }

    /**
     * Hands every readable heartbeat to {@code to}, from a new channel of {@code c}; {@code lost}
     * runs when the channel or its consumer ends (heartbeats stop coming). Returns the channel.
     */
    static Channel listen(Connection c, long ttlMs, Consumer<Heartbeat> to, Runnable lost) throws IOException {
        Channel ch = c.createChannel();
        ch.addShutdownListener(sig -> lost.run());
        Topology.declareCommon(ch);
        String q = ch.queueDeclare("", false, true, true, Map.of("x-message-ttl", ttlMs)).getQueue();
        ch.queueBind(q, Topology.STATS, "");
        ch.basicConsume(q, true, (tag, d) -> {
            try {
                to.accept(Heartbeat.decode(d.getBody()));
            } catch (IOException | RuntimeException e) {
                log.warn("ignoring a message in {} that is not a heartbeat pdm can read: {}", Topology.STATS,
                        e.getMessage());
            }
        }, tag -> lost.run());
        return ch;
    }
}

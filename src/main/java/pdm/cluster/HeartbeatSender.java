package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.metrics.ProcessStats;

/**
 * Sends the worker's heartbeat to {@code pdm.stats} every {@code monitor_interval} seconds,
 * for whichever monitors listen. Heartbeats are transient and expire after 3 intervals: a
 * monitor that was away wants the next one, not a backlog.
 */
final class HeartbeatSender implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HeartbeatSender.class);

    private final Thread thread;

    HeartbeatSender(Connection conn, ProcessStats stats, int intervalSeconds) {
        thread = new Thread(() -> loop(conn, stats, intervalSeconds), "pdm-heartbeat");
        thread.setDaemon(true);
        thread.start();
    }

    private static void loop(Connection conn, ProcessStats stats, int intervalSeconds) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType("application/json")
                .deliveryMode(1).expiration(Long.toString(3_000L * intervalSeconds)).build();
        Channel ch = null;
        try {
            while (!Thread.currentThread().isInterrupted() && conn.isOpen()) {
                try {
                    if (ch == null || !ch.isOpen()) {
                        ch = conn.createChannel();
                    }
                    ch.basicPublish(Topology.STATS, "", props, stats.heartbeat(intervalSeconds).encode());
                } catch (IOException | RuntimeException e) {
                    log.debug("heartbeat not sent: {}", Rabbit.reason(e));
                }
                Thread.sleep(intervalSeconds * 1000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (ch != null) {
                Rabbit.closeQuietly(ch);
            }
        }
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}

package pdm.cluster;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.metrics.Heartbeat;
import pdm.metrics.ProcessStats;

/**
 * Sends the worker's heartbeat to {@code pdm.stats} every {@code monitor_interval} seconds,
 * for whichever monitors listen, and every {@link Heartbeat#BUSY_EVERY_MS} while it runs tasks:
 * they carry the running tasks' live counters, which a job's progress (--wait, status) adds to
 * its done tasks', so progress moves with the bytes as they are written. Heartbeats are
 * transient and expire after 3 intervals: a monitor that was away wants the next one, not a backlog.
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
        long next = System.nanoTime();
        try {
            while (!Thread.currentThread().isInterrupted() && conn.isOpen()) {
                long now = System.nanoTime();
                if (stats.busy() || now - next >= 0) {
                    next = now + intervalSeconds * 1_000_000_000L;
                    try {
                        if (ch == null || !ch.isOpen()) {
                            ch = conn.createChannel();
                        }
                        ch.basicPublish(Topology.STATS, "", props, stats.heartbeat(intervalSeconds).encode());
                    } catch (IOException | RuntimeException e) {
                        log.debug("heartbeat not sent: {}", Rabbit.reason(e));
                    }
                }
                Thread.sleep(Heartbeat.BUSY_EVERY_MS);
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

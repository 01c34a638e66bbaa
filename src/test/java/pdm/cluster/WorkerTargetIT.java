package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.Hosts;
import pdm.metrics.Heartbeat;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;

/** A worker whose write = true target has no directory at its path says so at start and in its heartbeats. */
class WorkerTargetIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void aMissingTargetPathIsWarnedAboutAndReportedInTheHeartbeat() throws Exception {
        try (Cluster c = new Cluster(tmp, "monitor_interval = 1", false);
             Connection conn = Broker.connect()) {
            Files.delete(c.dst);
            Map<String, Heartbeat> last = new ConcurrentHashMap<>();
            Channel ch = conn.createChannel();
            Topology.declareCommon(ch);
            String q = ch.queueDeclare().getQueue();
            ch.queueBind(q, Topology.STATS, "");
            ch.basicConsume(q, true, (tag, d) -> {
                Heartbeat h = Heartbeat.decode(d.getBody());
                last.put(h.worker(), h);
            }, tag -> { });

            Process w = c.startWorker();
            String id = Hosts.name() + ":" + w.pid();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> last.containsKey(id) || !w.isAlive());
            assertThat(last.get(id).targetsMissing()).as(c.workerLog(1)).containsExactly(c.tgtName);
            assertThat(last.get(id).targets()).as("every target it serves, for a 0 when it is there")
                    .contains(c.tgtName);
            assertThat(c.workerLog(1)).contains("WARN").contains("target filesystem '" + c.tgtName + "': path "
                    + c.dst + " does not exist or is not a directory");

            Files.createDirectory(c.dst); // mounted (or the typo fixed) while it runs
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> last.get(id).targetsMissing().isEmpty() || !w.isAlive());
            assertThat(last.get(id).targetsMissing()).as(c.workerLog(1)).isEmpty();
            assertThat(last.get(id).targets()).contains(c.tgtName);
            assertThat(c.workerLog(1)).contains("path " + c.dst + " is there now");
        }
    }
}

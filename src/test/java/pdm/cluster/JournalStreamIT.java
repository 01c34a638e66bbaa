package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.rabbitmq.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.engine.ChangeScopes.Decided;
import pdm.journal.Changes;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;

/**
 * A distributed --changes pass's root task against a real {@code pdm watch} and the real broker
 * (docs/change-journal.md, "Distributed mode"): the decision names where its MARK lies in the
 * journal stream, including for a root task delivered again after the watcher answered its
 * first attempt (the same MARK answered again, written before the new attempt followed the
 * stream). Needs root (fanotify).
 */
class JournalStreamIT {
    @TempDir
    Path tmp;
    private Cluster c;
    private Process watcher;

    @BeforeEach
    void start() throws Exception {
        Broker.require();
        c = new Cluster(tmp, "", false);
        Files.createDirectories(c.src.resolve("d"));
        Path log = tmp.resolve("watch.log");
        ProcessBuilder pb = new ProcessBuilder(c.pdmAt(Broker.URI, "watch", c.srcName)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PDM_STATE_DIR", tmp.resolve("state").toString());
        watcher = pb.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("watching ")
                || !watcher.isAlive());
        assertThat(watcher.isAlive()).as(Files.readString(log)).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.destroy();
            watcher.waitFor();
        }
        if (c != null) {
            c.close();
            Broker.deleteJournal(c.srcName);
        }
    }

    @Test
    void aRootTaskDeliveredAgainFindsTheMarkItsFirstAttemptWasAnswered() throws Exception {
        BrokerUri uri = BrokerUri.parse(Broker.URI);
        JournalStream.MarkSeen first;
        try (Connection conn = Rabbit.connect(uri, "test: a first attempt", null)) {
            first = JournalStream.askMark(conn, c.srcName, "j1/copy"); // (then its worker died)
        }
        assertThat(first).isNotNull();
        assertThat(first.offset()).as("seen by the follower").isNotNegative();
        Files.writeString(c.src.resolve("d/later"), "written after the first attempt's mark");

        long t0 = System.nanoTime();
        Decided d = new JournalStream.Scopes(uri).decide("j1/copy", c.srcName, "K", c.src, Path.of(""), null,
                ch -> null);
        long ms = (System.nanoTime() - t0) / 1_000_000;

        assertThat(d.decision().mode()).isEqualTo(Changes.Decision.FULL);
        assertThat(d.decision().reason()).contains("no earlier complete --changes pass");
        assertThat(d.decision().session()).isEqualTo(first.session());
        assertThat(d.decision().toSeq()).as("the same mark, answered again").isEqualTo(first.seq());
        assertThat(d.decision().toOffset()).as("found on the stream").isEqualTo(first.offset());
        assertThat(ms).as("found by reading, not by waiting for the stream's read limit").isLessThan(
                JournalStream.READ_WAIT_MS);

        // the next pass of the key reads from that mark, and sees the file written since
        try (Connection conn = Rabbit.connect(uri, "test: the tracker", null)) {
            JournalStream.completed(conn, c.srcName, "j1", List.of("copy"));
        }
        Decided next = new JournalStream.Scopes(uri).decide("j2/copy", c.srcName, "K", c.src, Path.of(""), null,
                ch -> null);
        assertThat(next.decision().mode()).as(next.decision().reason()).isEqualTo(Changes.Decision.CHANGES);
        assertThat(next.decision().fromOffset()).isEqualTo(first.offset());
        assertThat(next.decision().toOffset()).isGreaterThan(first.offset());
        assertThat(next.changes().named()).as(next.changes().toString()).containsKey(Path.of("d"));
    }
}

package pdm.journal;

import java.io.IOException;
import java.util.List;

/**
 * The distributed half of a watcher (docs/change-journal.md, "Distributed mode"): every journal
 * line also goes to a RabbitMQ stream that any node can read, and passes running on other nodes
 * ask for marks through the broker. pdm.cluster implements it; the watcher knows no broker.
 */
public interface JournalOutlet extends AutoCloseable {
    /** Publishes these lines in order and returns once the broker has confirmed every one. */
    void publish(List<String> lines) throws IOException;

    /** A mark request that came through the broker since the last call, or null. */
    MarkRequest poll();

    /** What a distributed pass asks: a mark, named by its request id (job and pass), the same on a redelivery. */
    interface MarkRequest {
        String requestId();

        /** Answers with the mark, which is on the stream (confirmed) by then. */
        void answer(String session, long seq) throws IOException;
    }

    @Override
    void close();
}

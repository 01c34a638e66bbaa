package pdm.metrics;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import pdm.job.Counters;

/**
 * What a worker tells the monitors every {@code monitor_interval} seconds (exchange
 * {@code pdm.stats}). The numbers in it are the process's own, cumulative since it started,
 * so a lost, repeated or reordered heartbeat changes nothing once a newer one arrives
 * ({@code seq} orders them).
 *
 * @param worker      host:pid, the same id the worker's done events carry
 * @param filesCopied files this process has copied so far, running tasks included (live, per
 *                    file; the exact per-job counts are in the event log)
 * @param pairsPaused source/target pairs it takes no work for while a mount = true filesystem is missing
 * @param logDropped  log events it dropped because Elasticsearch was slow or down
 * @param targetsMissing write = true filesystems it serves whose path is missing or not a directory
 *                    (absent from older workers' heartbeats: read as none)
 * @param targets     every write = true filesystem it serves, so that a monitor can show each one as
 *                    missing or not (a 0, not "no data", when all is well; absent from older
 *                    workers' heartbeats: then only the missing ones are known)
 * @param running     the tasks it runs now that have done something, each with its live counters
 *                    so far ({@code Counters.live}: bytes as written): what a job's progress adds
 *                    to its done tasks ({@link InFlight}); absent from older workers' heartbeats
 */
public record Heartbeat(
        int v,
        String node,
        String worker,
        @JsonProperty("started_ms") long startedMs,
        long seq,
        @JsonProperty("sent_ms") long sentMs,
        @JsonProperty("interval_s") int intervalSeconds,
        @JsonProperty("tasks_running") long tasksRunning,
        @JsonProperty("files_copied") long filesCopied,
        @JsonProperty("bytes_copied") long bytesCopied,
        @JsonProperty("pairs_paused") long pairsPaused,
        @JsonProperty("log_events_dropped") long logDropped,
        @JsonProperty("targets_missing") List<String> targetsMissing,
        List<String> targets,
        List<Task> running) {

    public static final int VERSION = 1;
    /**
     * How often a worker sends one while it runs tasks (besides every {@code interval_s}): the
     * progress line redraws every second, and a reader of progress ({@code pdm status}) hears
     * every busy worker within this.
     */
    public static final long BUSY_EVERY_MS = 1000;

    /** A task a worker runs now, of {@code job}, and what it has done so far. */
    public record Task(String job, String task, Counters counters) {
    }

    public Heartbeat {
        targetsMissing = targetsMissing == null ? List.of() : List.copyOf(targetsMissing);
        targets = targets == null ? List.of() : List.copyOf(targets);
        running = running == null ? List.of() : List.copyOf(running);
    }

    /** A heartbeat that names no running task. */
    public Heartbeat(int v, String node, String worker, long startedMs, long seq, long sentMs, int intervalSeconds,
                     long tasksRunning, long filesCopied, long bytesCopied, long pairsPaused, long logDropped,
                     List<String> targetsMissing, List<String> targets) {
        this(v, node, worker, startedMs, seq, sentMs, intervalSeconds, tasksRunning, filesCopied, bytesCopied,
                pairsPaused, logDropped, targetsMissing, targets, List.of());
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public byte[] encode() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a heartbeat", e);
        }
    }

    /** Reads a heartbeat; a message of another version or without a worker id is refused with the reason. */
    public static Heartbeat decode(byte[] body) throws IOException {
        Heartbeat h = JSON.readValue(body, Heartbeat.class);
        if (h.v != VERSION) {
            throw new IOException("heartbeat version " + h.v + ", this pdm reads version " + VERSION);
        }
        if (h.worker == null || h.worker.isEmpty() || h.node == null || h.intervalSeconds <= 0) {
            throw new IOException("heartbeat without node, worker or a positive interval_s");
        }
        return h;
    }
}

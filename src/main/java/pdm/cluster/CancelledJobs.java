package pdm.cluster;

import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.job.JobEvent;
import pdm.job.LogPosition;

/**
 * The jobs {@code pdm cancel} has ended, as a worker learns them from the event log: their tasks
 * still in the queues are dropped (acked, not run). The log is read from {@link #LOOK_BACK} ago,
 * not from its start: the tasks of a job cancelled earlier than that are dropped by the workers
 * that were running then; a worker that starts later would run what is left of it (harmless: the
 * job's done events change nothing, its tracker has forgotten it).
 */
final class CancelledJobs implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(CancelledJobs.class);
    static final Duration LOOK_BACK = Duration.ofHours(1);
    private static final long CATCH_UP_MS = 10_000;

    private final Set<String> jobs = ConcurrentHashMap.newKeySet();
    private volatile EventReader reader;

    boolean contains(String jobId) {
        return jobs.contains(jobId);
    }

    /**
     * Follows the log on {@code c} (a worker's session) until {@link #close}; returns once it has
     * read what the log held (or after {@link #CATCH_UP_MS}, reading on), so that a worker that
     * starts just after a cancel does not run the job's queued tasks.
     */
    void follow(Connection c) throws IOException, InterruptedException {
        close();
        EventReader r = new EventReader(c, LogPosition.since(Instant.now().minus(LOOK_BACK)), e -> {
            if (e instanceof JobEvent.Cancelled cancelled && jobs.add(cancelled.job())) {
                log.info("job {} was cancelled by {}: its tasks are dropped", cancelled.job(), cancelled.by());
            }
        }, null);
        reader = r;
        if (!r.awaitCaughtUp(CATCH_UP_MS)) {
            log.info("still reading the last hour of the event log for cancelled jobs; taking tasks meanwhile");
        }
    }

    @Override
    public void close() {
        EventReader r = reader;
        if (r != null) {
            r.close();
        }
    }
}

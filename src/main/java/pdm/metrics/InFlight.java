package pdm.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import pdm.job.Counters;
import pdm.job.JobFold;

/**
 * What the workers' running tasks have done so far, from their heartbeats: the part of a
 * distributed job's progress that no done event carries yet (a file being copied, a batch of
 * files half done). {@link JobFold.Job#inFlight} adds it to the done tasks' counters, each task
 * only while it is pending there, so nothing counts twice; this class decides which reports
 * are believed:
 * <ul>
 *   <li>the newest heartbeat of each worker process, heard within {@link #BELIEVED_MS}: a worker
 *       with tasks running sends one every {@link Heartbeat#BUSY_EVERY_MS}, so one silent that
 *       long is dead or cut off, and its tasks are back in their queues (their bytes are written
 *       again by whoever takes them);</li>
 *   <li>a task reported by two workers (one lost it, another took it again) counts once, as the
 *       one heard last.</li>
 * </ul>
 * Times are this process's clock at receipt: workers' clocks need not agree with it.
 */
public final class InFlight {
    /** How long a heartbeat's running tasks are believed: five busy heartbeats missed. */
    public static final long BELIEVED_MS = 5 * Heartbeat.BUSY_EVERY_MS;

    private record Heard(Heartbeat beat, long atMs) {
    }

    private final LongSupplier clock;
    private final Map<String, Heard> workers = new ConcurrentHashMap<>();

    /** @param clock milliseconds, this process's */
    public InFlight(LongSupplier clock) {
        this.clock = clock;
    }

    /** Keeps the newest heartbeat of each worker process; an older or repeated one changes nothing. */
    public void heard(Heartbeat h) {
        Heard now = new Heard(h, clock.getAsLong());
        workers.merge(h.worker(), now, (old, neu) -> newer(neu.beat, old.beat) ? neu : old);
    }

    static boolean newer(Heartbeat a, Heartbeat b) {
        return a.startedMs() != b.startedMs() ? a.startedMs() > b.startedMs() : a.seq() > b.seq();
    }

    /** The believed running tasks of {@code job}, by task id, with what each has done so far. */
    public Map<String, Counters> of(String job) {
        long now = clock.getAsLong();
        Map<String, Heard> by = new HashMap<>();
        Map<String, Counters> out = new HashMap<>();
        for (Heard h : workers.values()) {
            if (now - h.atMs > BELIEVED_MS) {
                continue;
            }
            for (Heartbeat.Task t : h.beat.running()) {
                if (job.equals(t.job())) {
                    Heard before = by.get(t.task());
                    if (before == null || h.atMs > before.atMs) {
                        by.put(t.task(), h);
                        out.put(t.task(), t.counters());
                    }
                }
            }
        }
        return out;
    }

    /** What the job's running pass has done, live: its done tasks and what its running tasks have done so far. */
    public Counters live(JobFold.Job j) {
        return j.counters().plus(j.inFlight(of(j.id())));
    }
}

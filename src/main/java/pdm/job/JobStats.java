package pdm.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Live counters of a running job, updated by every worker thread without locks. */
public final class JobStats {
    /**
     * Failures kept for the summary; beyond this they are only counted (each is logged as it
     * happens). About 300 bytes each: a run where most of a huge tree fails (a full target) stays
     * within the memory of one that succeeds (a million would have taken some 150 MB more).
     */
    public static final int MAX_LISTED_FAILURES = 100_000;

    private static final Logger LOG = LoggerFactory.getLogger(JobStats.class);

    public final LongAdder filesCopied = new LongAdder();
    public final LongAdder filesSkipped = new LongAdder();
    public final LongAdder filesRemoved = new LongAdder();
    public final LongAdder filesFailed = new LongAdder();
    public final LongAdder metaFixed = new LongAdder();
    public final LongAdder dirs = new LongAdder();
    public final LongAdder dirsCreated = new LongAdder();
    public final LongAdder bytes = new LongAdder();
    /**
     * File data written so far, as each chunk goes: files still being copied (and ones that then
     * failed) included. {@link #bytes} counts a file once it is in place; progress shows this,
     * so a big file's bytes move while it is copied rather than all at once at its end.
     */
    public final LongAdder written = new LongAdder();
    public final LongAdder differences = new LongAdder();
    public final LongAdder notReplaced = new LongAdder();
    public final LongAdder filesVanished = new LongAdder();
    public final LongAdder ownersNotKept = new LongAdder();
    public final LongAdder removalsSkipped = new LongAdder();
    public final LongAdder attrsNotKept = new LongAdder();
    public final LongAdder unlocked = new LongAdder();
    /** Directories verify found to differ (also in differences): verify counts them apart from files. */
    public final LongAdder dirsDiffer = new LongAdder();
    /** Data bytes written, holes left out: what a byte rate and --bwlimit measure ({@link #bytes} counts sizes). */
    public final LongAdder bytesWritten = new LongAdder();
    /** Tasks finished (a directory listed, a batch of files): for the metrics of an embedded pass. */
    public final LongAdder tasks = new LongAdder();
    /** A verify range's first differing byte, or -1: the range's result, which its file's finish reports. */
    private final AtomicLong differsAt = new AtomicLong(-1);
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final AtomicLong listed = new AtomicLong();
    private final Repeats repeats = new Repeats(Repeats.LOGGED);

    /** Records a failed item: counted, listed (up to the cap) and logged as a WARN line as it happens. */
    public void fail(String path, String error) {
        filesFailed.increment();
        // Logged as it happens, like rsync's errors, so a long run's failures show before the summary;
        // when one cause fails everything (EROFS, ENOSPC on every file), only its first few.
        if (repeats.first(error)) {
            LOG.warn("{}: {}", path, error);
        }
        list(path, error);
    }

    /**
     * Logs, once the pass is over, how many failures of each reason were counted and not
     * logged one by one: "2997 more failed: openat: EROFS (Read-only file system)".
     */
    public void logRepeats() {
        repeats.unlogged().forEach((reason, n) -> LOG.warn("{} more failed: {}", n, reason));
    }

    /**
     * Records a difference found by verify. It is what verify reports, so it appears once, in the
     * summary (and --json); the log has it at INFO (-v, a log file, Elasticsearch), not as a WARN too.
     */
    public void differ(String path, String what) {
        differences.increment();
        LOG.info("{}: {}", path, what);
        list(path, what);
    }

    /**
     * Records that a verify range of a big file found source and target to differ from byte
     * {@code at} on: not a difference yet (the file's finish reports one per file, naming the
     * first such byte of all its ranges), so neither counted nor listed here.
     */
    public void rangeDiffers(long at) {
        differsAt.accumulateAndGet(at, (a, b) -> a < 0 ? b : Math.min(a, b));
    }

    /** What {@link #rangeDiffers} recorded: the first differing byte, or -1. */
    public long differsAt() {
        return differsAt.get();
    }

    /** Records a name copy left alone: the target has a non-empty directory where the source has no directory. */
    public void notReplaced(String path) {
        notReplaced.increment();
        LOG.info("{}: {}", path, JobSummary.NOT_REPLACED);
        list(path, JobSummary.NOT_REPLACED);
    }

    /** Records a source entry that was listed and then was gone when its turn came. */
    public void vanished(String path) {
        filesVanished.increment();
        LOG.info("{}: vanished from the source since it was listed", path);
    }

    private void list(String path, String error) {
        if (listed.incrementAndGet() <= MAX_LISTED_FAILURES) {
            failures.add(new Failure(path, error));
        }
    }

    public List<Failure> failures() {
        List<Failure> out = new ArrayList<>(failures);
        out.sort(Comparator.comparing(Failure::path).thenComparing(Failure::error));
        return out;
    }

    /** Bytes for progress: what is written so far, or, in a dry run (which writes nothing), what would be. */
    public long bytesSoFar() {
        return Math.max(bytes.sum(), written.sum());
    }

    /** Failures, differences and what a guard left undone, for the progress line. */
    public long problems() {
        return filesFailed.sum() + differences.sum() + notReplaced.sum() + removalsSkipped.sum();
    }
}

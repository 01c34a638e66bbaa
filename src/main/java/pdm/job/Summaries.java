package pdm.job;

import java.util.ArrayList;
import java.util.List;

/** Sums the summaries of sync's passes into one. */
public final class Summaries {
    private Summaries() {
    }

    public static JobSummary combine(String action, List<JobSummary> parts) {
        JobSummary first = parts.get(0);
        long copied = 0, skipped = 0, removed = 0, failed = 0, meta = 0, dirs = 0, created = 0, bytes = 0, diffs = 0;
        double seconds = 0;
        List<Failure> failures = new ArrayList<>();
        for (JobSummary s : parts) {
            copied += s.filesCopied();
            skipped += s.filesSkipped();
            removed += s.filesRemoved();
            failed += s.filesFailed();
            meta += s.metaFixed();
            dirs = Math.max(dirs, s.dirs());
            created += s.dirsCreated();
            bytes += s.bytes();
            diffs += s.differences();
            seconds += s.seconds();
            for (Failure f : s.failures()) {
                failures.add(new Failure(f.path(), s.action() + ": " + f.error()));
            }
        }
        return new JobSummary(first.job(), action, first.source(), first.target(), first.path(), first.dryRun(),
                copied, skipped, removed, failed, meta, dirs, created, bytes, diffs, seconds, failures);
    }
}

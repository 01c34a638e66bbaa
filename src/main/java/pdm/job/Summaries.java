package pdm.job;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Sums the summaries of sync's passes into one. */
public final class Summaries {
    private Summaries() {
    }

    /** The summary as every pass command ends, embedded or --wait: one JSON object or the paragraph. */
    public static void print(JobSummary summary, boolean json, PrintStream out) {
        print(summary, json, out, 0, true);
    }

    /**
     * The summary as {@link #print(JobSummary, boolean, PrintStream)} prints it, or, with a
     * {@code width}, in lines of at most that many columns for a terminal; {@code listFailures}
     * false when the terminal has shown each failure already ({@link JobSummary#text}).
     */
    public static void print(JobSummary summary, boolean json, PrintStream out, int width, boolean listFailures) {
        if (json) {
            out.println(SummaryJson.of(summary)); // (not Jackson's ObjectMapper: see SummaryJson)
        } else {
            out.println(summary.text(width, listFailures));
        }
        out.flush();
    }

    public static JobSummary combine(String action, List<JobSummary> parts) {
        JobSummary first = parts.get(0);
        Counters sum = null;
        double seconds = 0;
        boolean interrupted = false;
        List<Failure> failures = new ArrayList<>();
        for (JobSummary s : parts) {
            sum = sum == null ? s.counters() : sum.andThen(s.counters());
            seconds += s.seconds();
            interrupted |= s.interrupted();
            for (Failure f : s.failures()) {
                failures.add(new Failure(f.path(), s.action() + ": " + f.error()));
            }
        }
        return new JobSummary(first.job(), action, first.source(), first.target(), first.path(), first.dryRun(),
                sum, seconds, interrupted, failures);
    }
}

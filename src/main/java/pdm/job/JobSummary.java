package pdm.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Locale;

/** What a finished pass (or sync, summed over its passes) did: printed as a paragraph or as --json. */
@JsonPropertyOrder({"job", "action", "source", "target", "path", "dry_run", "files_copied", "files_skipped",
        "files_removed", "files_failed", "meta_fixed", "dirs", "dirs_created", "bytes", "differences", "seconds",
        "failures"})
public record JobSummary(
        String job,
        String action,
        String source,
        String target,
        String path,
        @JsonProperty("dry_run") boolean dryRun,
        @JsonProperty("files_copied") long filesCopied,
        @JsonProperty("files_skipped") long filesSkipped,
        @JsonProperty("files_removed") long filesRemoved,
        @JsonProperty("files_failed") long filesFailed,
        @JsonProperty("meta_fixed") long metaFixed,
        long dirs,
        @JsonProperty("dirs_created") long dirsCreated,
        long bytes,
        long differences,
        double seconds,
        List<Failure> failures) {

    /** How many failures the paragraph lists before it refers to the log. */
    static final int PARAGRAPH_FAILURES = 1000;

    public static JobSummary of(String job, String action, String source, String target, String path,
                                boolean dryRun, JobStats s, double seconds) {
        return new JobSummary(job, action, source, target, path, dryRun, s.filesCopied.sum(), s.filesSkipped.sum(),
                s.filesRemoved.sum(), s.filesFailed.sum(), s.metaFixed.sum(), s.dirs.sum(), s.dirsCreated.sum(),
                s.bytes.sum(), s.differences.sum(), seconds, s.failures());
    }

    /** Exit code of SPEC.md: 0 all done, 1 done but some items failed or differ. */
    public int exitCode() {
        return filesFailed > 0 || differences > 0 ? 1 : 0;
    }

    /** The one-paragraph summary for people. */
    public String paragraph() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "pdm %s%s %s -> %s %s: ", action, dryRun ? " (dry run)" : "",
                source, target, path));
        b.append(String.format(Locale.ROOT,
                "%d files copied, %d skipped (up to date), %d removed, %d metadata fixed, %d failed; "
                        + "%d dirs (%d created); %s in %.1f s (%s/s, %.0f files/s).",
                filesCopied, filesSkipped, filesRemoved, metaFixed, filesFailed, dirs, dirsCreated, Sizes.bytes(bytes),
                seconds, Sizes.bytes(seconds > 0 ? (long) (bytes / seconds) : 0),
                seconds > 0 ? (filesCopied + filesSkipped + filesRemoved) / seconds : 0.0));
        if (differences > 0) {
            b.append(String.format(Locale.ROOT, " %d differences.", differences));
        }
        failures.stream().limit(PARAGRAPH_FAILURES).forEach(f ->
                b.append(System.lineSeparator()).append("  ").append(f.path()).append(": ").append(f.error()));
        long more = filesFailed + differences - Math.min(failures.size(), PARAGRAPH_FAILURES);
        if (more > 0) {
            b.append(System.lineSeparator()).append("  ... and ").append(more)
                    .append(" more (all are in the log; --json lists up to ").append(JobStats.MAX_LISTED_FAILURES).append(")");
        }
        return b.toString();
    }
}

package pdm.job;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The numbers of a task, a pass or a job, as they travel in done events and add up in the tracker. */
public record Counters(
        @JsonProperty("files_copied") long filesCopied,
        @JsonProperty("files_skipped") long filesSkipped,
        @JsonProperty("files_removed") long filesRemoved,
        @JsonProperty("files_failed") long filesFailed,
        @JsonProperty("meta_fixed") long metaFixed,
        long dirs,
        @JsonProperty("dirs_created") long dirsCreated,
        long bytes,
        long differences) {

    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public static Counters of(JobStats s) {
        return new Counters(s.filesCopied.sum(), s.filesSkipped.sum(), s.filesRemoved.sum(), s.filesFailed.sum(),
                s.metaFixed.sum(), s.dirs.sum(), s.dirsCreated.sum(), s.bytes.sum(), s.differences.sum());
    }

    public Counters plus(Counters o) {
        return new Counters(filesCopied + o.filesCopied, filesSkipped + o.filesSkipped, filesRemoved + o.filesRemoved,
                filesFailed + o.filesFailed, metaFixed + o.metaFixed, dirs + o.dirs, dirsCreated + o.dirsCreated,
                bytes + o.bytes, differences + o.differences);
    }

    /** Entries a pass has dealt with, for progress and rates. */
    public long files() {
        return filesCopied + filesSkipped + filesRemoved + filesFailed + metaFixed;
    }

    public JobSummary summary(String job, String action, String source, String target, String path, boolean dryRun,
                              double seconds, java.util.List<Failure> failures) {
        return new JobSummary(job, action, source, target, path, dryRun, filesCopied, filesSkipped, filesRemoved,
                filesFailed, metaFixed, dirs, dirsCreated, bytes, differences, seconds, failures);
    }
}

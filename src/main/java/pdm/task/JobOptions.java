package pdm.task;

/**
 * Options of one job.
 *
 * @param dryRun   report what would change, change nothing
 * @param checksum copy: compare content instead of size and mtime
 * @param singleFile the job PATH names one file, not a directory tree
 */
public record JobOptions(boolean dryRun, boolean checksum, boolean singleFile) {
    public static final JobOptions DEFAULT = new JobOptions(false, false, false);
}

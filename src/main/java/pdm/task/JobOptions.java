package pdm.task;

/**
 * Options of one job.
 *
 * @param dryRun   report what would change, change nothing
 * @param checksum copy: compare content instead of size and mtime
 * @param singleFile the job PATH names one file, not a directory tree
 * @param fsync    flush each file's data to disk before it is renamed into place
 */
public record JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync) {
    public static final JobOptions DEFAULT = new JobOptions(false, false, false, false);
}

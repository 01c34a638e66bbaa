package pdm.job;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The numbers of a task, a pass or a job, as they travel in done events and add up in the tracker.
 *
 * @param notReplaced     names copy left alone because the target has a non-empty directory there
 *                        (only sync or delete may remove what is below it)
 * @param filesVanished   source entries gone between the listing and their copy: normal on a live
 *                        filesystem, not a failure
 * @param ownersNotKept   entries whose owner or group could not be given to the target (not root)
 * @param removalsSkipped removals left undone because the pass reached --max-delete
 * @param attrsNotKept    xattrs (ACLs included) of source entries the copy left out: dropped by
 *                        --xattrs/--no-acls, or trusted.* and security.* when not running as root
 * @param unlocked        target entries whose immutable or append-only flag the copy cleared to update
 *                        them, and set again after
 * @param dirsDiffer      directories verify found to differ (counted in differences too), so that
 *                        verify can say files and directories apart
 * @param bytesWritten    data bytes written (a sparse file's holes left out), what a byte rate means;
 *                        {@code bytes} counts the copied files' sizes
 */
// A counter a newer worker adds must not make an older tracker or client skip the whole done
// event: the job would then never finish. Unknown counters are left out of the sum instead.
@JsonIgnoreProperties(ignoreUnknown = true)
public record Counters(
        @JsonProperty("files_copied") long filesCopied,
        @JsonProperty("files_skipped") long filesSkipped,
        @JsonProperty("files_removed") long filesRemoved,
        @JsonProperty("files_failed") long filesFailed,
        @JsonProperty("meta_fixed") long metaFixed,
        long dirs,
        @JsonProperty("dirs_created") long dirsCreated,
        long bytes,
        long differences,
        @JsonProperty("not_replaced") long notReplaced,
        @JsonProperty("files_vanished") long filesVanished,
        @JsonProperty("owners_not_kept") long ownersNotKept,
        @JsonProperty("removals_skipped") long removalsSkipped,
        @JsonProperty("attrs_not_kept") long attrsNotKept,
        @JsonProperty("unlocked") long unlocked,
        @JsonProperty("dirs_differ") long dirsDiffer,
        @JsonProperty("bytes_written") long bytesWritten) {

    public static final Counters ZERO = new Counters(0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The counters every pass has had since the first release; the safety counters at zero. */
    public Counters(long filesCopied, long filesSkipped, long filesRemoved, long filesFailed, long metaFixed, long dirs,
                    long dirsCreated, long bytes, long differences) {
        this(filesCopied, filesSkipped, filesRemoved, filesFailed, metaFixed, dirs, dirsCreated, bytes, differences,
                0, 0, 0, 0, 0, 0, 0, bytes);
    }

    public static Counters of(JobStats s) {
        return new Counters(s.filesCopied.sum(), s.filesSkipped.sum(), s.filesRemoved.sum(), s.filesFailed.sum(),
                s.metaFixed.sum(), s.dirs.sum(), s.dirsCreated.sum(), s.bytes.sum(), s.differences.sum(),
                s.notReplaced.sum(), s.filesVanished.sum(), s.ownersNotKept.sum(), s.removalsSkipped.sum(),
                s.attrsNotKept.sum(), s.unlocked.sum(), s.dirsDiffer.sum(), s.bytesWritten.sum());
    }

    /**
     * The counters of a running pass or task for progress (line, metrics, heartbeats, and so a
     * distributed job's --wait and status): its bytes are those written so far
     * ({@link JobStats#bytesSoFar}), and its data bytes, which the byte rate divides, those
     * written so far too, so both move with a file's data as it is written instead of jumping
     * when the file is placed. Summaries and done events keep {@link #of}: the bytes of files in place.
     */
    public static Counters live(JobStats s) {
        Counters c = of(s);
        return new Counters(c.filesCopied, c.filesSkipped, c.filesRemoved, c.filesFailed, c.metaFixed, c.dirs,
                c.dirsCreated, s.bytesSoFar(), c.differences, c.notReplaced, c.filesVanished, c.ownersNotKept,
                c.removalsSkipped, c.attrsNotKept, c.unlocked, c.dirsDiffer, Math.max(c.bytesWritten, s.written.sum()));
    }

    public Counters plus(Counters o) {
        return new Counters(filesCopied + o.filesCopied, filesSkipped + o.filesSkipped, filesRemoved + o.filesRemoved,
                filesFailed + o.filesFailed, metaFixed + o.metaFixed, dirs + o.dirs, dirsCreated + o.dirsCreated,
                bytes + o.bytes, differences + o.differences, notReplaced + o.notReplaced,
                filesVanished + o.filesVanished, ownersNotKept + o.ownersNotKept, removalsSkipped + o.removalsSkipped,
                attrsNotKept + o.attrsNotKept, unlocked + o.unlocked, dirsDiffer + o.dirsDiffer,
                bytesWritten + o.bytesWritten);
    }

    /** The passes of one sync: everything adds up except dirs, which each pass walks again. */
    Counters andThen(Counters next) {
        Counters sum = plus(next);
        return new Counters(sum.filesCopied, sum.filesSkipped, sum.filesRemoved, sum.filesFailed, sum.metaFixed,
                Math.max(dirs, next.dirs), sum.dirsCreated, sum.bytes, sum.differences, sum.notReplaced,
                sum.filesVanished, sum.ownersNotKept, sum.removalsSkipped, sum.attrsNotKept, sum.unlocked,
                sum.dirsDiffer, sum.bytesWritten);
    }

    /** Entries a pass has dealt with, for progress and rates. */
    public long files() {
        return filesCopied + filesSkipped + filesRemoved + filesFailed + metaFixed + notReplaced + filesVanished;
    }

    /** What makes a pass end with exit 1: failures, differences, and what a guard left undone. */
    public long problems() {
        return filesFailed + differences + notReplaced + removalsSkipped;
    }

    public JobSummary summary(String job, String action, String source, String target, String path, boolean dryRun,
                              double seconds, List<Failure> failures) {
        return new JobSummary(job, action, source, target, path, dryRun, this, seconds, false, failures);
    }
}

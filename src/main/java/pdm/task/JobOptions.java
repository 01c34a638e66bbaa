package pdm.task;

import java.util.List;
import pdm.config.Split;
import pdm.fs.AttrPolicy;

/**
 * Options of one job.
 *
 * @param dryRun           report what would change, change nothing
 * @param checksum         copy: compare content instead of size and mtime
 * @param singleFile       the job PATH names one file, not a directory tree
 * @param fsync            flush each file's data to disk before it is renamed into place
 * @param deleting         the user asked for deletion (sync, delete): only then may copy remove a
 *                         non-empty target directory that stands where the source has no directory,
 *                         and only then does the empty-source guard apply
 * @param allowEmptySource let delete and sync run although the source PATH is empty and the target's is not
 * @param maxDelete        at most this many entries removed by the job, or null for no cap
 * @param excludes         --exclude and --exclude-from patterns, each held one byte per char
 *                         (ISO-8859-1) so a non-UTF-8 pattern keeps its exact bytes; see engine.Glob
 * @param deleteExcluded   delete and sync also remove what the patterns exclude from the target
 * @param attrs            which xattrs, ACLs, flags and project IDs copy keeps and verify compares
 *                         (--xattrs, --no-acls, --no-flags, the target's xattrs key)
 * @param split            which files are copied and verified as ranges, and how long a range is
 *                         (--split-size, --chunk-size, config.toml's split_size and chunk_size)
 * @param changes          walk only what the change journal says changed since the last complete pass
 *                         of this kind ({@code --changes}, docs/change-journal.md)
 */
public record JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync, boolean deleting,
                         boolean allowEmptySource, Long maxDelete, List<String> excludes, boolean deleteExcluded,
                         AttrPolicy attrs, Split split, boolean changes) {
    public static final JobOptions DEFAULT = new JobOptions(false, false, false, false, false, false, null);

    public JobOptions {
        if (maxDelete != null && maxDelete < 0) {
            throw new IllegalArgumentException("maxDelete must be 0 or more, not " + maxDelete);
        }
        // (null: a job event written before excludes existed, read back by Jackson)
        excludes = excludes == null ? List.of() : List.copyOf(excludes);
        attrs = attrs == null ? AttrPolicy.ALL : attrs; // (null: an event written before attrs existed)
        split = split == null ? Split.DEFAULT : split; // (null: an event written before split existed)
    }

    public JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync, boolean deleting,
                      boolean allowEmptySource, Long maxDelete, List<String> excludes, boolean deleteExcluded,
                      AttrPolicy attrs, Split split) {
        this(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, excludes, deleteExcluded,
                attrs, split, false);
    }

    public JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync, boolean deleting,
                      boolean allowEmptySource, Long maxDelete, List<String> excludes, boolean deleteExcluded,
                      AttrPolicy attrs) {
        this(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, excludes, deleteExcluded,
                attrs, Split.DEFAULT);
    }

    public JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync, boolean deleting,
                      boolean allowEmptySource, Long maxDelete, List<String> excludes, boolean deleteExcluded) {
        this(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, excludes, deleteExcluded,
                AttrPolicy.ALL);
    }

    public JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync, boolean deleting,
                      boolean allowEmptySource, Long maxDelete) {
        this(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, List.of(), false);
    }

    public JobOptions(boolean dryRun, boolean checksum, boolean singleFile, boolean fsync) {
        this(dryRun, checksum, singleFile, fsync, false, false, null);
    }

    /** The same options with these exclude patterns. */
    public JobOptions withExcludes(List<String> patterns, boolean deleteThem) {
        return new JobOptions(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, patterns,
                deleteThem, attrs, split, changes);
    }

    /** The same options with this attribute policy. */
    public JobOptions withAttrs(AttrPolicy policy) {
        return new JobOptions(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, excludes,
                deleteExcluded, policy, split, changes);
    }

    /** The same options with this way of cutting big files. */
    public JobOptions withSplit(Split cut) {
        return new JobOptions(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, excludes,
                deleteExcluded, attrs, cut, changes);
    }

    /** The same options, the pass walking by the change journal ({@code --changes}) or not. */
    public JobOptions withChanges(boolean byJournal) {
        return new JobOptions(dryRun, checksum, singleFile, fsync, deleting, allowEmptySource, maxDelete, excludes,
                deleteExcluded, attrs, split, byJournal);
    }
}

package pdm.engine;

import java.nio.file.Path;
import pdm.config.DataSource;
import pdm.fs.FsRoot;
import pdm.task.Pass;
import pdm.task.JobOptions;

/**
 * One pass to run: which, from where to where, below which PATH.
 *
 * @param path      the job PATH below both roots (a file with {@code options.singleFile()})
 * @param placement how the target places new data (Lustre's layouts), {@link Placement#POSIX} for plain targets
 * @param excludes  what the job leaves out (--exclude, skip_paths)
 */
public record JobSpec(String id, Pass pass, FsRoot src, FsRoot tgt, Path path, JobOptions options,
                      SkipFilter filter, Placement placement, ExcludeFilter excludes) {

    /** A job onto a plain POSIX target, excluding nothing. */
    public JobSpec(String id, Pass pass, FsRoot src, FsRoot tgt, Path path, JobOptions options, SkipFilter filter) {
        this(id, pass, src, tgt, path, options, filter, Placement.POSIX, ExcludeFilter.NONE);
    }

    /** The directory the job walks: its PATH, or PATH's parent for --file. */
    public Path walkRoot() {
        return walkRoot(path, options);
    }

    /** The directory a job below {@code path} walks: {@code path}, or its parent for --file. */
    public static Path walkRoot(Path path, JobOptions options) {
        return options.singleFile() ? Preflight.parentOf(path) : path;
    }

    /** The placement for a job from {@code src} to {@code tgt} below {@code path}: Lustre's for a lustre target. */
    public static Placement placementOf(DataSource src, DataSource tgt, Path path, JobOptions options) {
        return LustrePlacement.of(src, tgt, walkRoot(path, options));
    }

    public JobSpec withPass(Pass p) {
        return new JobSpec(id, p, src, tgt, path, options, filter, placement, excludes);
    }
}

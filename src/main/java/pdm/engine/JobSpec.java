package pdm.engine;

import java.nio.file.Path;
import pdm.fs.FsRoot;
import pdm.task.Action;
import pdm.task.JobOptions;

/**
 * One pass to run: what, from where to where, below which PATH.
 *
 * @param path the job PATH below both roots (a file with {@code options.singleFile()})
 */
public record JobSpec(String id, Action action, FsRoot src, FsRoot tgt, Path path, JobOptions options,
                      SkipFilter filter, ExcludeFilter excludes) {

    public JobSpec withAction(Action a) {
        return new JobSpec(id, a, src, tgt, path, options, filter, excludes);
    }
}

package pdm.engine;

import java.nio.file.Files;
import java.util.List;
import pdm.config.DataSource;
import pdm.lustre.LustreTarget;
import pdm.task.Pass;

/**
 * The start checks a client can make before it submits a distributed job, where it sees the
 * filesystems itself: a refusal then comes at once, from the command that was typed, rather than
 * from the worker that takes the job's first task (which checks again, as it must: it is the node
 * that writes). A filesystem whose path is no directory here is left to the workers: a client
 * needs only the config and the broker.
 */
public final class SubmitCheck {
    private SubmitCheck() {
    }

    /** Refuses (exit 2, nothing submitted) what the workers' preflight would refuse for these reasons. */
    public static void fromClient(DataSource src, DataSource tgt, List<Pass> passes) {
        for (DataSource ds : List.of(src, tgt)) {
            if (Files.isDirectory(ds.path())) {
                // (an empty mount point is a directory too: that is the case this catches)
                Preflight.requireMounted(ds, " on this node");
            }
        }
        boolean checksPlacement = passes.contains(Pass.COPY) || passes.contains(Pass.VERIFY);
        if (checksPlacement && tgt.isLustre() && Files.isDirectory(tgt.path())) {
            LustrePlacement.check(new LustreTarget(tgt.lustre()), src, tgt);
        }
    }
}

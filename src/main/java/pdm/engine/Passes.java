package pdm.engine;

import java.util.function.Supplier;
import pdm.task.Pass;

/**
 * The one switch from a pass's name to its strategy, for embedded and distributed mode alike.
 * Everything else asks the pass's traits ({@link Pass#writesTarget()} and the rest); adding a
 * pass is the list in {@link Pass}'s comment.
 */
final class Passes {
    private Passes() {
    }

    /**
     * @param links   the job's hard-link leaders, asked for by the passes that keep hard links
     * @param recheck see {@link CopyPass#CopyPass}: distributed tasks may run twice and must look
     *                at the target again before acting
     */
    static PassStrategy of(Pass pass, PassContext ctx, Supplier<HardLinks> links, boolean recheck) {
        return switch (pass) {
            case COPY -> new CopyPass(ctx, links.get(), recheck);
            case DELETE -> new DeletePass(ctx);
            case DIRTIMES -> new DirtimesPass(ctx);
            case VERIFY -> new VerifyPass(ctx);
        };
    }
}

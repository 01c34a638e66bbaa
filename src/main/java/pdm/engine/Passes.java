package pdm.engine;

import pdm.task.Action;

/** The one switch from an action to its pass, for embedded and distributed mode alike. */
final class Passes {
    private Passes() {
    }

    /**
     * @param recheck see {@link CopyPass#CopyPass}: distributed tasks may run twice and must look
     *                at the target again before acting
     */
    static Pass of(Action action, PassContext ctx, HardLinks links, boolean recheck) {
        return switch (action) {
            case COPY -> new CopyPass(ctx, links, recheck);
            case DELETE -> new DeletePass(ctx);
            case DIRTIMES -> new DirtimesPass(ctx);
            case VERIFY -> new VerifyPass(ctx);
        };
    }
}

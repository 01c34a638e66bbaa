package pdm.engine;

/**
 * A request to stop a pass early (SIGINT, SIGTERM): no new entry is started, the ones in
 * flight finish or are undone, and the summary says the pass is incomplete.
 */
public final class Interrupt {
    /** Never requested: for a distributed task, whose worker has its own graceful stop. */
    public static final Interrupt NEVER = new Interrupt();

    private volatile boolean requested;

    public void request() {
        if (this != NEVER) {
            requested = true;
        }
    }

    public boolean requested() {
        return requested;
    }
}

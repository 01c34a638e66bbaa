package pdm.cluster;

/**
 * Tells when a started job waits for tasks that nothing holds any more: tasks still pending in its
 * fold, none of them running on any worker (heartbeats), no message ready in any queue of its
 * pair, and no task done, all of it for {@link #afterMs} on end. Then they were likely lost (a
 * queue purged or deleted, a policy that dropped messages), and the job would wait forever. A
 * worker that holds a task unacked without a heartbeat (stopped, or its node gone) loses its
 * connection to the broker's heartbeat timeout well within the default, which gives the task
 * back; a task a worker took ahead (prefetch) behind another job's long task is the one case it
 * cannot tell apart, so the verdict is a notice.
 */
final class LostTasks {
    /** The default wait before the verdict: five minutes. */
    static final long AFTER_MS = 5 * 60_000L;

    private final long afterMs;
    private long since = -1;
    private boolean seenRunning;
    private long doneThen = -1;

    LostTasks(long afterMs) {
        this.afterMs = afterMs;
    }

    /** The wait, in words ("5 min"). */
    String waited() {
        return afterMs >= 60_000 ? afterMs / 60_000 + " min" : afterMs / 1000 + " s";
    }

    /**
     * Whether the job runs: a task of it done, or a worker seen running one since the wait began
     * (remembered: a worker that dies takes its heartbeats with it).
     */
    boolean started(boolean doneOne, boolean running) {
        seenRunning |= running;
        return doneOne || seenRunning;
    }

    /**
     * One look, at {@code nowMs}: whether the tasks are lost by now.
     *
     * @param started   the job runs ({@link #started})
     * @param pending   its tasks not yet done
     * @param tasksDone its tasks done so far
     * @param running   whether any worker reports a task of it running
     * @param ready     messages ready in its pair's queues (any job's)
     */
    boolean lost(long nowMs, boolean started, int pending, long tasksDone, boolean running, long ready) {
        boolean heldNowhere = started && pending > 0 && !running && ready == 0;
        if (!heldNowhere) {
            since = -1;
            return false;
        }
        if (since < 0 || tasksDone != doneThen) {
            since = nowMs;
            doneThen = tasksDone;
        }
        return nowMs - since >= afterMs;
    }
}

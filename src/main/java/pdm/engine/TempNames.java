package pdm.engine;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import pdm.task.TaskIds;
import pdm.task.WirePaths;

/**
 * Names for data being written. Short (a 255-byte name must still fit), unique per
 * process, and recognisable: a crash leaves only {@code .pdm-tmp-*} files, never a
 * truncated file under a real name, and the next copy or delete pass removes them.
 */
final class TempNames {
    static final String PREFIX = ".pdm-tmp-";
    private static final String PID = Long.toString(ProcessHandle.current().pid(), 36);
    private static final AtomicLong NEXT = new AtomicLong();
    /**
     * In distributed mode, the id of the task this thread runs: its temp names carry it, so a
     * redelivery of the task (its first worker died) can find and remove what that one left.
     */
    private static final ThreadLocal<String> TASK = new ThreadLocal<>();

    private TempNames() {
    }

    /** A name pdm writes data under (and that a crashed run may have left behind). */
    static boolean isTemp(Path name) {
        return name.toString().startsWith(PREFIX);
    }

    static Path next() {
        String task = TASK.get();
        return Path.of(PREFIX + (task == null ? "" : task + "-") + PID + "-" + Long.toString(NEXT.incrementAndGet(), 36));
    }

    /**
     * A new temp file for a big file that the running task cuts into ranges for any worker:
     * {@link #splitPrefix} and a random part, so a temp file made anew (the first one was removed
     * meanwhile) never has the name, nor the range ids (derived from the name), of one that ranges
     * were written into before. A re-run of the task looks for an existing one by the prefix.
     */
    static Path split(Path name) {
        return Path.of(splitPrefix(name) + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong()));
    }

    /**
     * How the temp names of the running task's big file {@code name} begin (unlike
     * {@link #next()}'s: "." is no base-36 digit).
     */
    static String splitPrefix(Path name) {
        String task = TASK.get();
        if (task == null) {
            throw new IllegalStateException("a file is cut into ranges for other workers only by a task");
        }
        return splitPrefixOf(task) + TaskIds.hashOf(WirePaths.encode(name)) + ".";
    }

    /** The prefix of the temp names of {@link #split}. */
    static String splitPrefixOf(String taskId) {
        return prefixOf(taskId) + "r.";
    }

    /** The prefix of every temp name a run of task {@code taskId} makes. */
    static String prefixOf(String taskId) {
        return PREFIX + taskId + "-";
    }

    static void runningTask(String taskId) {
        if (taskId == null) {
            TASK.remove();
        } else {
            TASK.set(taskId);
        }
    }
}

package pdm.cluster;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.RangeTask;
import pdm.task.TaskMessage;

/**
 * Puts the tasks that the tasks of one delivery make into few messages (the broker's work is
 * per message, not per task): file tasks per queue until a message holds {@code files_per_task}
 * entries, so one message carries the files of many small directories. Directory tasks are
 * gathered: the delivery may {@link #takeDir() take} them to walk them itself (see
 * {@link TaskDelivery}), and sends the rest when it is done, in up to {@link #DIR_SPLIT} messages
 * (the walk must still fan out over the consumers of every worker) of at most {@link #MAX_DIRS}
 * directories. Each message goes through the delivery's outbox, whose await() confirms them all
 * before the done events that announce their tasks. Not thread-safe: one per delivery, on its
 * consumer thread.
 */
final class ChildBatches {
    /** The directories left when a delivery is done go out in this many messages (when there are as many). */
    static final int DIR_SPLIT = 4;
    /** At most this many directories in one message: one consumer lists them one after the other. */
    static final int MAX_DIRS = 64;

    private final TaskDelivery.Outbox outbox;
    private final int entriesPerMessage;
    private final Map<String, List<TaskMessage>> files = new LinkedHashMap<>();
    private final Map<String, Integer> entries = new LinkedHashMap<>();
    private final Deque<TaskMessage> dirs = new ArrayDeque<>();
    private int messages;
    private long gathered;

    ChildBatches(TaskDelivery.Outbox outbox, int entriesPerMessage) {
        this.outbox = outbox;
        this.entriesPerMessage = Math.max(1, entriesPerMessage);
    }

    void add(TaskMessage m) throws IOException {
        gathered += m.task() instanceof FileTask f ? f.items().size() : 1;
        if (m.task() instanceof DirTask) {
            dirs.add(m);
            if (dirs.size() >= DIR_SPLIT * MAX_DIRS) {
                sendDirs();
            }
            return;
        }
        if (m.task() instanceof RangeTask) {
            send(List.of(m)); // (one range per message: each goes to whichever worker is free)
            return;
        }
        String queue = Publisher.routingKey(m);
        files.computeIfAbsent(queue, q -> new ArrayList<>()).add(m);
        int n = entries.merge(queue, m.task() instanceof FileTask f ? f.items().size() : 1, Integer::sum);
        if (n >= entriesPerMessage) {
            send(files.remove(queue));
            entries.remove(queue);
        }
    }

    /** Sends what is still gathered; the outbox's await() then confirms every message. */
    void flush() throws IOException {
        sendDirs(); // first: the walk goes on while the files are sent
        for (List<TaskMessage> batch : files.values()) {
            send(batch);
        }
        files.clear();
        entries.clear();
    }

    /** The oldest directory task gathered and not sent (breadth first), taken to be walked here; null if none. */
    TaskMessage takeDir() {
        return dirs.pollFirst();
    }

    /** Entries of the tasks gathered so far: the items of file tasks, one per other task. */
    long gathered() {
        return gathered;
    }

    /** Messages sent so far. */
    int messages() {
        return messages;
    }

    private void sendDirs() throws IOException {
        List<TaskMessage> all = new ArrayList<>(dirs);
        int per = Math.clamp((all.size() + DIR_SPLIT - 1) / DIR_SPLIT, 1, MAX_DIRS);
        for (int i = 0; i < all.size(); i += per) {
            send(all.subList(i, Math.min(all.size(), i + per)));
        }
        dirs.clear();
    }

    private void send(List<TaskMessage> batch) throws IOException {
        outbox.tasks(List.copyOf(batch));
        messages++;
    }
}

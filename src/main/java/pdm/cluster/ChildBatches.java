package pdm.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.TaskMessage;

/**
 * Puts the tasks that the tasks of one delivery make into few messages (the broker's work is
 * per message, not per task): file tasks per queue until a message holds {@code files_per_task}
 * entries, so one message carries the files of many small directories; directory tasks when
 * the delivery is done, in at least {@link #DIR_SPLIT} messages (the walk must still fan out
 * over the consumers of every worker) of at most {@link #MAX_DIRS} directories. Each message
 * goes through the delivery's outbox, whose await() confirms them all before the done events
 * that announce their tasks. Not thread-safe: one per delivery, on its consumer thread.
 */
final class ChildBatches {
    /** A message of directories is split in this many when it has as many directories. */
    static final int DIR_SPLIT = 4;
    /** At most this many directories in one message: one consumer lists them one after the other. */
    static final int MAX_DIRS = 64;

    private final TaskDelivery.Outbox outbox;
    private final int entriesPerMessage;
    private final Map<String, List<TaskMessage>> files = new LinkedHashMap<>();
    private final Map<String, Integer> entries = new LinkedHashMap<>();
    private final List<TaskMessage> dirs = new ArrayList<>();
    private int messages;

    ChildBatches(TaskDelivery.Outbox outbox, int entriesPerMessage) {
        this.outbox = outbox;
        this.entriesPerMessage = Math.max(1, entriesPerMessage);
    }

    void add(TaskMessage m) throws IOException {
        if (m.task() instanceof DirTask) {
            dirs.add(m);
            if (dirs.size() >= DIR_SPLIT * MAX_DIRS) {
                sendDirs();
            }
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

    /** Messages sent so far. */
    int messages() {
        return messages;
    }

    private void sendDirs() throws IOException {
        int per = Math.clamp((dirs.size() + DIR_SPLIT - 1) / DIR_SPLIT, 1, MAX_DIRS);
        for (int i = 0; i < dirs.size(); i += per) {
            send(dirs.subList(i, Math.min(dirs.size(), i + per)));
        }
        dirs.clear();
    }

    private void send(List<TaskMessage> batch) throws IOException {
        outbox.tasks(List.copyOf(batch));
        messages++;
    }
}

package pdm.cluster;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import pdm.engine.TaskSink;
import pdm.job.JobEvent;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.FinishTask;
import pdm.task.RangeTask;
import pdm.task.WirePaths;
import pdm.task.Task;
import pdm.task.TaskIds;
import pdm.task.TaskKind;
import pdm.task.TaskMessage;

/**
 * The engine's {@link TaskSink} for one task of a distributed job: names each task the walk
 * makes with its derived id (so a re-run makes the same ids), hands it to the delivery's
 * {@link ChildBatches} (sent in few messages, confirmed before the done event), and remembers
 * it for the done event that announces it. A publish that fails throws {@link TaskSink.PublishFailed}.
 */
final class ChildTasks implements TaskSink {
    private final TaskMessage parent;
    private final ChildBatches outbox;
    private final List<JobEvent.Child> children = new ArrayList<>();
    private final List<JobEvent.Split> splits = new ArrayList<>();
    private final int[] batches = new int[FileTask.LINK_SHARDS + 1];

    ChildTasks(TaskMessage parent, ChildBatches outbox) {
        this.parent = parent;
        this.outbox = outbox;
    }

    @Override
    public synchronized void publish(DirTask task) {
        String id = TaskIds.childDir(parent.taskId(), WirePaths.encode(task.rel().getFileName()));
        send(id, task);
        children.add(new JobEvent.Child(id, TaskKind.DIR, WirePaths.encode(task.rel())));
    }

    @Override
    public synchronized void publish(FileTask task) {
        int shard = task.linkShard();
        String id = TaskIds.childFiles(parent.taskId(), shard, batches[shard + 1]++);
        send(id, task);
        children.add(new JobEvent.Child(id, TaskKind.FILES, null));
    }

    @Override
    public boolean splitsAcrossWorkers() {
        return true;
    }

    /** Each range under an id derived from this task's, the file's name and its temp file's, so a re-run publishes the same ids. */
    @Override
    public synchronized void split(FinishTask finish, List<RangeTask> ranges) {
        String name = WirePaths.encode(finish.name());
        String temp = finish.temp() == null ? "" : WirePaths.encode(finish.temp()); // (verify: no temp file)
        String rel = WirePaths.encode(finish.dir().resolve(finish.name()));
        List<String> ids = new ArrayList<>(ranges.size());
        for (int i = 0; i < ranges.size(); i++) {
            String id = TaskIds.range(parent.taskId(), name, temp, i);
            send(id, ranges.get(i));
            children.add(new JobEvent.Child(id, TaskKind.RANGE, rel));
            ids.add(id);
        }
        splits.add(new JobEvent.Split(TaskIds.finish(parent.taskId(), name, temp), ids, finish));
    }

    /** The big files cut into ranges so far, for the done event (the tracker sends their finish tasks). */
    synchronized List<JobEvent.Split> splits() {
        return List.copyOf(splits);
    }

    private void send(String id, Task task) {
        try {
            outbox.add(new TaskMessage(parent.jobId(), id, parent.pass(), parent.src(), parent.tgt(),
                    parent.options(), parent.jobPath(), task));
        } catch (IOException e) {
            throw new TaskSink.PublishFailed(e);
        }
    }

    /** The children published so far, in order. */
    synchronized List<JobEvent.Child> children() {
        return List.copyOf(children);
    }
}

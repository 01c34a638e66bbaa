package pdm.job;

import java.util.ArrayList;
import java.util.List;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskKind;
import pdm.task.TaskMessage;

/**
 * How much memory job tracking needs: folds a job with one million tasks in flight (1000
 * directories announced, each of which announced 1000 file tasks, none done yet) and prints
 * the heap it holds, then finishes them all (and the metadata tasks they make due). Run by bench/fold-memory.sh.
 */
public final class FoldMemoryBench {
    private FoldMemoryBench() {
    }

    public static void main(String[] args) {
        int dirs = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int filesPerDir = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String job = "20261125-120000-mem0";
        long before = used();
        JobFold fold = new JobFold(false); // as the tracker holds it
        fold.apply(new JobEvent.Submitted(job, "copy", List.of(Pass.COPY), "a", "b", "a", "b", "", JobOptions.DEFAULT,
                0, "bench"));
        String root = TaskIds.root(job, 0);
        List<JobEvent.Child> top = new ArrayList<>();
        for (int d = 0; d < dirs; d++) {
            top.add(new JobEvent.Child(TaskIds.childDir(root, "dir-" + d), TaskKind.DIR, "some/typical/path/dir-" + d));
        }
        fold.apply(done(job, root, top));
        List<String> fileIds = new ArrayList<>();
        for (JobEvent.Child c : top) {
            List<JobEvent.Child> files = new ArrayList<>(filesPerDir);
            for (int f = 0; f < filesPerDir; f++) {
                String id = TaskIds.childFiles(c.id(), -1, f);
                files.add(new JobEvent.Child(id, TaskKind.FILES, null));
            }
            fold.apply(done(job, c.id(), files));
            files.forEach(x -> fileIds.add(x.id()));
        }
        long pending = fold.job(job).tasksPending();
        long idsHeld = used();
        long held = idsHeld - before - (long) fileIds.size() * 56; // minus this bench's own list of id strings
        System.out.printf("tasks in flight: %d; tracker heap: %.1f MB (%.0f bytes per task in flight)%n", pending,
                held / 1e6, (double) held / pending);
        for (String id : fileIds) {
            fold.apply(done(job, id, List.of()));
        }
        for (TaskMessage m : fold.job(job).toPublish()) { // the directories' metadata tasks
            fold.apply(done(job, m.taskId(), List.of()));
        }
        System.out.printf("after all done: state %s, %d tasks done, tasks in flight %d%n", fold.job(job).state(),
                fold.job(job).tasksDone(), fold.job(job).tasksPending());
    }

    private static JobEvent.Done done(String job, String id, List<JobEvent.Child> children) {
        return new JobEvent.Done(job, id, TaskKind.FILES, children, new Counters(1, 0, 0, 0, 0, 0, 0, 1, 0), List.of(), null,
                true, "n", 1);
    }

    private static long used() {
        Runtime r = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return r.totalMemory() - r.freeMemory();
    }
}

package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import pdm.task.Pass;
import pdm.task.DirMetaTask;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskMessage;
import pdm.task.TaskKind;

/**
 * The fold decides when a job is complete from done events that arrive in any order (a child
 * before its parent), some of them twice (redeliveries, re-run parents). It must say "done"
 * exactly when every task has finished, count each task once, and ask for a directory's
 * metadata task only once everything below the directory is done.
 */
class JobFoldTest {
    private static final String JOB = "20261125-120000-test";

    /** A generated task tree: each task's done event, and the tasks below each directory. */
    private static final class Tree {
        final Map<String, JobEvent.Done> done = new HashMap<>();
        final Map<String, Set<String>> below = new HashMap<>(); // dir id -> every task id in its subtree
        final Map<String, String> relOf = new HashMap<>();
        final Random rnd;
        int files;

        Tree(Random rnd) {
            this.rnd = rnd;
        }

        /** Builds the subtree of dir {@code id}; returns the ids in it (itself included). */
        Set<String> dir(String id, String rel, int depth) {
            List<JobEvent.Child> children = new ArrayList<>();
            Set<String> sub = new HashSet<>();
            sub.add(id);
            int nFiles = rnd.nextInt(3);
            for (int i = 0; i < nFiles; i++) {
                String f = TaskIds.childFiles(id, i % 2 == 0 ? -1 : 1, i);
                children.add(new JobEvent.Child(f, TaskKind.FILES, null));
                done.put(f, doneEvent(f, TaskKind.FILES, List.of(), 1 + rnd.nextInt(1000)));
                sub.add(f);
            }
            int nDirs = depth >= 4 ? 0 : rnd.nextInt(4);
            for (int i = 0; i < nDirs; i++) {
                String childRel = rel.isEmpty() ? "d" + i : rel + "/d" + i;
                String d = TaskIds.childDir(id, "d" + i);
                children.add(new JobEvent.Child(d, TaskKind.DIR, childRel));
                sub.addAll(dir(d, childRel, depth + 1));
            }
            done.put(id, doneEvent(id, TaskKind.DIR, children, 0));
            below.put(id, sub);
            relOf.put(id, rel);
            return sub;
        }

        JobEvent.Done doneEvent(String id, TaskKind kind, List<JobEvent.Child> children, int copied) {
            files += copied;
            return new JobEvent.Done(JOB, id, kind, children, new Counters(copied, 0, 0, 0, 0, TaskKind.DIR.equals(kind) ? 1 : 0,
                    0, copied * 10L, 0), List.of(), null, !TaskKind.DIR.equals(kind) || needsMeta(id), "node-" + rnd.nextInt(3),
                    1000 + done.size());
        }

        /** Some directories need no metadata task (nothing written into them, metadata current). */
        boolean needsMeta(String dirId) {
            return TaskIds.toLong(dirId) % 3 != 0;
        }
    }

    @Property(tries = 300)
    void completeExactlyWhenEveryTaskIsDoneWhateverTheOrderAndDuplicates(@ForAll long seed,
                                                                           @ForAll @IntRange(min = 0, max = 30) int dupPercent) {
        Random rnd = new Random(seed);
        Tree t = new Tree(rnd);
        String root = TaskIds.root(JOB, 0);
        t.dir(root, "", 0);
        JobFold fold = new JobFold();
        fold.apply(submitted(List.of(Pass.COPY)));
        JobFold.Job job = fold.job(JOB);
        assertThat(job.toPublish()).extracting(TaskMessage::taskId).containsExactly(root);

        List<String> pending = new ArrayList<>(t.done.keySet()); // walk and file tasks: any order
        Set<String> finished = new HashSet<>();
        Map<String, String> metaOf = new HashMap<>();
        t.below.keySet().stream().filter(t::needsMeta).forEach(d -> metaOf.put(TaskIds.dirMeta(d), d));
        long expectedCopied = 0;
        int total = t.done.size() + metaOf.size();
        while (finished.size() < total) {
            assertThat(job.state()).isEqualTo(JobFold.State.RUNNING);
            // Metadata tasks can finish only once published, i.e. once the fold asked for them.
            List<String> choices = new ArrayList<>(pending);
            for (TaskMessage m : job.toPublish()) {
                if (m.task() instanceof DirMetaTask d && !finished.contains(m.taskId())) {
                    String dir = metaOf.get(m.taskId());
                    assertThat(finished).as("metadata of %s asked for before its subtree was done", d.rel())
                            .containsAll(t.below.get(dir));
                    choices.add(m.taskId());
                }
            }
            assertThat(choices).as("the fold waits for nothing that can still happen").isNotEmpty();
            // One to three done events in one stream message (the tasks of one delivery).
            int k = 1 + rnd.nextInt(Math.min(3, choices.size()));
            List<JobEvent.Done> batch = new ArrayList<>();
            for (int n = 0; n < k; n++) {
                String id = choices.remove(rnd.nextInt(choices.size()));
                JobEvent.Done e = t.done.containsKey(id) ? t.done.get(id)
                        : new JobEvent.Done(JOB, id, TaskKind.DIRMETA, List.of(), new Counters(0, 0, 0, 0, 1, 0, 0, 0, 0),
                        List.of(), null, false, "n", 5000);
                batch.add(e);
                if (finished.add(id)) {
                    expectedCopied += e.counters().filesCopied();
                }
                if (rnd.nextInt(100) >= dupPercent) {
                    pending.remove(id); // else it stays and may be delivered again (a duplicate)
                }
            }
            fold.apply(batch.size() == 1 ? batch.get(0) : new JobEvent.Dones(JOB, batch));
        }
        assertThat(job.state()).isEqualTo(JobFold.State.DONE);
        assertThat(job.tasksPending()).isZero();
        // Duplicates after the end change nothing.
        for (JobEvent.Done e : t.done.values()) {
            fold.apply(e);
        }
        assertThat(job.counters().filesCopied()).isEqualTo(expectedCopied).isEqualTo(t.files);
        assertThat(job.counters().dirs()).isEqualTo(t.below.size());
        assertThat(job.counters().metaFixed()).isEqualTo(metaOf.size());
        assertThat(job.tasksDone()).isEqualTo(total);
    }

    @Test
    void syncRunsItsPassesInOrderEachStartingWhenThePreviousIsComplete() {
        JobFold fold = new JobFold();
        fold.apply(submitted(List.of(Pass.COPY, Pass.DELETE, Pass.DIRTIMES)));
        JobFold.Job job = fold.job(JOB);
        String copyRoot = TaskIds.root(JOB, 0);
        fold.apply(done(copyRoot, 5));
        assertThat(job.pass()).isEqualTo(Pass.COPY);
        assertThat(job.toPublish()).extracting(TaskMessage::taskId).containsExactly(TaskIds.dirMeta(copyRoot));

        fold.apply(done(TaskIds.dirMeta(copyRoot), 0));
        assertThat(job.pass()).isEqualTo(Pass.DELETE);
        assertThat(job.toPublish()).extracting(TaskMessage::taskId).containsExactly(TaskIds.root(JOB, 1));
        assertThat(job.toPublish()).extracting(TaskMessage::pass).containsExactly(Pass.DELETE);

        fold.apply(done(TaskIds.root(JOB, 1), 0));
        assertThat(job.pass()).isEqualTo(Pass.DIRTIMES);
        fold.apply(done(TaskIds.root(JOB, 2), 0));
        fold.apply(done(TaskIds.dirMeta(TaskIds.root(JOB, 2)), 0));

        assertThat(job.state()).isEqualTo(JobFold.State.DONE);
        assertThat(job.finished()).extracting(JobSummary::action).containsExactly("copy", "delete", "dirtimes");
        assertThat(job.summary().action()).isEqualTo("sync");
        assertThat(job.summary().counters().filesCopied()).isEqualTo(5);
    }

    @Test
    void aRefusedRootEndsTheJobWithExitCode2() {
        JobFold fold = new JobFold();
        fold.apply(submitted(List.of(Pass.DELETE)));
        fold.apply(new JobEvent.Done(JOB, TaskIds.root(JOB, 0), TaskKind.DIR, List.of(), Counters.ZERO, List.of(),
                "source path /x does not exist", false, "n", 2000));

        assertThat(fold.job(JOB).state()).isEqualTo(JobFold.State.REFUSED);
        assertThat(fold.job(JOB).exitCode()).isEqualTo(2);
        assertThat(fold.job(JOB).refused()).contains("does not exist");
    }

    @Test
    void eventsRoundTripThroughTheirJson() throws Exception {
        JobEvent.Submitted s = submitted(List.of(Pass.COPY, Pass.DELETE));
        JobEvent.Done d = new JobEvent.Done(JOB, TaskIds.root(JOB, 0), TaskKind.DIR,
                List.of(new JobEvent.Child(TaskIds.childDir(TaskIds.root(JOB, 0), "a"), TaskKind.DIR, "caf%E9")),
                new Counters(1, 2, 3, 4, 5, 6, 7, 8, 9), List.of(new Failure("a/b", "Permission denied")), null, true, "vm:1", 42);

        assertThat(EventCodec.decode(EventCodec.encode(s))).isEqualTo(s);
        assertThat(EventCodec.decode(EventCodec.encode(d))).isEqualTo(d);
        assertThat(EventCodec.decode(EventCodec.encode(new JobEvent.Published(JOB, "00000000000000ff"))))
                .isEqualTo(new JobEvent.Published(JOB, "00000000000000ff"));
        JobEvent.Published many = new JobEvent.Published(JOB, List.of("00000000000000ff", "0000000000000100"));
        assertThat(EventCodec.decode(EventCodec.encode(many))).isEqualTo(many);
        JobEvent.Done other = new JobEvent.Done(JOB, TaskIds.childDir(TaskIds.root(JOB, 0), "a"), TaskKind.FILES,
                List.of(), Counters.ZERO, List.of(), null, true, "vm:2", 43);
        JobEvent.Dones both = new JobEvent.Dones(JOB, List.of(d, other));
        assertThat(EventCodec.decode(EventCodec.encode(both))).isEqualTo(both);
        assertThat(EventCodec.decode("{\"e\":\"from-a-newer-pdm\"}".getBytes())).isNull();
    }

    @Test
    void jobEventsKeepExcludesAndOlderOnesWithoutThemStillRead() throws Exception {
        JobOptions filtered = JobOptions.DEFAULT.withExcludes(List.of("*.log", "caf\u00e9"), true);
        JobEvent.Submitted s = new JobEvent.Submitted(JOB, "sync", List.of(Pass.COPY), "panda", "badger", "p", "b",
                "", filtered, 1000, "me@here");
        assertThat(EventCodec.decode(EventCodec.encode(s))).isEqualTo(s);

        String older = new String(EventCodec.encode(submitted(List.of(Pass.COPY))), StandardCharsets.UTF_8)
                .replaceAll(",\"excludes\":\\[\\],\"deleteExcluded\":false", "");
        assertThat(older).doesNotContain("xclude");
        assertThat(((JobEvent.Submitted) EventCodec.decode(older.getBytes(StandardCharsets.UTF_8))).options())
                .isEqualTo(JobOptions.DEFAULT);
    }

    private static JobEvent.Done done(String id, int copied) {
        return new JobEvent.Done(JOB, id, TaskKind.DIR, List.of(), new Counters(copied, 0, 0, 0, 0, 0, 0, 0, 0), List.of(), null,
                true, "n", 2000);
    }

    private static JobEvent.Submitted submitted(List<Pass> passes) {
        return new JobEvent.Submitted(JOB, passes.size() > 1 ? "sync" : passes.get(0).cliName(), passes, "panda",
                "badger", "panda (/p)", "badger (/b)", "", JobOptions.DEFAULT, 1000, "me@here");
    }
}

package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.task.DirMetaTask;
import pdm.task.FinishTask;
import pdm.task.JobOptions;
import pdm.task.Pass;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/**
 * A big file cut into ranges for several workers (docs/distributed-design.md): the fold makes its
 * finish task due exactly when every range has a done event, whatever their order and however
 * often each comes; never before (a file is never placed with a range missing); only to remove
 * the temp file when a range failed; and the directory's metadata waits for the finish.
 */
class SplitFoldTest {
    private static final String JOB = "20261206-200000-split";
    private static final FileMeta SRC = new FileMeta(FileType.FILE, 0644, 1000, 1000, 5L << 20, 7_000_000_000L,
            7_000_000_000L, 42, 99, 1, 0, 7_000_000_000L);

    @Property(tries = 300)
    void theFinishIsDueOnceEveryRangeIsDoneInAnyOrderWithDuplicates(@ForAll @IntRange(min = 1, max = 12) int ranges,
                                                                     @ForAll long seed,
                                                                     @ForAll @IntRange(min = -1, max = 11) int failing) {
        Random rnd = new Random(seed);
        JobFold fold = new JobFold();
        fold.apply(submitted());
        String root = TaskIds.root(JOB, 0);
        String files = TaskIds.childFiles(root, -1, 0);
        String finishId = TaskIds.finish(files, "big", "t");
        List<String> rangeIds = rangeIds(files, "t", ranges);
        List<JobEvent.Child> children = rangeChildren(rangeIds);
        boolean fails = failing >= 0 && failing < ranges;
        FinishTask finish = new FinishTask(Path.of(""), Path.of("big"), Path.of(".pdm-tmp-x-r.y"), 77, SRC, null, null);

        // Everything but the finish, in a random order, some twice; the file task's done may come after its ranges'.
        List<JobEvent.Done> events = new ArrayList<>();
        events.add(done(root, TaskKind.DIR, List.of(new JobEvent.Child(files, TaskKind.FILES, null)), 0, List.of(),
                List.of()));
        events.add(done(files, TaskKind.FILES, children, 0, List.of(),
                List.of(new JobEvent.Split(finishId, rangeIds, finish))));
        for (int i = 0; i < ranges; i++) {
            List<Failure> f = fails && i == failing ? List.of(new Failure("big", "disk on fire")) : List.of();
            events.add(done(rangeIds.get(i), TaskKind.RANGE, List.of(), 1L << 20, f, List.of()));
        }
        int n = events.size();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) == 0) {
                events.add(events.get(i));
            }
        }
        Collections.shuffle(events, rnd);
        // (the root is announced by the job, so its done may come first or later: either way)
        List<String> seen = new ArrayList<>();
        for (JobEvent.Done d : events) {
            boolean allRangesBefore = seen.containsAll(rangeIds) && seen.contains(files) && seen.contains(root);
            assertThat(finishDue(fold)).as("finish due before its last range").isEqualTo(allRangesBefore ? 1 : 0);
            fold.apply(new JobEvent.Dones(JOB, List.of(d)));
            seen.add(d.task());
        }
        JobFold.Job j = fold.job(JOB);
        assertThat(j.state()).isEqualTo(JobFold.State.RUNNING);
        assertThat(finishDue(fold)).isEqualTo(1);
        FinishTask due = (FinishTask) j.toPublish().stream().filter(m -> m.task() instanceof FinishTask).findFirst()
                .orElseThrow().task();
        assertThat(due.discard() != null).isEqualTo(fails);
        if (fails) {
            assertThat(due.discard()).contains("disk on fire");
        }
        // the directory's metadata waits for the file to be placed
        assertThat(j.toPublish()).noneMatch(m -> m.task() instanceof DirMetaTask);
        // each range once, held until its file is placed: progress shows them, the job's counters not yet
        assertThat(j.counters().bytesWritten()).isZero();
        assertThat(j.inFlight(Map.of()).bytesWritten()).isEqualTo((long) ranges << 20);
        assertThat(j.counters().filesFailed()).isEqualTo(fails ? 1 : 0);

        fold.apply(new JobEvent.Published(JOB, finishId));
        JobEvent.Done finished = done(finishId, TaskKind.FINISH, List.of(), 0, List.of(), List.of());
        fold.apply(new JobEvent.Dones(JOB, List.of(finished, finished)));
        assertThat(j.toPublish()).singleElement().matches(m -> m.task() instanceof DirMetaTask);
        String meta = TaskIds.dirMeta(root);
        fold.apply(new JobEvent.Dones(JOB, List.of(done(meta, TaskKind.DIRMETA, List.of(), 0, List.of(), List.of()))));
        assertThat(j.state()).isEqualTo(JobFold.State.DONE);
        assertThat(j.counters().filesCopied()).isEqualTo(1); // the finish's, once
        // a file not placed is no bytes copied; a placed one's bytes count once
        assertThat(j.counters().bytesWritten()).isEqualTo(fails ? 0 : (long) ranges << 20);
        assertThat(j.inFlight(Map.of())).isEqualTo(Counters.ZERO);
    }

    /**
     * A file whose ranges were all copied but whose finish failed (the source changed between its
     * first range and its last) is no bytes copied and one failure; a file several of whose ranges
     * fail is one failed file, listed once (each range's worker logged its own).
     */
    @Test
    void aFileFailedAtItsFinishOrAtSeveralRangesIsOneFailureAndNoBytes() {
        for (int failingRanges : new int[]{0, 3}) {
            JobFold fold = new JobFold();
            fold.apply(submitted());
            String root = TaskIds.root(JOB, 0);
            String files = TaskIds.childFiles(root, -1, 0);
            String finishId = TaskIds.finish(files, "big", "t");
            List<String> rangeIds = rangeIds(files, "t", 5);
            List<JobEvent.Child> children = rangeChildren(rangeIds);
            FinishTask finish = new FinishTask(Path.of(""), Path.of("big"), Path.of(".pdm-tmp-x-r.y"), 77, SRC, null,
                    null);
            List<JobEvent.Done> events = new ArrayList<>(List.of(
                    done(root, TaskKind.DIR, List.of(new JobEvent.Child(files, TaskKind.FILES, null)), 0, List.of(),
                            List.of()),
                    done(files, TaskKind.FILES, children, 0, List.of(),
                            List.of(new JobEvent.Split(finishId, rangeIds, finish)))));
            for (int i = 0; i < 5; i++) {
                List<Failure> f = i < failingRanges ? List.of(new Failure("big", "EIO in range " + i)) : List.of();
                events.add(done(rangeIds.get(i), TaskKind.RANGE, List.of(), f.isEmpty() ? 1L << 20 : 0, f, List.of()));
            }
            fold.apply(new JobEvent.Dones(JOB, events));
            JobFold.Job j = fold.job(JOB);
            assertThat(j.counters().filesFailed()).isEqualTo(failingRanges > 0 ? 1 : 0);
            assertThat(j.failures()).hasSize(failingRanges > 0 ? 1 : 0);

            // the finish: a discard after failed ranges (counts nothing), else the source moved (one failure)
            JobStats s = new JobStats();
            if (failingRanges == 0) {
                s.fail("big", "changed while being copied (size or mtime moved between its first range and its last)");
            }
            fold.apply(new JobEvent.Published(JOB, finishId));
            fold.apply(new JobEvent.Dones(JOB, List.of(new JobEvent.Done(JOB, finishId, TaskKind.FINISH, List.of(),
                    Counters.of(s), s.failures(), null, true, "h:1", 1000))));
            assertThat(j.counters().filesFailed()).as("one failed file").isEqualTo(1);
            assertThat(j.failures()).hasSize(1);
            assertThat(j.counters().filesCopied()).isZero();
            assertThat(j.counters().bytes()).isZero();
            assertThat(j.counters().bytesWritten()).as("no bytes copied").isZero();
            assertThat(j.inFlight(Map.of())).isEqualTo(Counters.ZERO);
            assertThat(j.workByHost().values().stream().mapToLong(w -> w.counters().bytesWritten()).sum())
                    .as("what the hosts did stays theirs").isEqualTo((5L - failingRanges) << 20);
        }
    }

    /**
     * What running tasks report counts while they are pending in the fold, and drops out when
     * their done event is folded (their own counters are in then): no byte counts twice.
     */
    @Test
    void aRunningTasksReportCountsUntilItsDoneEventIsFolded() {
        JobFold fold = new JobFold();
        fold.apply(submitted());
        String root = TaskIds.root(JOB, 0);
        String files = TaskIds.childFiles(root, -1, 0);
        fold.apply(new JobEvent.Dones(JOB, List.of(done(root, TaskKind.DIR,
                List.of(new JobEvent.Child(files, TaskKind.FILES, null)), 0, List.of(), List.of()))));
        JobFold.Job j = fold.job(JOB);
        Counters halfway = new Counters(0, 0, 0, 0, 0, 0, 0, 100L << 20, 0, 0, 0, 0, 0, 0, 0, 0, 100L << 20);
        Map<String, Counters> running = Map.of(files, halfway, TaskIds.root(JOB, 1), halfway, "not-a-task-id", halfway);
        assertThat(j.inFlight(running).bytes()).as("only the pending task's").isEqualTo(100L << 20);
        assertThat(j.counters().bytes()).isZero();

        JobStats s = new JobStats();
        s.filesCopied.increment();
        s.bytes.add(200L << 20);
        fold.apply(new JobEvent.Dones(JOB, List.of(new JobEvent.Done(JOB, files, TaskKind.FILES, List.of(),
                Counters.of(s), List.of(), null, true, "h:1", 1000))));
        assertThat(j.counters().bytes() + j.inFlight(running).bytes()).as("once").isEqualTo(200L << 20);
    }

    /**
     * Verify across workers: ranges report their first differing byte in their done events, the
     * fold hands the lowest of them to the one finish (whatever order the ranges end in, however
     * often each comes), which reports the file once; a failed range makes it a discard.
     */
    @Property(tries = 300)
    void aVerifyFinishCarriesTheLowestDifferenceOfItsRangesAndTheFileCountsOnce(
            @ForAll @IntRange(min = 1, max = 12) int ranges, @ForAll long seed,
            @ForAll @IntRange(min = -1, max = 11) int failing) {
        Random rnd = new Random(seed);
        JobFold fold = new JobFold();
        fold.apply(new JobEvent.Submitted(JOB, "verify", List.of(Pass.VERIFY), "panda", "badger", "panda (/p)",
                "badger (/b)", "", JobOptions.DEFAULT, 1000, "me@here"));
        String root = TaskIds.root(JOB, 0);
        String files = TaskIds.childFiles(root, -1, 0);
        String finishId = TaskIds.finish(files, "big", "");
        List<String> rangeIds = rangeIds(files, "", ranges);
        List<JobEvent.Child> children = rangeChildren(rangeIds);
        boolean fails = failing >= 0 && failing < ranges;
        FinishTask finish = FinishTask.verify(Path.of(""), Path.of("big"), SRC, SRC);
        List<JobEvent.Done> events = new ArrayList<>();
        events.add(done(root, TaskKind.DIR, List.of(new JobEvent.Child(files, TaskKind.FILES, null)), 0, List.of(),
                List.of()));
        events.add(done(files, TaskKind.FILES, children, 0, List.of(),
                List.of(new JobEvent.Split(finishId, rangeIds, finish))));
        long lowest = -1;
        for (int i = 0; i < ranges; i++) {
            List<Failure> f = fails && i == failing ? List.of(new Failure("big", "EIO")) : List.of();
            long at = f.isEmpty() && rnd.nextInt(3) == 0 ? ((long) i << 20) + rnd.nextInt(1 << 20) : -1;
            if (at >= 0 && lowest < 0) {
                lowest = at;
            }
            JobEvent.Done r = done(rangeIds.get(i), TaskKind.RANGE, List.of(), 0, f, List.of());
            events.add(new JobEvent.Done(r.job(), r.task(), r.kind(), r.children(), r.counters(), r.failures(), null,
                    true, r.node(), r.ts(), List.of(), at));
        }
        int n = events.size();
        for (int i = 0; i < n; i++) {
            if (rnd.nextInt(3) == 0) {
                events.add(events.get(i));
            }
        }
        Collections.shuffle(events, rnd);
        for (JobEvent.Done d : events) {
            fold.apply(new JobEvent.Dones(JOB, List.of(d)));
        }
        JobFold.Job j = fold.job(JOB);
        assertThat(finishDue(fold)).isEqualTo(1);
        FinishTask due = (FinishTask) j.toPublish().stream().filter(m -> m.task() instanceof FinishTask).findFirst()
                .orElseThrow().task();
        assertThat(due.verify()).isTrue();
        assertThat(due.discard() != null).isEqualTo(fails);
        if (fails) {
            assertThat(due.discard()).isEqualTo("not compared whole, as a range of it failed: EIO");
        }
        assertThat(due.differsAt()).isEqualTo(fails ? -1 : lowest); // (a discard reports nothing more)
        assertThat(j.counters().differences()).isZero(); // (the ranges' results are no differences yet)

        // the finish reports the file: one difference, or one identical file, however many ranges
        JobStats s = new JobStats();
        if (fails) {
            // (a discard: the failed range counted the file as failed; the finish adds nothing)
        } else if (lowest >= 0) {
            s.differ("big", "differs: content (first difference at byte " + lowest + ")");
        } else {
            s.filesSkipped.increment();
        }
        JobEvent.Done finished = new JobEvent.Done(JOB, finishId, TaskKind.FINISH, List.of(), Counters.of(s),
                s.failures(), null, true, "h:1", 1000);
        fold.apply(new JobEvent.Dones(JOB, List.of(finished, finished)));
        fold.apply(new JobEvent.Dones(JOB, List.of(done(TaskIds.dirMeta(root), TaskKind.DIRMETA, List.of(), 0,
                List.of(), List.of()))));
        assertThat(j.state()).isEqualTo(JobFold.State.DONE);
        assertThat(j.counters().differences() + j.counters().filesSkipped()).isEqualTo(fails ? 0 : 1);
    }

    @Test
    void aFinishWhoseDoneCameEarlyCountsWhenItsLastRangeArrives() {
        JobFold fold = new JobFold();
        fold.apply(submitted());
        String root = TaskIds.root(JOB, 0);
        String files = TaskIds.childFiles(root, -1, 0);
        String range = TaskIds.range(files, "big", "t", 0);
        String finishId = TaskIds.finish(files, "big", "t");
        FinishTask finish = new FinishTask(Path.of(""), Path.of("big"), Path.of(".pdm-tmp-x-r.y"), 77, SRC, null, null);
        // (a tracker that published it, then died before the fold here saw the last range: its done is early)
        fold.apply(new JobEvent.Dones(JOB, List.of(done(finishId, TaskKind.FINISH, List.of(), 0, List.of(), List.of()),
                done(root, TaskKind.DIR, List.of(new JobEvent.Child(files, TaskKind.FILES, null)), 0, List.of(), List.of()),
                done(files, TaskKind.FILES, List.of(new JobEvent.Child(range, TaskKind.RANGE, "big")), 0, List.of(),
                        List.of(new JobEvent.Split(finishId, List.of(range), finish))))));
        assertThat(finishDue(fold)).isZero();
        fold.apply(new JobEvent.Dones(JOB, List.of(done(range, TaskKind.RANGE, List.of(), 5, List.of(), List.of()))));
        assertThat(fold.job(JOB).toPublish()).singleElement().matches(m -> m.task() instanceof DirMetaTask);
    }

    private static long finishDue(JobFold fold) {
        return fold.job(JOB).toPublish().stream().filter(m -> m.task() instanceof FinishTask).count();
    }

    /** The task ids of file "big"'s {@code ranges} ranges (target name {@code tgt}: "t" to copy, "" to verify). */
    private static List<String> rangeIds(String files, String tgt, int ranges) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < ranges; i++) {
            ids.add(TaskIds.range(files, "big", tgt, i));
        }
        return ids;
    }

    /** The children a files task names for those range tasks. */
    private static List<JobEvent.Child> rangeChildren(List<String> rangeIds) {
        return rangeIds.stream().map(id -> new JobEvent.Child(id, TaskKind.RANGE, "big")).toList();
    }

    private static JobEvent.Done done(String id, TaskKind kind, List<JobEvent.Child> children, long written,
                                      List<Failure> failures, List<JobEvent.Split> splits) {
        JobStats s = new JobStats();
        s.filesCopied.add(kind == TaskKind.FINISH ? 1 : 0);
        s.filesFailed.add(failures.size());
        s.bytesWritten.add(written);
        Counters c = Counters.of(s);
        return new JobEvent.Done(JOB, id, kind, children, c, failures, null, true, "host-" + (id.hashCode() & 1) + ":1",
                1000, splits);
    }

    private static JobEvent.Submitted submitted() {
        return new JobEvent.Submitted(JOB, "copy", List.of(Pass.COPY), "panda", "badger", "panda (/p)",
                "badger (/b)", "", JobOptions.DEFAULT, 1000, "me@here");
    }
}

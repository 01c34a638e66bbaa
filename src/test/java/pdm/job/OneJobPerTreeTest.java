package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pdm.task.JobOptions;
import pdm.task.Pass;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/** One job at a time per tree: which jobs overlap, and which earlier job a job waits for. */
class OneJobPerTreeTest {
    private static JobEvent.Submitted job(String id, String tgt, String path, long ts) {
        return new JobEvent.Submitted(id, "sync", List.of(Pass.COPY, Pass.DELETE), "panda", tgt, "panda", tgt, path,
                JobOptions.DEFAULT, ts, "me@here");
    }

    @ParameterizedTest(name = "{0} on {1} and {2} on {3}: {4}")
    @CsvSource(delimiter = '|', value = {
        "''         | badger | user_xyz     | badger | true",   // the root holds every tree
        "user_xyz   | badger | user_xyz     | badger | true",
        "user_xyz   | badger | user_xyz/new | badger | true",
        "user_xyz/a | badger | user_xyz     | badger | true",   // either contains the other
        "user_xyz   | badger | user_xyzz    | badger | false",  // a prefix of a name is not a parent
        "user_xyz   | badger | user_abc     | badger | false",
        "user_xyz   | badger | user_xyz     | ferret | false",  // another target
        "a%20b      | badger | a%20b/c      | badger | true",   // exact bytes, as on the wire
    })
    void twoJobsOverlapWhenOnePathContainsTheOtherOnTheSameTarget(String p1, String t1, String p2, String t2,
                                                                 boolean overlap) {
        assertThat(JobFold.overlap(job("20261206-100000-aaaa", t1, p1, 1), job("20261206-100000-bbbb", t2, p2, 2)))
                .isEqualTo(overlap);
    }

    @Test
    void aJobWaitsForTheFirstEarlierRunningJobOnItsTreeInTheOrderOfTheLog() {
        JobFold fold = new JobFold();
        JobEvent.Submitted a = job("20261206-100000-aaaa", "badger", "user_xyz", 1);
        JobEvent.Submitted b = job("20261206-100001-bbbb", "badger", "user_abc", 2);
        JobEvent.Submitted c = job("20261206-100002-cccc", "badger", "", 3);
        JobEvent.Submitted d = job("20261206-100003-dddd", "badger", "user_abc/x", 4);
        for (JobEvent.Submitted s : List.of(a, b, c, d)) {
            fold.apply(s);
        }
        assertThat(fold.ahead(fold.job(a.job()))).isNull();
        assertThat(fold.ahead(fold.job(b.job()))).as("disjoint: side by side").isNull();
        assertThat(fold.ahead(fold.job(c.job())).id()).isEqualTo(a.job());
        // first come, first served: d waits for b, which it overlaps, not only for running ones
        assertThat(fold.ahead(fold.job(d.job())).id()).isEqualTo(b.job());

        fold.apply(new JobEvent.Queued(c.job(), a.job(), fold.job(a.job()).what(), 5));
        assertThat(fold.job(c.job()).queued().what()).isEqualTo("sync /user_xyz");
        assertThat(fold.job(c.job()).notBegun()).isTrue();

        fold.apply(new JobEvent.Cancelled(a.job(), "me@here", 6));
        fold.apply(new JobEvent.Cancelled(b.job(), "me@here", 7));
        assertThat(fold.ahead(fold.job(c.job()))).as("the tree is free").isNull();
        assertThat(fold.ahead(fold.job(d.job())).id()).as("c came first").isEqualTo(c.job());

        String root = TaskIds.root(c.job(), 0);
        fold.apply(new JobEvent.Published(c.job(), root));
        assertThat(fold.job(c.job()).notBegun()).as("its first task is out").isFalse();
        fold.apply(new JobEvent.Done(c.job(), root, TaskKind.DIR, List.of(), Counters.ZERO, List.of(), null, false,
                "n", 8));
        assertThat(fold.job(c.job()).queued()).as("kept for the record").isNotNull();
    }

    @Test
    void theQueuedEventAndNoQueueTravelInTheLog() throws Exception {
        JobEvent.Queued q = new JobEvent.Queued("20261206-100002-cccc", "20261206-100000-aaaa", "sync /user_xyz", 5);
        assertThat(EventCodec.decode(EventCodec.encode(q))).isEqualTo(q);
        JobEvent.Submitted s = job("20261206-100000-aaaa", "badger", "user_xyz", 1);
        JobEvent.Submitted refusing = new JobEvent.Submitted(s.job(), s.command(), s.passes(), s.src(), s.tgt(),
                s.sourceText(), s.targetText(), s.path(), s.options(), s.submittedMs(), s.by(), true, true);
        assertThat(EventCodec.decode(EventCodec.encode(refusing))).isEqualTo(refusing);
        assertThat(EventCodec.decode(EventCodec.encode(s))).isEqualTo(s);
        assertThat(new String(EventCodec.encode(s), java.nio.charset.StandardCharsets.UTF_8)).doesNotContain("no_queue");
    }
}

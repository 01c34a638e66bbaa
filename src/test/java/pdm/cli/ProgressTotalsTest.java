package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.engine.JobSpec;
import pdm.engine.SkipFilter;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.Counters;
import pdm.job.JobSummary;
import pdm.task.Pass;
import pdm.task.JobOptions;

/** A complete pass leaves its total for the next pass of its kind over the same trees, and only for that. */
class ProgressTotalsTest {
    @TempDir
    Path tmp;

    @Test
    void theNextPassOverTheSameTreesFindsTheTotal() throws IOException {
        ProgressTotals totals = new ProgressTotals(tmp.resolve("state"));
        JobSpec copy = spec(Pass.COPY, "a", "b", "/d");

        assertThat(totals.find(copy)).as("no previous pass, not a mount point's root").isEmpty();
        totals.remember(copy, summary(copy, false));

        assertThat(totals.find(copy)).hasValueSatisfying(t -> {
            assertThat(t.entries()).isEqualTo(120 + 30);
            assertThat(t.from()).isEqualTo("from the previous copy pass");
        });
        assertThat(totals.find(spec(Pass.VERIFY, "a", "b", "/d"))).as("another pass").isEmpty();
        assertThat(totals.find(spec(Pass.COPY, "a", "b", "/e"))).as("another PATH").isEmpty();
        assertThat(totals.find(spec(Pass.COPY, "a", "c", "/d"))).as("another target").isEmpty();
    }

    @Test
    void theFilesOfEarlierVersionsGoWhenAPassLeavesItsTotal() throws IOException {
        Path state = Files.createDirectories(tmp.resolve("state"));
        Path legacy = Files.writeString(state.resolve("totals-0123456789abcdef01234567.properties"), "entries=5\n");
        Path other = Files.writeString(state.resolve("journal-x"), "not ours to remove");
        ProgressTotals totals = new ProgressTotals(state);
        JobSpec copy = spec(Pass.COPY, "a", "b", "/d");

        totals.remember(copy, summary(copy, false));

        assertThat(legacy).doesNotExist();
        assertThat(other).exists();
        try (var files = Files.list(state)) {
            assertThat(files.map(f -> f.getFileName().toString()).toList()).hasSize(2)
                    .anySatisfy(n -> assertThat(n).matches("totals-[0-9a-f]{8}\\.properties"));
        }
    }

    @Test
    void anInterruptedPassLeavesNoTotal() throws IOException {
        ProgressTotals totals = new ProgressTotals(tmp.resolve("state"));
        JobSpec copy = spec(Pass.COPY, "a", "b", "/d");

        totals.remember(copy, summary(copy, true));

        assertThat(totals.find(copy)).isEmpty();
    }

    @Test
    void anUnwritableStateDirCostsOnlyThePercent() throws IOException {
        Path file = Files.writeString(tmp.resolve("not-a-dir"), "x");
        ProgressTotals totals = new ProgressTotals(file);
        JobSpec copy = spec(Pass.COPY, "a", "b", "/d");

        totals.remember(copy, summary(copy, false));

        assertThat(totals.find(copy)).isEmpty();
    }

    @Test
    void aMountedSourcesRootHasItsUsedInodesAsTotal() throws IOException {
        ProgressTotals totals = new ProgressTotals(tmp.resolve("state"));
        // "/" is a mount point wherever this runs; nothing is walked or written here
        JobSpec copy = new JobSpec("j", Pass.COPY, new FsRoot("root", Path.of("/"), false),
                new FsRoot("b", Files.createDirectories(tmp.resolve("b")), true), Names.jobPath("/"),
                new JobOptions(false, false, false, false), SkipFilter.NONE);

        assertThat(totals.find(copy)).hasValueSatisfying(t -> {
            assertThat(t.entries()).isPositive();
            assertThat(t.from()).isEqualTo("inodes in use on /, statvfs");
            assertThat(t.shortFrom()).isEqualTo("statvfs");
        });
        assertThat(totals.find(copy.withPass(Pass.DELETE))).as("delete counts no source entries").isEmpty();
        assertThat(totals.find(new JobSpec("j", Pass.COPY, copy.src(), copy.tgt(), Names.jobPath("/usr"),
                copy.options(), SkipFilter.NONE))).as("PATH below the root: statvfs would count too much").isEmpty();
    }

    private JobSpec spec(Pass a, String src, String tgt, String path) throws IOException {
        Path s = Files.createDirectories(tmp.resolve(src));
        Path t = Files.createDirectories(tmp.resolve(tgt));
        return new JobSpec("j", a, new FsRoot(src, s, false), new FsRoot(tgt, t, true), Names.jobPath(path),
                new JobOptions(false, false, false, false), SkipFilter.NONE);
    }

    private static JobSummary summary(JobSpec s, boolean interrupted) {
        return new JobSummary("j", s.pass().cliName(), "a", "b", "/d", false,
                new Counters(20, 100, 0, 0, 0, 30, 0, 0, 0), 1.0, interrupted, List.of());
    }
}

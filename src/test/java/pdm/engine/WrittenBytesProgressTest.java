package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pdm.config.Split;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.Counters;
import pdm.job.JobSummary;
import pdm.task.JobOptions;
import pdm.task.Pass;
import pdm.testkit.Fx;

/**
 * Progress moves with the bytes as they are written, for a whole file and a split one alike:
 * while the one file of a pass is still being copied (paced by --bwlimit), the live counters
 * already show part of its bytes; the summary counts it once it is in place.
 */
class WrittenBytesProgressTest {
    private static final int SIZE = 3 << 20;

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "split: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void bytesMoveWhileTheFileIsCopied(boolean split) throws Exception {
        Path src = tmp.resolve("src");
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.write(src.resolve("one"), Fx.random(SIZE, 1));
        JobOptions options = JobOptions.DEFAULT.withSplit(split ? new Split(1 << 20, 256 << 10) : Split.DEFAULT);
        JobSpec job = new JobSpec("progress", Pass.COPY, new FsRoot("src", src, false), new FsRoot("dst", dst, true),
                Names.ROOT, options, SkipFilter.NONE);
        List<Counters> seen = new CopyOnWriteArrayList<>();

        JobSummary s = new Engine(new Engine.Settings(1, 2, 1000, 1 << 20, 0), ChangeList.NONE)
                .run(job, stats -> seen.add(Counters.live(stats)));

        assertThat(s.counters().filesCopied()).isEqualTo(1);
        assertThat(s.counters().bytes()).isEqualTo(SIZE);
        assertThat(seen).as("an update while the file was under way showed part of its bytes")
                .anySatisfy(c -> {
                    assertThat(c.filesCopied()).isZero();
                    assertThat(c.bytes()).isBetween(1L, SIZE - 1L);
                });
        assertThat(seen.get(seen.size() - 1).bytes()).isEqualTo(SIZE);
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.task.JobOptions;
import pdm.task.WorkItem;
import pdm.testkit.Fx;

/**
 * {@link HardLinks}: of the names of one source inode, the first whose work starts is copied
 * (the leader) and every other name becomes a link to that copy, whichever order and thread
 * the names come in; a name already linked to the leader's copy is left as it is; a name
 * whose leader could not be copied fails with a reason instead of being copied apart.
 */
class HardLinksTest {
    @TempDir
    Path tmp;

    private Path src;
    private Path tgt;
    private JobStats stats;

    @BeforeEach
    void roots() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        tgt = Files.createDirectories(tmp.resolve("tgt"));
        stats = new JobStats();
    }

    /** Runs the work of the named files of the root directory, each on its own thread when {@code parallel}. */
    private void work(HardLinks links, List<String> names, boolean parallel) throws Exception {
        try (FsRoot s = new FsRoot("src", src, false); FsRoot t = new FsRoot("tgt", tgt, true)) {
            PassContext ctx = new PassContext(s, t, JobOptions.DEFAULT, stats, SkipFilter.NONE, true, ChangeList.NONE,
                    new Removals(null), Interrupt.NEVER, new DryRunLedger());
            CopyPass pass = new CopyPass(ctx, links, false);
            ExecutorService pool = Executors.newFixedThreadPool(parallel ? names.size() : 1);
            try (DirPair dir = new DirPair(Names.ROOT, s.open(Names.ROOT), t.open(Names.ROOT))) {
                List<Future<?>> done = new ArrayList<>();
                for (String n : names) {
                    Path name = Path.of(n);
                    FileMeta sm = dir.src().stat(name);
                    FileMeta tm = dir.tgt().stat(name);
                    done.add(pool.submit(() -> {
                        pass.work(dir, new WorkItem(name, WorkItem.Op.HARDLINK, sm, tm));
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private Object inode(Path p) throws IOException {
        return Files.getAttribute(p, "unix:ino");
    }

    @Test
    void theFirstNameIsCopiedAndTheOthersLinkToIt() throws Exception {
        Fx.write(src.resolve("a"), "shared content");
        Files.createLink(src.resolve("b"), src.resolve("a"));
        Files.createLink(src.resolve("c"), src.resolve("a"));

        work(new HardLinks(), List.of("c", "a", "b"), false);

        assertThat(Files.readString(tgt.resolve("c"))).isEqualTo("shared content");
        assertThat(inode(tgt.resolve("a"))).isEqualTo(inode(tgt.resolve("c")));
        assertThat(inode(tgt.resolve("b"))).isEqualTo(inode(tgt.resolve("c")));
        assertThat(stats.bytes.sum()).as("one copy of the data").isEqualTo("shared content".length());
    }

    @Test
    void namesOnManyThreadsStillShareOneCopy() throws Exception {
        Fx.write(src.resolve("n0"), "x".repeat(100_000));
        List<String> names = new ArrayList<>(List.of("n0"));
        for (int i = 1; i < 8; i++) {
            Files.createLink(src.resolve("n" + i), src.resolve("n0"));
            names.add("n" + i);
        }

        work(new HardLinks(), names, true);

        Object ino = inode(tgt.resolve("n0"));
        for (String n : names) {
            assertThat(inode(tgt.resolve(n))).as(n).isEqualTo(ino);
        }
        assertThat(stats.bytes.sum()).as("one copy of the data").isEqualTo(100_000);
    }

    @Test
    void nameAlreadyLinkedToTheLeaderIsLeftAlone() throws Exception {
        Fx.write(src.resolve("a"), "once");
        Files.createLink(src.resolve("b"), src.resolve("a"));
        work(new HardLinks(), List.of("a", "b"), false);
        Object ino = inode(tgt.resolve("a"));

        stats = new JobStats();
        work(new HardLinks(), List.of("a", "b"), false); // a later pass: a is the same, b already its link

        assertThat(inode(tgt.resolve("b"))).isEqualTo(ino);
        assertThat(stats.bytes.sum()).isZero();
        assertThat(stats.filesSkipped.sum()).isEqualTo(2);
    }

    @Test
    void aNameWhoseLeaderFailedIsNotCopiedApart() throws Exception {
        Fx.write(src.resolve("a"), "leader");
        Files.createLink(src.resolve("b"), src.resolve("a"));
        HardLinks links = new HardLinks();
        Fx.write(tgt.resolve("a/in-the-way"), "a non-empty directory where the leader goes");

        work(links, List.of("a"), false); // copy leaves a non-empty directory alone: the leader is not placed
        assertThatThrownBy(() -> work(links, List.of("b"), false))
                .hasRootCauseInstanceOf(IOException.class)
                .rootCause().hasMessageContaining("not linked");
        assertThat(tgt.resolve("b")).doesNotExist();
    }
}

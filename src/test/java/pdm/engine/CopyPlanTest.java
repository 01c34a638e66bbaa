package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.fs.Entry;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.job.JobStats;
import pdm.task.JobOptions;
import pdm.task.WorkItem;
import pdm.testkit.Fx;

/**
 * {@link CopyPlan#plan}: for each kind of source entry against each state of the target, the
 * decision the copy pass makes (a work item's op, a descent, a skip, nothing), on real files
 * listed and merged as the walk does.
 */
class CopyPlanTest {
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

    /** Plans every name of the root directory pair; returns name -> decision. */
    private Map<String, String> plan(SkipFilter filter) throws IOException, InterruptedException {
        Map<String, String> out = new LinkedHashMap<>();
        try (FsRoot s = new FsRoot("src", src, false); FsRoot t = new FsRoot("tgt", tgt, true)) {
            PassContext ctx = new PassContext(s, t, JobOptions.DEFAULT, stats, filter, true, ChangeList.NONE,
                    new Removals(null), Interrupt.NEVER, new DryRunLedger());
            AttrSync attrs = new AttrSync(ctx);
            CopyPlan pass = new CopyPlan(ctx, new EntryWriter(ctx, attrs), attrs);
            try (DirPair dir = new DirPair(Names.ROOT, s.open(Names.ROOT), t.open(Names.ROOT))) {
                List<Entry> srcList = dir.src().list();
                List<Entry> tgtList = dir.tgt().list();
                for (Pair p : Walker.merge(srcList, tgtList)) {
                    long skipped = stats.filesSkipped.sum();
                    String[] decision = {"nothing"};
                    pass.plan(dir, p, new Plan() {
                        @Override
                        public void work(WorkItem item) {
                            decision[0] = item.op().name();
                        }

                        @Override
                        public void descend(Path name, FileMeta s, FileMeta t) {
                            decision[0] = "descend";
                        }
                    });
                    if (stats.filesSkipped.sum() > skipped) {
                        decision[0] = "skip";
                    }
                    out.put(p.name().toString(), decision[0]);
                }
            }
        }
        return out;
    }

    private static void sameStamp(Path from, Path to) throws IOException {
        Files.setLastModifiedTime(to, Files.getLastModifiedTime(from));
    }

    @Test
    void filesByTargetState() throws Exception {
        Fx.write(src.resolve("new"), "new");
        Fx.write(src.resolve("same"), "same");
        Fx.write(tgt.resolve("same"), "same");
        sameStamp(src.resolve("same"), tgt.resolve("same"));
        Fx.write(src.resolve("older-on-target"), "v2");
        Fx.write(tgt.resolve("older-on-target"), "v1");
        Files.setLastModifiedTime(tgt.resolve("older-on-target"), FileTime.from(1, TimeUnit.DAYS));
        Fx.write(src.resolve("other-size"), "longer content");
        Fx.write(tgt.resolve("other-size"), "short");
        sameStamp(src.resolve("other-size"), tgt.resolve("other-size"));
        Fx.write(src.resolve("mode-differs"), "m");
        Fx.write(tgt.resolve("mode-differs"), "m");
        sameStamp(src.resolve("mode-differs"), tgt.resolve("mode-differs"));
        Fx.chmod(tgt.resolve("mode-differs"), 0600);
        Fx.write(src.resolve("dir-on-target"), "f");
        Files.createDirectories(tgt.resolve("dir-on-target"));
        Fx.write(src.resolve("linked-on-target"), "l");
        Fx.write(tgt.resolve("linked-on-target"), "l");
        sameStamp(src.resolve("linked-on-target"), tgt.resolve("linked-on-target"));
        Files.createLink(tgt.resolve("zz-second-name"), tgt.resolve("linked-on-target"));

        assertThat(plan(SkipFilter.NONE)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "new", "COPY",
                "same", "skip",
                "older-on-target", "COPY",
                "other-size", "COPY",
                "mode-differs", "META",
                "dir-on-target", "COPY",
                "linked-on-target", "COPY", // its own inode again
                "zz-second-name", "nothing")); // on the target only: copy never removes
    }

    @Test
    void directoriesAreMadeAndWalked() throws Exception {
        Files.createDirectories(src.resolve("missing"));
        Files.createDirectories(src.resolve("there"));
        Files.createDirectories(tgt.resolve("there"));
        Files.createDirectories(src.resolve("file-on-target"));
        Fx.write(tgt.resolve("file-on-target"), "in the way");

        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream logged = new java.io.ByteArrayOutputStream();
        Map<String, String> planned;
        try {
            System.setErr(new java.io.PrintStream(logged, true, java.nio.charset.StandardCharsets.UTF_8));
            planned = plan(SkipFilter.NONE);
        } finally {
            System.setErr(err);
        }
        assertThat(planned).containsExactlyInAnyOrderEntriesOf(Map.of(
                "missing", "descend",
                "there", "descend",
                "file-on-target", "descend"));
        assertThat(logged.toString(java.nio.charset.StandardCharsets.UTF_8)).as("the removal is logged")
                .contains("removed file /file-on-target");
        assertThat(tgt.resolve("missing")).isDirectory();
        assertThat(tgt.resolve("file-on-target")).as("the file was replaced by a directory").isDirectory();
        assertThat(stats.dirsCreated.sum()).isEqualTo(2);
    }

    @Test
    void linksSpecialsAndLeftovers() throws Exception {
        Fx.write(src.resolve("one"), "x");
        Files.createLink(src.resolve("two"), src.resolve("one"));
        Files.createSymbolicLink(src.resolve("sym"), Path.of("one"));
        assertThat(new ProcessBuilder("mkfifo", src.resolve("fifo").toString()).start().waitFor()).isZero();
        Fx.write(tgt.resolve(".pdm-tmp-left-over"), "half");
        Fx.write(tgt.resolve("only-on-target"), "t");

        assertThat(plan(SkipFilter.NONE)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "one", "HARDLINK",
                "two", "HARDLINK",
                "sym", "SYMLINK",
                "fifo", "SPECIAL",
                ".pdm-tmp-left-over", "REMOVE",
                "only-on-target", "nothing"));
    }

    @Test
    void theSkipFilterLeavesFilesAlone() throws Exception {
        Fx.write(src.resolve("big"), "more than two bytes");
        Fx.write(src.resolve("ok"), "ok");

        assertThat(plan(new SkipFilter(Long.MAX_VALUE, Long.MIN_VALUE, 2))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "big", "skip",
                "ok", "COPY"));
    }
}

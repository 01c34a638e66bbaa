package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.config.DataSource;
import pdm.fs.Names;
import pdm.task.JobOptions;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * {@link DeletePass#plan}: for each pair of source and target entries, what delete decides (a
 * removal, a descent, nothing), on real files listed and merged as the walk does. Planning removes
 * nothing: the removals are file workers' work, each checking the source again.
 */
class DeletePassPlanTest {
    @TempDir
    Path tmp;

    private Path src;
    private Path tgt;

    @BeforeEach
    void roots() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        tgt = Files.createDirectories(tmp.resolve("tgt"));
    }

    private Map<String, String> plan(JobOptions options) throws Exception {
        DataSource ds = new DataSource("src", "posix", src, false, false, 0, 0, 0);
        ExcludeFilter excludes = ExcludeFilter.of(options, ds, Names.ROOT);
        var before = TreeComparer.snapshot(tgt, true);
        Map<String, String> decisions = PlanTable.decisions(src, tgt, options, excludes, DeletePass::new);
        assertThat(TreeComparer.snapshot(tgt, true)).as("planning changes nothing").isEqualTo(before);
        return decisions;
    }

    @Test
    void entriesByBothSides() throws Exception {
        Fx.write(tgt.resolve("only-on-target"), "t");
        Fx.write(Fx.mkdirs(tgt.resolve("dir-only-on-target")).resolve("f"), "t");
        Fx.write(src.resolve("both-files"), "s");
        Fx.write(tgt.resolve("both-files"), "older");
        Fx.mkdirs(src.resolve("both-dirs"));
        Fx.mkdirs(tgt.resolve("both-dirs"));
        Fx.mkdirs(src.resolve("file-became-dir"));
        Fx.write(tgt.resolve("file-became-dir"), "t");
        Fx.write(src.resolve("dir-became-file"), "s");
        Fx.mkdirs(tgt.resolve("dir-became-file"));
        Files.createSymbolicLink(src.resolve("file-became-symlink"), Path.of("both-files"));
        Fx.write(tgt.resolve("file-became-symlink"), "t");
        Fx.write(src.resolve("only-on-source"), "s");
        Files.createSymbolicLink(src.resolve("symlinks"), Path.of("a"));
        Files.createSymbolicLink(tgt.resolve("symlinks"), Path.of("b"));
        Fx.fifo(src.resolve("fifo-became-file"), 0644);
        Fx.write(tgt.resolve("fifo-became-file"), "t");

        assertThat(plan(JobOptions.DEFAULT)).containsExactlyInAnyOrderEntriesOf(Map.of(
                "only-on-target", "REMOVE",
                "dir-only-on-target", "REMOVE",
                "both-files", "nothing", // (content is copy's business)
                "both-dirs", "descend",
                "file-became-dir", "REMOVE",
                "dir-became-file", "REMOVE",
                "file-became-symlink", "REMOVE",
                "only-on-source", "nothing",
                "symlinks", "nothing",
                "fifo-became-file", "REMOVE"));
    }

    @Test
    void excludedEntriesStayUnlessDeleteExcluded() throws Exception {
        Fx.write(tgt.resolve("gone.tmp"), "t");
        Fx.write(src.resolve("kept.tmp"), "s");
        Fx.write(tgt.resolve("kept.tmp"), "t");
        Fx.mkdirs(src.resolve("cache.tmp"));
        Fx.mkdirs(tgt.resolve("cache.tmp"));
        Fx.write(tgt.resolve("plain"), "t");
        List<String> patterns = List.of("*.tmp");

        assertThat(plan(JobOptions.DEFAULT.withExcludes(patterns, false))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "gone.tmp", "nothing",
                "kept.tmp", "nothing",
                "cache.tmp", "nothing", // (not descended either)
                "plain", "REMOVE"));
        assertThat(plan(JobOptions.DEFAULT.withExcludes(patterns, true))).containsExactlyInAnyOrderEntriesOf(Map.of(
                "gone.tmp", "REMOVE",
                "kept.tmp", "REMOVE", // (--delete-excluded: the source's copy does not save it)
                "cache.tmp", "REMOVE",
                "plain", "REMOVE"));
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * --exclude, --exclude-from, skip_paths and --delete-excluded in embedded mode: excluded names
 * are never copied, entered, compared or removed, unless --delete-excluded removes them.
 */
class ExcludeTest {
    @TempDir
    Path tmp;

    private Path src() {
        return tmp.resolve("panda");
    }

    private Path dst() {
        return tmp.resolve("badger");
    }

    private void tree() throws IOException {
        Fx.write(src().resolve("a.txt"), "a");
        Fx.write(src().resolve("x.log"), "log");
        Fx.write(src().resolve("sub/keep.txt"), "keep");
        Fx.write(src().resolve("sub/y.log"), "log");
        Fx.write(src().resolve("cache/big"), "cached");
        Fx.write(src().resolve("build/out.o"), "o");
        Fx.write(src().resolve("deep/build/out.o"), "deep o");
        Fx.write(src().resolve("deep/cache"), "a file named cache: cache/ is for directories");
    }

    /** Every entry below root as a relative path (bytes as ISO-8859-1), not following symlinks. */
    private static List<String> paths(Path root) throws IOException {
        return TreeComparer.snapshot(root, false).keySet().stream().filter(k -> !k.isEmpty())
                .map(k -> k.startsWith("/") ? k.substring(1) : k).toList();
    }

    private static final String[] RULES = {"--exclude", "*.log", "--exclude", "cache/", "--exclude", "/build/"};

    private Pdm.Result run(String command, String... more) {
        String[] args = new String[RULES.length + more.length];
        System.arraycopy(RULES, 0, args, 0, RULES.length);
        System.arraycopy(more, 0, args, RULES.length, more.length);
        return Pdm.json(command, src(), dst(), args);
    }

    @Test
    void copyLeavesOutWhatMatchesAndVerifyDoesNotReportIt() throws IOException {
        tree();

        Pdm.Result r = run("copy");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(paths(dst())).containsExactlyInAnyOrder("a.txt", "sub", "sub/keep.txt", "deep", "deep/build",
                "deep/build/out.o", "deep/cache");
        Pdm.Result v = run("verify");
        assertThat(v.exit()).as(v.toString()).isZero();
        assertThat(v.count("differences")).isZero();
        Pdm.Result unfiltered = Pdm.json("verify", src(), dst());
        assertThat(unfiltered.exit()).as("without the rules verify sees what was left out").isEqualTo(1);
        assertThat(unfiltered.failedPaths()).contains("/x.log", "/sub/y.log", "/cache", "/build");
    }

    @Test
    void deleteKeepsExcludedEntriesEvenInsideADirectoryItRemoves() throws IOException {
        tree();
        assertThat(run("copy").exit()).isZero();
        Fx.write(dst().resolve("x.log"), "target's own log");
        Fx.write(dst().resolve("gone.txt"), "gone from the source");
        Fx.write(dst().resolve("old/keep.log"), "excluded, in a dir the source lacks");
        Fx.write(dst().resolve("old/gone.txt"), "gone");
        Fx.write(dst().resolve("cache/tgt-only"), "under an excluded dir");

        Pdm.Result r = run("delete");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_removed")).as("gone.txt and old/gone.txt").isEqualTo(2L);
        assertThat(dst().resolve("gone.txt")).doesNotExist();
        assertThat(dst().resolve("old/gone.txt")).doesNotExist();
        assertThat(dst().resolve("old/keep.log")).hasContent("excluded, in a dir the source lacks");
        assertThat(dst().resolve("x.log")).hasContent("target's own log");
        assertThat(dst().resolve("cache/tgt-only")).exists();
    }

    @Test
    void deleteExcludedRemovesThemCountedAndCapped() throws IOException {
        tree();
        assertThat(run("copy").exit()).isZero();
        Fx.write(dst().resolve("x.log"), "target's own log");
        Fx.write(dst().resolve("old/keep.log"), "excluded, in a dir the source lacks");
        Fx.write(dst().resolve("cache/tgt-only"), "under an excluded dir");

        Pdm.Result dry = run("delete", "--delete-excluded", "-n");
        Pdm.Result capped = run("delete", "--delete-excluded", "--max-delete", "1");
        assertThat(capped.exit()).as(capped.toString()).isEqualTo(1);
        assertThat(capped.count("files_removed")).isEqualTo(1L);
        assertThat(capped.count("removals_skipped")).isPositive();
        Pdm.Result rest = run("delete", "--delete-excluded");

        assertThat(rest.exit()).as(rest.toString()).isZero();
        // x.log, old/keep.log, old, cache/tgt-only, cache
        assertThat(dry.count("files_removed")).isEqualTo(5L);
        assertThat(capped.count("files_removed") + rest.count("files_removed")).isEqualTo(5L);
        assertThat(paths(dst())).containsExactlyInAnyOrder("a.txt", "sub", "sub/keep.txt", "deep", "deep/build",
                "deep/build/out.o", "deep/cache");
    }

    @Test
    void syncLeavesExcludedTargetEntriesAsTheyAre() throws IOException {
        tree();
        Fx.write(dst().resolve("x.log"), "the target's version");
        Fx.write(dst().resolve("sub/y.log"), "the target's version");

        Pdm.Result r = run("sync");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(dst().resolve("x.log")).hasContent("the target's version");
        assertThat(dst().resolve("sub/y.log")).hasContent("the target's version");
        assertThat(dst().resolve("a.txt")).hasContent("a");
        assertThat(run("verify").exit()).isZero();
    }

    @Test
    void excludeFromReadsExactBytesAndSkipsCommentsAndBlankLines() throws IOException {
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9};
        Fx.write(Fx.child(src(), latin1), "latin-1 name");
        Fx.write(src().resolve("café"), "utf-8 name");
        Fx.write(src().resolve("#notacomment"), "kept");
        Fx.write(src().resolve("tmp/t"), "t");
        Path rules = tmp.resolve("rules");
        try (var out = Files.newOutputStream(rules)) {
            out.write("# comment\n\ntmp/\r\n".getBytes());
            out.write(latin1);
            out.write('\n');
        }

        Pdm.Result r = Pdm.json("copy", src(), dst(), "--exclude-from", rules.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(paths(dst())).containsExactlyInAnyOrder(new String("café".getBytes(StandardCharsets.UTF_8),
                StandardCharsets.ISO_8859_1), "#notacomment");
    }

    @Test
    void aMissingExcludeFromFileOrABadPatternIsRefusedNamingIt() throws IOException {
        tree();
        Path missing = tmp.resolve("no-such-rules");

        Pdm.Result r = Pdm.json("copy", src(), dst(), "--exclude-from", missing.toString());
        Pdm.Result bad = Pdm.json("copy", src(), dst(), "--exclude", "[abc");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--exclude-from " + missing + ": no such file");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--exclude pattern '[abc' is not valid");
        assertThat(dst()).doesNotExist();
    }

    @Test
    void skipPathsOfTheSourceFilesystemAreAnchoredAtItsRoot() throws IOException {
        Fx.write(src().resolve("user/a.txt"), "a");
        Fx.write(src().resolve("user/tmp/t"), "t");
        Fx.write(src().resolve("user/b.bak"), "b");
        Fx.write(src().resolve("user/sub/tmp/t"), "not anchored there");
        Fx.mkdirs(dst());
        Path cfg = Pdm.config(tmp, src(), "skip_paths = [\"/user/tmp/\", \"*.bak\"]", dst(), "");

        Pdm.Result r = Pdm.run("copy", "--json", "--config", cfg.toString(), "panda", "badger", "/user");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(paths(dst())).containsExactlyInAnyOrder("user", "user/a.txt", "user/sub", "user/sub/tmp",
                "user/sub/tmp/t");
        Path badCfg = Pdm.config(tmp, src(), "skip_paths = [\"[x\"]", dst(), "");
        Pdm.Result bad = Pdm.run("copy", "--config", badCfg.toString(), "panda", "badger", "/user");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("skip_paths of [datasource.panda] pattern '[x' is not valid");
        Path wrongType = Pdm.config(tmp, src(), "skip_paths = \"/user/tmp\"", dst(), "");
        Pdm.Result typed = Pdm.run("copy", "--config", wrongType.toString(), "panda", "badger", "/user");
        assertThat(typed.exit()).isEqualTo(2);
        assertThat(typed.err()).contains("[datasource.panda] skip_paths").contains("must be a list of patterns");
    }
}

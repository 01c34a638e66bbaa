package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import pdm.PdmException;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * {@link Preflight#check}: for each state of a job (its pass, options, PATH and both trees), the
 * refusal and its message, or that it may go on and whether the target's walk root is there.
 * A refused job has changed nothing on the target. Real directories: the source {@code src} holds
 * {@code d/f}, the target {@code tgt} is an empty directory, unless a row's setup changes them.
 */
class PreflightTest {
    private static final JobOptions REAL = JobOptions.DEFAULT;
    private static final JobOptions DRY = new JobOptions(true, false, false, false);
    private static final JobOptions FILE = new JobOptions(false, false, true, false);
    private static final JobOptions DELETING = new JobOptions(false, false, false, false, true, false, null);
    private static final JobOptions EMPTY_OK = new JobOptions(false, false, false, false, true, true, null);

    @TempDir
    Path tmp;

    /** Changes the trees a row starts from: {@code tmp} holds src and tgt. */
    interface Setup {
        void on(Path tmp) throws IOException;
    }

    /** A row: the state, the job, and what the preflight says ("refused: " + part of its message, "there", "not there"). */
    record Row(String state, Setup setup, Pass pass, JobOptions options, String path, String tgtRoot,
               boolean writable, boolean creatable, String expected) {
        @Override
        public String toString() {
            return state;
        }
    }

    private static Row row(String state, Setup setup, Pass pass, JobOptions options, String path, String expected) {
        return new Row(state, setup, pass, options, path, "tgt", true, false, expected);
    }

    private static final Setup AS_IS = tmp -> {
    };

    static Stream<Arguments> table() {
        return Stream.of(
                new Row("a copy into a write = false target", AS_IS, Pass.COPY, REAL, "/", "tgt", false, false,
                        "refused: target filesystem 'tgt' is not writable (write = false in config.toml)"),
                new Row("a dry run into a write = false target", AS_IS, Pass.COPY, DRY, "/", "tgt", false, false,
                        "there"),
                new Row("verify of a write = false target", AS_IS, Pass.VERIFY, REAL, "/", "tgt", false, false,
                        "there"),
                row("a missing source root", tmp -> removeTree(tmp.resolve("src")), Pass.COPY, REAL, "/",
                        "refused: of filesystem 'src' does not exist or is not a directory"),
                row("a target root that is a file", tmp -> {
                    Files.delete(tmp.resolve("tgt"));
                    Fx.write(tmp.resolve("tgt"), "a file");
                }, Pass.COPY, REAL, "/", "refused: exists and is not a directory; pdm does not replace it"),
                new Row("a missing target given as a directory, whose parent is missing too", AS_IS, Pass.COPY, REAL,
                        "/", "no/tgt", true, true, "refused: its parent directory"),
                new Row("a missing target given as a directory: copy makes it", AS_IS, Pass.COPY, REAL, "/",
                        "new", true, true, "there"),
                new Row("a missing target given as a directory, in a dry run", AS_IS, Pass.COPY, DRY, "/", "new",
                        true, true, "not there"),
                new Row("a missing configured target, for delete", AS_IS, Pass.DELETE, REAL, "/", "new", true,
                        false, "refused: of filesystem 'tgt' does not exist or is not a directory"),
                new Row("a missing configured target, for a dry-run delete (not mounted, or misconfigured)",
                        AS_IS, Pass.DELETE, DRY, "/", "new", true, false,
                        "refused: of filesystem 'tgt' does not exist or is not a directory"),
                new Row("a missing target given as a directory, for a dry-run delete", AS_IS, Pass.DELETE, DRY, "/",
                        "new", true, true, "not there"),
                new Row("a missing target, for verify, in a dry run too", AS_IS, Pass.VERIFY, DRY, "/", "new", true,
                        true, "refused: does not exist or is not a directory"),
                new Row("a target inside the source", AS_IS, Pass.COPY, REAL, "/", "src/d", true, false,
                        "refused: overlap; pdm copies between separate trees only"),
                row("a missing source PATH", AS_IS, Pass.COPY, REAL, "/nope",
                        "refused: source path /nope does not exist on 'src'"),
                row("--file naming a missing file", AS_IS, Pass.COPY, FILE, "/d/nope",
                        "refused: source file /d/nope does not exist on 'src'"),
                row("--file naming a directory", tmp -> Fx.mkdirs(tmp.resolve("src/d/e")), Pass.COPY, FILE,
                        "/d/e", "refused: --file names a directory (/d/e on 'src')"),
                row("--file delete of a file the source no longer has", tmp -> Fx.mkdirs(tmp.resolve("tgt/d")),
                        Pass.DELETE, FILE, "/d/nope", "there"),
                row("an empty source over a full target, for delete", PreflightTest::emptySourceFullTarget,
                        Pass.DELETE, DELETING, "/e", "refused: is empty but the target's is not"),
                row("an empty source over a full target, for sync's copy pass", PreflightTest::emptySourceFullTarget,
                        Pass.COPY, DELETING, "/e", "refused: give --allow-empty-source"),
                row("an empty source over a full target, with --allow-empty-source",
                        PreflightTest::emptySourceFullTarget, Pass.DELETE, EMPTY_OK, "/e", "there"),
                row("an empty source over a full target, for copy", PreflightTest::emptySourceFullTarget,
                        Pass.COPY, REAL, "/e", "there"),
                row("an empty source over a full target, for sync's dirtimes pass",
                        PreflightTest::emptySourceFullTarget, Pass.DIRTIMES, DELETING, "/e", "there"),
                row("a file on the target where PATH needs a directory", tmp -> Fx.write(tmp.resolve("tgt/d"), "x"),
                        Pass.COPY, REAL, "/d", "refused: target path /d on 'tgt' exists and is not a directory (file)"),
                row("a PATH the target lacks: copy makes it", AS_IS, Pass.COPY, REAL, "/d", "there"),
                row("a PATH the target lacks, for delete", AS_IS, Pass.DELETE, REAL, "/d", "not there"))
                .map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void refusesOrGoesOn(Row row) throws Exception {
        Fx.write(Fx.mkdirs(tmp.resolve("src/d")).resolve("f"), "data");
        Fx.mkdirs(tmp.resolve("tgt"));
        row.setup().on(tmp);
        Path tgtRoot = tmp.resolve(row.tgtRoot());
        List<String> before = listing(tgtRoot);
        try (FsRoot src = new FsRoot("src", tmp.resolve("src"), false);
             FsRoot tgt = new FsRoot("tgt", tgtRoot, row.writable(), row.creatable())) {
            JobSpec job = new JobSpec("j", row.pass(), src, tgt, Names.jobPath(row.path()), row.options(),
                    SkipFilter.NONE);
            if (row.expected().startsWith("refused: ")) {
                assertThatThrownBy(() -> Preflight.check(job))
                        .isInstanceOf(PdmException.class)
                        .hasMessageContaining(row.expected().substring("refused: ".length()));
                assertThat(listing(tgtRoot)).as("a refused job changes nothing").isEqualTo(before);
                return;
            }
            assertThat(Preflight.check(job).targetThere() ? "there" : "not there").isEqualTo(row.expected());
            if (row.options().dryRun() || !row.pass().writesTarget()) {
                assertThat(listing(tgtRoot)).as("a dry run or a read-only pass changes nothing").isEqualTo(before);
            }
        }
    }

    private static void emptySourceFullTarget(Path tmp) throws IOException {
        Fx.mkdirs(tmp.resolve("src/e"));
        Fx.write(Fx.mkdirs(tmp.resolve("tgt/e")).resolve("x"), "only on the target");
    }

    /** The target as `find` lists it, with each entry's type and mode ("missing" when there is none). */
    private static List<String> listing(Path root) throws IOException {
        if (!Files.exists(root, Fx.NOFOLLOW)) {
            return List.of("missing");
        }
        if (!Files.isDirectory(root, Fx.NOFOLLOW)) {
            return List.of("not a directory: " + Files.readString(root));
        }
        return List.copyOf(TreeComparer.snapshot(root, false).entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue()).toList());
    }

    private static void removeTree(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}

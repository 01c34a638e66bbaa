package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.job.JobSummary;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * What copy, delete and sync may remove, and that every removal is counted and listed the
 * same in a dry run and in the real one (issue 8, items 1 to 4). Each test checks the
 * target's content afterwards, not only the counts.
 */
class DestructiveGuardsTest {
    @TempDir
    Path tmp;

    private Path src() {
        return tmp.resolve("src");
    }

    private Path dst() {
        return tmp.resolve("dst");
    }

    @Test
    void copyLeavesANonEmptyDirectoryWhereTheSourceHasAFileAndSyncReplacesIt() throws IOException {
        Fx.write(src().resolve("x"), "now a file");
        Fx.write(src().resolve("other.txt"), "o");
        Fx.write(dst().resolve("x/sub/p.txt"), "precious");

        Pdm.Result dry = Pdm.run("copy", "-n", src().toString(), dst().toString());
        Pdm.Result copy = Pdm.json("copy", src(), dst());

        assertThat(copy.exit()).as(copy.toString()).isEqualTo(1);
        assertThat(dst().resolve("x/sub/p.txt")).as("copy never removes a non-empty directory").hasContent("precious");
        assertThat(dst().resolve("other.txt")).hasContent("o");
        assertThat(copy.count("not_replaced")).isEqualTo(1);
        assertThat(copy.count("files_removed")).isZero();
        assertThat(copy.count("files_failed")).isZero();
        assertThat(copy.failures()).containsExactly(new Pdm.Failure("/x", JobSummary.NOT_REPLACED));
        assertThat(dry.out()).contains("keep         /x").doesNotContain("copy         /x");
        assertThat(dry.exit()).isEqualTo(1);
        assertThat(Pdm.run("copy", src().toString(), dst().toString()).out())
                .contains("1 not replaced (target has a non-empty directory here; sync or delete replaces it)");

        Pdm.Result sync = Pdm.json("sync", src(), dst());

        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(dst().resolve("x")).isRegularFile().hasContent("now a file");
        assertThat(sync.count("files_removed")).as("x, x/sub and x/sub/p.txt").isEqualTo(3);
        assertThat(sync.count("not_replaced")).isZero();
        TreeComparer.assertSameTree(src(), dst());
    }

    @Test
    void copyStillReplacesAnEmptyDirectoryAFileOrASymlinkByAnotherTypeAndCountsIt() throws IOException {
        Fx.write(src().resolve("was-empty-dir"), "file now");
        Fx.write(src().resolve("was-file/inside"), "dir now");
        Fx.write(src().resolve("was-link"), "file now");
        Fx.mkdirs(dst().resolve("was-empty-dir"));
        Fx.write(dst().resolve("was-file"), "old file");
        Files.createSymbolicLink(dst().resolve("was-link"), Path.of("nowhere"));

        Pdm.Result r = Pdm.json("copy", src(), dst());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_removed")).isEqualTo(3);
        assertThat(dst().resolve("was-empty-dir")).hasContent("file now");
        assertThat(dst().resolve("was-file/inside")).hasContent("dir now");
        assertThat(Files.isSymbolicLink(dst().resolve("was-link"))).isFalse();
        assertThat(dst().resolve("was-link")).hasContent("file now");
    }

    /** Nested extras, type changes both ways and hard links: what the dry run counts is what the real run does. */
    @Test
    void aDryRunCountsAndListsExactlyWhatTheRealRunDoes() throws IOException {
        Fx.write(src().resolve("keep/a.txt"), "a");
        Fx.write(src().resolve("keep/became-file"), "file now");
        Fx.write(src().resolve("keep/became-dir/inside"), "dir now");
        Fx.write(src().resolve("links/one"), "linked");
        Files.createLink(src().resolve("links/two"), src().resolve("links/one"));
        Files.createSymbolicLink(src().resolve("keep/link"), Path.of("a.txt"));
        assertThat(Pdm.json("copy", src(), dst()).exit()).isZero();
        for (int t = 0; t < 3; t++) {
            for (int i = 0; i < 3; i++) {
                Fx.write(dst().resolve("extra" + t + "/d" + i + "/f.txt"), "x");
                Fx.write(dst().resolve("extra" + t + "/d" + i + "/g.txt"), "y");
            }
        }
        Files.delete(dst().resolve("keep/became-file"));
        Fx.write(dst().resolve("keep/became-file/old/deep"), "old");
        deleteTree(dst().resolve("keep/became-dir"));
        Fx.write(dst().resolve("keep/became-dir"), "old");
        Files.delete(dst().resolve("keep/link"));
        Fx.write(dst().resolve("keep/link"), "a file where a symlink belongs");
        Fx.write(src().resolve("links/three-new"), "n");
        Files.createLink(src().resolve("links/four"), src().resolve("links/three-new"));
        SortedMap<String, String> before = TreeComparer.snapshot(dst(), true);

        Pdm.Result dry = Pdm.run("sync", "-n", "--json", src().toString(), dst().toString());
        Pdm.Result dryItems = Pdm.run("sync", "-n", src().toString(), dst().toString());

        assertThat(TreeComparer.snapshot(dst(), true)).as("a dry run changes nothing").isEqualTo(before);
        Pdm.Result real = Pdm.run("sync", "--json", "-i", src().toString(), dst().toString());

        assertThat(real.exit()).as(real.toString()).isZero();
        // 3 trees of 1 + 3 dirs + 6 files, became-file's 3 entries, became-dir's file, link's file
        assertThat(real.count("files_removed")).isEqualTo(3 * 10 + 3 + 1 + 1);
        for (String key : List.of("files_copied", "files_skipped", "files_removed", "files_failed", "meta_fixed",
                "dirs", "dirs_created", "bytes", "differences", "not_replaced", "removals_skipped")) {
            assertThat(dry.count(key)).as(key + " of the dry run\n" + dryItems + "\n" + real).isEqualTo(real.count(key));
        }
        assertThat(dry.json().get("dry_run").asBoolean()).isTrue();
        assertThat(sorted(dryItems.out())).as("the dry run lists the same changes as -i on the real run")
                .isEqualTo(sorted(real.err()).stream().filter(l -> !l.contains(" INFO ")).toList());
        assertThat(dryItems.out()).contains("pdm sync (dry run)").contains("would copy").contains("would remove 35")
                .doesNotContain("files copied");
        TreeComparer.assertSameTree(src(), dst());
    }

    @Test
    void deleteAndSyncRefuseAnEmptySourceOverAFullTarget() throws IOException {
        Fx.mkdirs(src());
        for (int i = 0; i < 10; i++) {
            Fx.write(dst().resolve("d" + i + "/f"), "data " + i);
        }
        SortedMap<String, String> before = TreeComparer.snapshot(dst(), true);

        for (String command : List.of("delete", "sync", "clear")) {
            Pdm.Result r = Pdm.json(command, src(), dst());
            assertThat(r.exit()).as(command + ": " + r).isEqualTo(2);
            assertThat(r.err()).contains("is empty but the target's is not").contains("--allow-empty-source")
                    .contains("nothing was changed");
            assertThat(TreeComparer.snapshot(dst(), true)).as(command + " removed nothing").isEqualTo(before);
        }
        Pdm.Result dry = Pdm.json("sync", src(), dst(), "-n");
        assertThat(dry.exit()).as("a dry run is refused too: " + dry).isEqualTo(2);

        Pdm.Result allowed = Pdm.json("delete", src(), dst(), "--allow-empty-source");

        assertThat(allowed.exit()).as(allowed.toString()).isZero();
        assertThat(allowed.count("files_removed")).isEqualTo(20);
        assertThat(Fx.count(dst())).isZero();
    }

    @Test
    void deleteWithFileRemovesOneFileNeverATree() throws IOException {
        Fx.write(src().resolve("other"), "x");
        for (int i = 0; i < 3; i++) {
            Fx.write(dst().resolve("proj/sub/f" + i), "data " + i);
        }
        Fx.write(dst().resolve("gone"), "its source is gone");
        SortedMap<String, String> before = TreeComparer.snapshot(dst().resolve("proj"), true);

        for (String command : List.of("delete", "sync")) {
            Pdm.Result r = Pdm.json(command, src(), dst(), "--file", "/proj");
            assertThat(r.exit()).as(command + ": " + r).isEqualTo(2);
            // (sync's copy pass refuses first: its source file is missing)
            assertThat(r.err()).contains(command.equals("delete") ? "--file names a directory on the target"
                    : "does not exist").contains("nothing was changed");
            assertThat(TreeComparer.snapshot(dst().resolve("proj"), true)).as(command).isEqualTo(before);
        }
        // sync's copy pass would replace the tree by the source's file of that name: refused too
        Fx.write(src().resolve("proj"), "a file now");
        Pdm.Result sync = Pdm.json("sync", src(), dst(), "--file", "/proj");
        assertThat(sync.exit()).as(sync.toString()).isEqualTo(2);
        assertThat(sync.err()).contains("--file names a directory on the target");
        assertThat(TreeComparer.snapshot(dst().resolve("proj"), true)).isEqualTo(before);
        Files.delete(src().resolve("proj"));

        Pdm.Result one = Pdm.json("delete", src(), dst(), "--file", "/gone");
        assertThat(one.exit()).as(one.toString()).isZero();
        assertThat(one.count("files_removed")).isEqualTo(1);
        assertThat(dst().resolve("gone")).doesNotExist();
    }

    @Test
    void anEmptySourceOverAnEmptyTargetAndCopyAreNotRefused() throws IOException {
        Fx.mkdirs(src());
        Fx.mkdirs(dst());
        assertThat(Pdm.json("sync", src(), dst()).exit()).isZero();
        Fx.write(dst().resolve("f"), "x");
        assertThat(Pdm.json("copy", src(), dst()).exit()).as("copy removes nothing, so it needs no guard").isZero();
        assertThat(dst().resolve("f")).exists();
    }

    @Test
    void maxDeleteStopsRemovingAtItsCapAndSaysSo() throws IOException {
        Fx.write(src().resolve("keep"), "k");
        for (int i = 0; i < 8; i++) {
            Fx.write(dst().resolve("gone" + i), "g");
        }
        Fx.write(dst().resolve("keep"), "k");
        SortedMap<String, String> before = TreeComparer.snapshot(dst(), false);

        Pdm.Result dry = Pdm.json("delete", src(), dst(), "--max-delete", "5", "-n");
        Pdm.Result r = Pdm.json("delete", src(), dst(), "--max-delete", "5");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.count("files_removed")).isEqualTo(5);
        assertThat(r.count("removals_skipped")).isEqualTo(3);
        assertThat(Fx.count(dst())).isEqualTo(4);
        assertThat(r.err()).contains("--max-delete 5 reached");
        assertThat(dry.count("files_removed")).isEqualTo(5);
        assertThat(dry.count("removals_skipped")).isEqualTo(3);
        assertThat(dry.exit()).isEqualTo(1);
        assertThat(before).hasSize(10);

        Pdm.Result zero = Pdm.run("delete", src().toString(), dst().toString(), "--max-delete", "0");
        assertThat(zero.exit()).isEqualTo(1);
        assertThat(zero.out()).contains("--max-delete reached: 3 removals skipped");
        assertThat(Fx.count(dst())).isEqualTo(4);

        // a tree past the cap: each of its entries counted and listed, as a removal would be
        Fx.write(dst().resolve("tree/a/b/f1"), "1");
        Fx.write(dst().resolve("tree/a/b/f2"), "2");
        Pdm.Result listed = Pdm.run("delete", "-i", "--json", "--max-delete", "0", src().toString(), dst().toString());
        assertThat(listed.exit()).as(listed.toString()).isEqualTo(1);
        assertThat(listed.count("removals_skipped")).as(listed.toString()).isEqualTo(3 + 5);
        List<String> capped = listed.err().lines().filter(l -> l.startsWith("capped ")).map(l -> l.substring(12).strip())
                .toList();
        assertThat(capped).as(listed.toString()).hasSize(8)
                .contains("/tree", "/tree/a", "/tree/a/b", "/tree/a/b/f1", "/tree/a/b/f2")
                .filteredOn(p -> p.matches("/gone[0-7]")).hasSize(3);
        assertThat(Fx.count(dst())).isEqualTo(4 + 5);
    }

    @Test
    void maxDeleteCountsEveryEntryOfATreeAndComesFromTheConfigToo() throws IOException {
        Fx.write(src().resolve("keep"), "k");
        Fx.write(dst().resolve("keep"), "k");
        for (int i = 0; i < 6; i++) {
            Fx.write(dst().resolve("tree/d" + i + "/f"), "g");
        }
        Path cfg = tmp.resolve("config.toml");
        Files.writeString(cfg, "max_delete = 4\n");

        Pdm.Result r = Pdm.json("sync", src(), dst(), "--config", cfg.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.count("files_removed")).isEqualTo(4);
        assertThat(Fx.count(dst())).as("13 entries less the 4 removed").isEqualTo(1 + 13 - 4);
        assertThat(Pdm.json("sync", src(), dst(), "--config", cfg.toString(), "--max-delete", "100").exit())
                .as("the option wins over the config").isZero();
        assertThat(Fx.count(dst())).isEqualTo(1);
        Pdm.Result bad = Pdm.json("delete", src(), dst(), "--max-delete", "-1");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--max-delete must be 0 or more, not -1");
    }

    @Test
    void itemizeListsEveryChangeWithExactBytesEscapedAndRemovalsOnce() throws IOException {
        Fx.write(src().resolve("d/new.txt"), "n");
        Fx.write(Fx.child(src().resolve("d"), new byte[]{'c', 'a', 'f', (byte) 0xe9, '\n'}), "latin1 and newline");
        Fx.write(dst().resolve("d/old.txt"), "o");
        Fx.write(dst().resolve("gone/deeper/x"), "o");

        Pdm.Result r = Pdm.run("sync", "-i", src().toString(), dst().toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines()).contains("copy         /d/new.txt", "copy         /d/caf\\xe9\\n",
                "remove       /d/old.txt", "remove       /gone/deeper/x", "remove       /gone/deeper",
                "remove       /gone", "dirmeta      /d");
        assertThat(r.err()).as("each removal said once, by -i").doesNotContain("old.txt").doesNotContain("/gone");
        Fx.write(dst().resolve("d/older.txt"), "o");
        Pdm.Result logged = Pdm.run("sync", src().toString(), dst().toString());
        assertThat(logged.err()).as("without a list, the log says it").contains("INFO  removed - removed file /d/older.txt");
        Pdm.Result quiet = Pdm.run("copy", src().toString(), dst().toString());
        assertThat(quiet.out().lines()).as("without -i only the summary").hasSize(1);
    }

    @Test
    void refusalsChangeNothingAndSayWhatIsWrong() throws IOException {
        Path file = Fx.write(tmp.resolve("a-file"), "x");
        Fx.write(src().resolve("dir/f"), "f");
        Path fresh = tmp.resolve("fresh");

        Pdm.Result fromFile = Pdm.run("copy", file.toString(), fresh.toString());
        assertThat(fromFile.exit()).isEqualTo(2);
        assertThat(fresh).as("a refused copy makes no target").doesNotExist();

        Pdm.Result fileOnDir = Pdm.run("copy", "--file", src().toString(), fresh.toString(), "/dir");
        assertThat(fileOnDir.exit()).isEqualTo(2);
        assertThat(fileOnDir.err()).contains("--file names a directory");
        assertThat(fresh).doesNotExist();

        Pdm.Result noPath = Pdm.run("copy", "--file", src().toString(), fresh.toString());
        assertThat(noPath.exit()).isEqualTo(2);
        assertThat(noPath.err()).contains("--file needs PATH").doesNotContain("null");
        assertThat(fresh).doesNotExist();

        try (ServerSocket busy = new ServerSocket(0)) {
            Pdm.Result port = Pdm.run("copy", "--metrics-port", Integer.toString(busy.getLocalPort()),
                    src().toString(), fresh.toString());
            assertThat(port.exit()).as(port.toString()).isEqualTo(2);
            assertThat(fresh).as("a busy --metrics-port makes no target").doesNotExist();
        }

        Pdm.Result ontoFile = Pdm.run("copy", src().toString(), file.toString());
        assertThat(ontoFile.exit()).isEqualTo(2);
        assertThat(ontoFile.err()).contains("exists and is not a directory").doesNotContain("parent must exist");
        assertThat(file).hasContent("x");

        Pdm.Result noParent = Pdm.run("copy", src().toString(), tmp.resolve("no/such/parent").toString());
        assertThat(noParent.exit()).isEqualTo(2);
        assertThat(noParent.err()).contains("parent directory " + tmp.resolve("no/such") + " does not exist");
    }

    private static List<String> sorted(String lines) {
        List<String> out = new ArrayList<>(lines.lines().filter(l -> !l.startsWith("pdm ") && !l.isBlank()
                && !l.startsWith("{")).toList());
        out.sort(null);
        return out;
    }

    private static void deleteTree(Path p) throws IOException {
        try (var s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(q);
            }
        }
    }
}

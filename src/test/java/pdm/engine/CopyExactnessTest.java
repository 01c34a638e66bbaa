package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/** A copy is exact: every kind of entry and every bit of metadata docs/spec.md lists as kept arrives unchanged. */
class CopyExactnessTest {
    /** The shared benchmark's tree maker, in shared/ beside the project (as CI lays it out too). */
    private static final Path MAKE_TREE = Path.of(System.getProperty("basedir", "")).toAbsolutePath()
            .resolve("../shared/bench/make-tree").normalize();

    @TempDir
    Path tmp;

    @Test
    void copyOfRichTreeIsExactAndKeepsSparseFilesSparse() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst"); // missing: created, as cp and rsync do
        RichTree.build(src, true);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_failed")).isZero();
        assertThat(r.failures()).isEmpty();
        TreeComparer.assertSameTree(src, dst);
        // spot checks that read like the spec, on top of the full comparison
        assertThat(Fx.mode(dst.resolve("modes/setuid-prog"))).isEqualTo(04755);
        assertThat(Fx.mode(dst.resolve("modes/setgid-dir"))).isEqualTo(02775);
        assertThat(Fx.mode(dst.resolve("modes/sticky-dir"))).isEqualTo(01777);
        assertThat(Fx.mode(dst.resolve("modes/nobody-reads"))).isZero();
        assertThat(Fx.uid(dst.resolve("owners/nameless"))).isEqualTo(4242);
        assertThat(Files.isSymbolicLink(dst.resolve("links/to-dir"))).isTrue();
        assertThat(Fx.inode(dst.resolve("hard/one/h1"))).isEqualTo(Fx.inode(dst.resolve("hard/two/h2")));
        Path sparse = dst.resolve("sparse/big.sparse");
        assertThat(Files.size(sparse)).isEqualTo(RichTree.SPARSE_LENGTH);
        assertThat(Fx.allocatedBlocks(sparse)).as("512-byte blocks allocated for a 64 MiB file with 1 byte of data")
                .isLessThan(256);
    }

    @Test
    void copyThenDirtimesIsExact() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        RichTree.build(src, false);

        Pdm.Result copy = Pdm.json("copy", src, dst);
        Pdm.Result dirtimes = Pdm.json("dirtimes", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(dirtimes.exit()).as(dirtimes.toString()).isZero();
        assertThat(dirtimes.failures()).isEmpty();
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void dirtimesRestoresDirectoryMetadataChangedAfterTheCopy() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        RichTree.build(src, false);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        // the target's dirs drift: times, mode and owner
        Fx.mtime(dst.resolve("deep/level-00/level-01"), 42);
        Fx.chmod(dst.resolve("modes/sticky-dir"), 0700);
        Fx.chown(dst.resolve("owners/dir1000"), 0, 0);
        Fx.mtime(dst, 43);

        Pdm.Result r = Pdm.json("dirtimes", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("meta_fixed")).isEqualTo(4);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void copyOfBenchTreeWithWeirdNamesIsExact() throws IOException, InterruptedException {
        if (!Files.isExecutable(MAKE_TREE)) {
            String why = "needs " + MAKE_TREE + " (shared/bench beside the project)";
            assertThat(System.getenv("CI")).as(why + "; under CI=true it must be there").isNotEqualToIgnoringCase("true");
            assumeTrue(false, why);
        }
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        String made = TreeComparer.run(List.of(MAKE_TREE.toString(), "tiny", src.toString(), "--weird-names"));
        assertThat(made).as("make-tree output").contains("\"files\"").doesNotContain("[exit");

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isGreaterThan(2000);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void fsyncCopyIsExactToo() throws IOException {
        Path src = tmp.resolve("fsync-src");
        Path dst = tmp.resolve("fsync-dst");
        RichTree.build(src, false);

        Pdm.Result r = Pdm.json("sync", src, dst, "--fsync");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isGreaterThan(40);
        TreeComparer.assertSameTree(src, dst);
    }
}

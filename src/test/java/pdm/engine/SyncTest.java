package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/** sync = copy, delete, dirtimes: the final pass leaves the target identical, dir mtimes included. */
class SyncTest {
    @TempDir
    Path tmp;

    @Test
    void syncMakesTargetIdenticalAndKeepsItSoAfterSourceChanges() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        RichTree.build(src, false);

        Pdm.Result first = Pdm.json("sync", src, dst);
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().get("action").asText()).isEqualTo("sync");
        TreeComparer.assertSameTree(src, dst);

        // users keep working: files and dirs deleted, a file replaced by a dir, a dir by a file,
        // new files; every touched source dir gets a new mtime from the kernel
        Files.delete(src.resolve("a/file.txt"));
        DeleteTest.deleteTree(src.resolve("a/b"));
        DeleteTest.deleteTree(src.resolve("deep/level-00/level-01/level-02"));
        Files.delete(Fx.child(src.resolve("names"), RichTree.LATIN1));
        Files.delete(src.resolve("links/to-dir"));
        Files.delete(src.resolve("hard/two/h2"));
        Files.delete(src.resolve("sizes/s1"));
        Fx.write(src.resolve("sizes/s1/now-a-dir"), "x");
        DeleteTest.deleteTree(src.resolve("empty-dir2"));
        Files.writeString(src.resolve("empty-dir2"), "now a file");
        Fx.write(src.resolve("modes/readonly-dir/new"), "new in a 0555 dir");
        Fx.chmod(src.resolve("modes/readonly-dir"), 0555);

        Pdm.Result second = Pdm.json("sync", src, dst);

        assertThat(second.exit()).as(second.toString()).isZero();
        assertThat(second.count("files_removed")).isGreaterThanOrEqualTo(6);
        assertThat(second.count("files_copied")).isGreaterThanOrEqualTo(3);
        TreeComparer.assertSameTree(src, dst);
        assertThat(Pdm.json("verify", src, dst).exit()).isZero();
    }

    @Test
    void namedSyncOfOnePathLeavesTheRestAlone() throws IOException {
        Path panda = tmp.resolve("panda");
        Path badger = Fx.mkdirs(tmp.resolve("badger"));
        RichTree.build(panda.resolve("user_xyz"), false);
        Fx.write(panda.resolve("user_abc/not-copied"), "x");
        Fx.write(badger.resolve("user_abc/target-only"), "stays");
        Path cfg = Pdm.config(tmp, panda, badger);

        Pdm.Result r = Pdm.run("sync", "--json", "--config", cfg.toString(), "panda", "badger", "/user_xyz");

        assertThat(r.exit()).as(r.toString()).isZero();
        TreeComparer.assertSameTree(panda.resolve("user_xyz"), badger.resolve("user_xyz"));
        assertThat(badger.resolve("user_abc/not-copied")).doesNotExist();
        assertThat(badger.resolve("user_abc/target-only")).exists();
    }
}

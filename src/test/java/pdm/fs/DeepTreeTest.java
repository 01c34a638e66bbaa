package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.DeepTree;
import pdm.testkit.Pdm;

/**
 * A tree deeper than PATH_MAX ({@link DeepTree}): the kernel takes at most 4,095 bytes of path
 * in one call, so pdm reaches such a directory in pieces, each opened beneath the last without
 * following a symlink. Copy, sync after changes at depths 30 and 52 (copy, delete, dirtimes),
 * verify.
 */
class DeepTreeTest {
    @TempDir
    Path tmp;

    @AfterEach
    void removeWhatJUnitCannot() throws Exception {
        DeepTree.remove(tmp.resolve("src"));
        DeepTree.remove(tmp.resolve("dst"));
    }

    @Test
    void copySyncAndVerifyATreeDeeperThanPathMax() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        DeepTree.build(src);

        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.count("files_copied")).isEqualTo(4);
        assertThat(copy.count("dirs_created")).isEqualTo(DeepTree.DEPTH);
        assertThat(DeepTree.snapshot(dst)).isEqualTo(DeepTree.snapshot(src));
        assertThat(DeepTree.read(dst, DeepTree.DEPTH, "f52")).isEqualTo("depth-52\n");

        DeepTree.change(src);
        Pdm.Result sync = Pdm.json("sync", src, dst);

        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(sync.count("files_copied")).isEqualTo(4);
        assertThat(sync.count("files_removed")).isEqualTo(2);
        assertThat(DeepTree.snapshot(dst)).isEqualTo(DeepTree.snapshot(src));
        assertThat(DeepTree.read(dst, 30, "f30")).isEqualTo("depth-30\nchanged-at-30\n");

        Pdm.Result verify = Pdm.json("verify", src, dst);

        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.count("differences")).isZero();
    }
}

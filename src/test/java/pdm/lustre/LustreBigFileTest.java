package pdm.lustre;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.FakeLfs;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * A big file onto a Lustre target is one temp file whose layout lfs sets before any range is
 * written: the inode lfs created empty (it refuses a file that exists) is the one that holds all
 * the data the ranges wrote, and the name it ends under.
 */
class LustreBigFileTest {
    @TempDir
    Path tmp;

    @Test
    void theLayoutIsSetOnceBeforeAnyRange() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        Path dst = Files.createDirectories(tmp.resolve("dst"));
        FakeLfs lfs = FakeLfs.install(tmp);
        Fx.write(src.resolve("big"), Fx.random((6 << 20) + 4096, 1));
        String lfsPath = "lfs_path = '" + lfs.script + "'\n";
        Path cfg = Files.writeString(tmp.resolve("config.toml"), "file_workers = 4\nsplit_size = \"1M\"\n"
                + "chunk_size = \"256K\"\n\n[datasource.panda]\ntype = \"posix\"\npath = '" + src + "'\n\n"
                + "[datasource.badger]\ntype = \"lustre\"\npath = '" + dst + "'\nwrite = true\n" + lfsPath
                + "stripe_thresholds = { \"1M\" = 4 }\n");

        Pdm.Result r = Pdm.run("copy", "--json", "--config", cfg.toString(), "panda", "badger", "/");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<FakeLfs.Call> made = lfs.calls("setstripe").stream().filter(c -> c.createdIno() != null).toList();
        assertThat(made).as("one layout for the one file, whatever its number of ranges").singleElement()
                .satisfies(c -> {
                    assertThat(c.argv()).startsWith("setstripe", "-c", "4");
                    assertThat(c.createdIno()).isEqualTo(FakeLfs.ino(dst.resolve("big")));
                });
        assertThat(lfs.calls()).noneMatch(c -> c.error() != null);
        TreeComparer.assertSameTree(src, dst);
    }
}

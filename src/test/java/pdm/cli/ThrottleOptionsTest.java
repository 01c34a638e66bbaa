package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/** --bwlimit and --max-files-per-second: checked, and a limited copy is as exact as any (its pace: bench/throttle.sh). */
class ThrottleOptionsTest {
    @TempDir
    Path tmp;

    @Test
    void aLimitedCopyIsExact() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("big"), Fx.random(3 << 20, 7));
        Fx.sparse(src.resolve("sparse"), 64L << 20);
        for (int i = 0; i < 20; i++) {
            Fx.write(src.resolve("d/f" + i), "file " + i);
        }

        Pdm.Result r = Pdm.json("copy", src, tmp.resolve("dst"), "--bwlimit", "64M", "--max-files-per-second", "500");

        assertThat(r.exit()).as(r.toString()).isZero();
        TreeComparer.assertSameTree(src, tmp.resolve("dst"));
    }

    @Test
    void badValuesAreRefusedNamingThem() throws IOException {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Path cfg = tmp.resolve("config.toml");
        Files.writeString(cfg, "bwlimit = \"quick\"\n");

        Pdm.Result rate = Pdm.json("copy", src, tmp.resolve("dst"), "--bwlimit", "12X");
        Pdm.Result files = Pdm.json("sync", src, tmp.resolve("dst"), "--max-files-per-second", "-3");
        Pdm.Result config = Pdm.json("copy", src, tmp.resolve("dst"), "--config", cfg.toString());

        assertThat(rate.exit()).isEqualTo(2);
        assertThat(rate.err()).contains("--bwlimit '12X' is not a rate");
        assertThat(files.exit()).isEqualTo(2);
        assertThat(files.err()).contains("--max-files-per-second must be 0 (no limit) or more, not -3");
        assertThat(config.exit()).isEqualTo(2);
        assertThat(config.err()).contains(cfg + " line 1: bwlimit").contains("'quick' is not a rate");
        assertThat(tmp.resolve("dst")).doesNotExist();
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Tools;

/**
 * What pdm prints, on real files: -v lists the changes as rsync -v does, -i and -n lines come
 * in the same order on every run, a removal listed by -i is not logged on stderr too, verify
 * names both sides' values and counts directories apart, the byte rate counts data and not
 * holes, and a rename refused by an inode flag says so and leaves no temp file.
 */
class OutputIT {
    @TempDir
    Path tmp;

    private final List<Path> locked = new ArrayList<>();

    @AfterEach
    void unlock() {
        locked.forEach(p -> Tools.exec(null, "chattr", "-i", "-a", p.toString()));
    }

    @Test
    void verboseListsWhatChangesAsRsyncDoes() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("d/a"), "a");
        Fx.write(src.resolve("d/b"), "b");
        Path dst = tmp.resolve("dst");

        Pdm.Result r = Pdm.run("copy", "-v", src.toString(), dst.toString());

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out().lines().takeWhile(l -> !l.startsWith("pdm copy"))).as(r.toString())
                .containsExactly("/d/", "/d/a", "/d/b");

        Fx.write(dst.resolve("gone"), "x");
        Pdm.Result sync = Pdm.run("sync", "-v", src.toString(), dst.toString());
        assertThat(sync.out()).as(sync.toString()).contains("deleting /gone");
    }

    @Test
    void dryRunAndItemizeLinesComeInTheSameOrderEveryRun() throws IOException {
        Path src = tmp.resolve("src");
        for (int d = 0; d < 8; d++) {
            for (int f = 0; f < 40; f++) {
                Fx.write(src.resolve("d" + d + "/f" + f), "x" + f);
            }
        }
        Path dst = tmp.resolve("dst");

        String first = Pdm.run("copy", "-n", "--file-workers", "8", src.toString(), dst.toString()).out();
        String second = Pdm.run("copy", "-n", "--file-workers", "8", src.toString(), dst.toString()).out();
        Pdm.Result real = Pdm.run("copy", "-i", "--file-workers", "8", src.toString(), dst.toString());

        List<String> lines = first.lines().filter(l -> !l.startsWith("pdm ")).toList();
        assertThat(lines).hasSize(8 * 40 + 8 + 9);
        assertThat(second.lines().filter(l -> !l.startsWith("pdm ")).toList()).isEqualTo(lines);
        assertThat(real.out().lines().filter(l -> !l.startsWith("pdm ")).toList())
                .as("the real run prints what its dry run said, line by line").isEqualTo(lines);
    }

    @Test
    void anItemizedRemovalIsSaidOnce() throws IOException {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Fx.write(src.resolve("keep"), "k");
        Path dst = tmp.resolve("dst");
        Fx.write(dst.resolve("gone"), "x");

        Tools.Output o = Tools.exec(null, ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", Cluster.jar(), "delete", "-i", src.toString(),
                dst.toString());

        assertThat(o.exit()).as(o.toString()).isZero();
        assertThat(o.out()).contains("remove       /gone");
        assertThat(o.err()).as("not on stderr as well").doesNotContain("gone");
    }

    @Test
    void verifyNamesBothSidesAndCountsDirectoriesApart() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("a/f"), "f");
        Fx.write(src.resolve("b/g"), "g");
        Path dst = tmp.resolve("dst");
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Fx.chmod(dst.resolve("a"), 0700);
        Fx.chmod(dst.resolve("b"), 0700);
        Fx.mtime(dst.resolve("b"), 1_500_000_000_000_000_000L);

        Pdm.Result r = Pdm.run("verify", src.toString(), dst.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out().lines().findFirst().orElseThrow()).as(r.toString())
                .contains(": 2 compared: 2 identical, 0 differ, 0 failed; 3 dirs, 2 differ;");
        assertThat(r.out()).contains("  /a: differs: mode: source 0755, target 0700")
                .containsPattern("  /b: differs: mode: source 0755, target 0700; mtime: source 20\\d\\d-[0-9-]+T"
                        + "[0-9:.]+Z, target 2017-07-14T02:40:00Z");
    }

    @Test
    void theByteRateCountsDataWrittenNotHoles() throws IOException {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Path sparse = src.resolve("sparse");
        Fx.sparse(sparse, 256L << 20);
        try (var f = new java.io.RandomAccessFile(sparse.toFile(), "rw")) {
            f.seek(100L << 20);
            f.write(Fx.random(1 << 20, 3));
        }
        Path dst = tmp.resolve("dst");

        Pdm.Result r = Pdm.json("copy", src, dst, "--bwlimit", "50M");

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("bytes")).isEqualTo(256L << 20);
        // (1 MiB of data, and the last byte's block)
        assertThat(r.count("bytes_written")).as("the data, not the holes: " + r).isBetween(1L << 20, (1L << 20) + 8192);
    }

    @Test
    void aRenameRefusedByAFlagSaysSoAndLeavesNoTempFile() throws IOException {
        assumeTrue(Tools.root(), "chattr needs root");
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("i/f"), "new content");
        Fx.write(src.resolve("a/g"), "new content");
        Path dst = tmp.resolve("dst");
        Path f = Fx.write(dst.resolve("i/f"), "old");
        Path g = Fx.write(dst.resolve("a/g"), "old");
        Fx.mtime(f, 1_500_000_000_000_000_000L);
        Fx.mtime(g, 1_500_000_000_000_000_000L);
        Tools.run("chattr", "+i", f.toString());
        locked.add(f);
        Tools.run("chattr", "+a", dst.resolve("a").toString());
        locked.add(dst.resolve("a"));

        Pdm.Result r = Pdm.json("copy", src, dst, "--no-flags");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).filteredOn(x -> x.path().equals("/i/f") || x.path().equals("/a/g")).hasSize(2)
                .allSatisfy(x -> assertThat(x.error()).contains("EPERM").contains("immutable or append-only"));
        assertThat(Fx.names(dst)).as("no temp file left, even in the append-only directory")
                .noneMatch(n -> n.contains(".pdm-tmp-"));
        assertThat(Tools.run("lsattr", "-d", dst.resolve("a").toString())).as("the flag is as it was")
                .startsWith("-----a");
    }
}

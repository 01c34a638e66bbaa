package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Pdm;

/**
 * A tree deeper than PATH_MAX, as coreutils' deep-directory tests make it: 52 nested
 * directories of 200-byte names (about 10,400 bytes of path), files at depths 30 and 52.
 * The kernel takes at most 4,095 bytes of path in one call, so pdm must reach such a
 * directory in pieces. The JDK's path-based file API cannot reach it at all, so the tree is
 * made, changed, compared and removed by bash and GNU tools that walk relative to a directory
 * (rsync refuses such paths: "filename overflows max-path len").
 */
class DeepTreeTest {
    private static final String NAME = "d".repeat(200);
    private static final int DEPTH = 52;

    @TempDir
    Path tmp;

    @AfterEach
    void removeWhatJUnitCannot() throws Exception {
        sh("rm -rf src dst");
    }

    @Test
    void copySyncAndVerifyATreeDeeperThanPathMax() throws Exception {
        sh("d=" + NAME + "; mkdir src && cd src && for i in $(seq 1 " + DEPTH + "); do mkdir $d && cd $d;"
                + " if [ $i = 30 ] || [ $i = " + DEPTH + " ]; then echo depth-$i > f$i; echo gone > old$i; fi; done");
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");

        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.count("files_copied")).isEqualTo(4);
        assertThat(copy.count("dirs_created")).isEqualTo(DEPTH);
        assertThat(snapshot("dst")).isEqualTo(snapshot("src"));
        assertThat(sh("cd dst && " + down(DEPTH) + " cat f" + DEPTH)).isEqualTo("depth-52\n");

        // users work at both depths: a file changed, one removed, one new; the dirs' mtimes move
        sh("d=" + NAME + "; cd src && for i in $(seq 1 " + DEPTH + "); do cd $d;"
                + " if [ $i = 30 ] || [ $i = " + DEPTH + " ]; then echo changed-at-$i >> f$i; rm old$i;"
                + " echo new > new$i; fi; done");

        Pdm.Result sync = Pdm.json("sync", src, dst);

        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(sync.count("files_copied")).isEqualTo(4);
        assertThat(sync.count("files_removed")).isEqualTo(2);
        assertThat(snapshot("dst")).isEqualTo(snapshot("src"));
        assertThat(sh("cd dst && " + down(30) + " cat f30")).isEqualTo("depth-30\nchanged-at-30\n");

        Pdm.Result verify = Pdm.json("verify", src, dst);

        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(verify.count("differences")).isZero();
    }

    /** Shell words that go {@code depth} levels down, one cd each (bash's cd cannot take more than PATH_MAX at once). */
    private static String down(int depth) {
        return "for i in $(seq 1 " + depth + "); do cd " + NAME + "; done;";
    }

    /**
     * Every entry of a tree, sorted: type, full mode, owner, group, mtime to the ns, relative
     * path and symlink target; for files also size and content hash (GNU find walks relative to
     * each directory, and -execdir hashes from there).
     */
    private List<String> snapshot(String tree) throws Exception {
        String out = sh("cd " + tree + " && find . -printf '%y %M %U %G %T@ %p %l\\n' -type f -printf 'size %s '"
                + " -execdir sha256sum {} \\; | sort");
        assertThat(out).contains("./f" + DEPTH); // (the walk reached the bottom)
        return List.of(out.split("\n"));
    }

    private String sh(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-ec", script).directory(tmp.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(script + "\n" + text).isZero();
        return text;
    }
}

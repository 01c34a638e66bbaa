package pdm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tree deeper than PATH_MAX, as coreutils' deep-directory tests make it: 52 nested
 * directories of 200-byte names (about 10,400 bytes of path), files at depths 30 and 52.
 * The JDK's path-based file API cannot reach the bottom, so the tree is made, changed,
 * compared and removed by bash and GNU tools that walk relative to a directory (rsync refuses
 * such paths: "filename overflows max-path len"). JUnit's @TempDir cannot delete it either:
 * call {@link #remove} first.
 */
public final class DeepTree {
    public static final String NAME = "d".repeat(200);
    public static final int DEPTH = 52;

    private DeepTree() {
    }

    /** Makes {@code root} (it must not exist) with files {@code fN} and {@code oldN} at depths 30 and 52. */
    public static void build(Path root) throws IOException, InterruptedException {
        sh(root.getParent(), "mkdir " + root.getFileName() + " && cd " + root.getFileName()
                + " && for i in $(seq 1 " + DEPTH + "); do mkdir " + NAME + " && cd " + NAME + ";"
                + " if [ $i = 30 ] || [ $i = " + DEPTH + " ]; then echo depth-$i > f$i; echo gone > old$i; fi; done");
    }

    /** At depths 30 and 52: {@code fN} changed, {@code oldN} removed, {@code newN} added (the dirs' mtimes move). */
    public static void change(Path root) throws IOException, InterruptedException {
        sh(root, "for i in $(seq 1 " + DEPTH + "); do cd " + NAME + ";"
                + " if [ $i = 30 ] || [ $i = " + DEPTH + " ]; then echo changed-at-$i >> f$i; rm old$i;"
                + " echo new > new$i; fi; done");
    }

    /** The content of the file {@code name} at {@code depth}. */
    public static String read(Path root, int depth, String name) throws IOException, InterruptedException {
        return sh(root, "for i in $(seq 1 " + depth + "); do cd " + NAME + "; done; cat " + name);
    }

    /**
     * Every entry of the tree, sorted: type, full mode, owner, group, mtime to the ns, relative
     * path and symlink target; for files also size and content hash (GNU find walks relative to
     * each directory, and -execdir hashes from there).
     */
    public static List<String> snapshot(Path root) throws IOException, InterruptedException {
        String out = sh(root, "find . -printf '%y %M %U %G %T@ %p %l\\n' -type f -printf 'size %s '"
                + " -execdir sha256sum {} \\; | sort");
        assertThat(out).as("the walk of " + root + " reached the bottom").contains("./f" + DEPTH);
        return List.of(out.split("\n"));
    }

    /** rm -rf, which walks relative to each directory. */
    public static void remove(Path root) throws IOException, InterruptedException {
        sh(root.getParent(), "rm -rf " + root.getFileName());
    }

    private static String sh(Path dir, String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", "-ec", script).directory(dir.toFile()).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(script + "\n" + text).isZero();
        return text;
    }
}

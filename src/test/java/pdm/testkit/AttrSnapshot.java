package pdm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The attributes of a tree as the admin's own tools list them, with paths relative to its root
 * and each tool's output put in a fixed order (the tools walk in directory order, which differs
 * between two copies): {@code getfacl -R -n}, {@code getcap -r}, {@code lsattr -R},
 * {@code lsattr -R -p} (project IDs) and {@code getfattr -R -d -m - -e hex} (every namespace).
 * Two trees with equal snapshots hold the same ACLs, capabilities, flags, project IDs and xattrs.
 */
public record AttrSnapshot(Map<String, String> byTool) {
    private static final List<String> TOOLS = List.of("getfacl", "getcap", "lsattr", "lsattr -p", "getfattr");

    public static AttrSnapshot of(Path root) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("getfacl", blocks(Tools.runIn(root, "getfacl", "-R", "-n", "-p", ".")));
        out.put("getcap", lines(Tools.runIn(root, "getcap", "-r", ".")));
        out.put("lsattr", lines(lsattr(root)));
        out.put("lsattr -p", lines(lsattr(root, "-p")));
        out.put("getfattr", blocks(Tools.runIn(root, "getfattr", "-R", "-h", "-d", "-m", "-", "-e", "hex", ".")));
        return new AttrSnapshot(out);
    }

    /**
     * lsattr -R of the tree and lsattr -d of its root; lsattr complains about entries that have no
     * flags (symlinks, fifos) on stderr, which is no difference.
     */
    private static String lsattr(Path root, String... opts) {
        StringBuilder b = new StringBuilder();
        for (String walk : List.of("-R", "-d")) {
            List<String> cmd = new ArrayList<>(List.of("lsattr", walk));
            cmd.addAll(Arrays.asList(opts));
            cmd.add(".");
            for (String line : Tools.exec(root, cmd.toArray(String[]::new)).out().split("\n")) {
                // (lsattr -R prints each directory's name as a heading; its entries carry their path)
                if (!line.isBlank() && !line.endsWith(":")) {
                    b.append(line).append('\n');
                }
            }
        }
        return b.toString();
    }

    private static String lines(String text) {
        return String.join("\n", Arrays.stream(text.split("\n")).filter(l -> !l.isBlank()).sorted().toList());
    }

    /** getfacl and getfattr print one block per file, blank-line separated. */
    private static String blocks(String text) {
        return String.join("\n\n", Arrays.stream(text.split("\n\n")).map(String::strip).filter(b -> !b.isEmpty())
                .sorted().toList());
    }

    /** Asserts both trees have the same attributes by every tool, and that rsync -aHAXn sees no difference. */
    public static void assertSame(Path src, Path dst) {
        AttrSnapshot a = of(src);
        AttrSnapshot b = of(dst);
        for (String tool : TOOLS) {
            assertThat(b.byTool().get(tool)).as(tool + " of the copy").isEqualTo(a.byTool().get(tool));
        }
        assertThat(rsyncItemize(src, dst)).as("rsync -aHAXn -i --numeric-ids SRC/ DST/").isEmpty();
    }

    /** What {@code rsync -aHAXn -i --numeric-ids SRC/ DST/} lists: the differences it would fix. */
    public static String rsyncItemize(Path src, Path dst) {
        return Tools.run("rsync", "-aHAXn", "-i", "--numeric-ids", src + "/", dst + "/").strip();
    }

    /** Clears immutable and append-only below {@code root}, so that it can be deleted. */
    public static void unlock(Path root) {
        if (root.toFile().exists()) {
            Tools.exec(null, "chattr", "-R", "-f", "-i", "-a", root.toString());
        }
    }
}

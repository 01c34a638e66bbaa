package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/**
 * The progress line as a person sees it: pdm runs in a real terminal (a tmux pane of 80
 * columns), and the screen is read every 100 ms while it copies. The line never wraps, is
 * never left behind (one progress row at a time, none once the summary is printed), shows the
 * percent and where its total came from, and the first update is not all zeros.
 */
class ProgressTerminalIT {
    private static final int COLUMNS = 80;
    private static final int DIRS = 60;
    private static final int FILES_PER_DIR = 600;

    @TempDir
    Path tmp;

    private final String socket = "pdm-it-" + ProcessHandle.current().pid();

    @AfterEach
    void killServer() throws Exception {
        tmux("kill-server").waitFor(10, TimeUnit.SECONDS);
    }

    @Test
    void theLineFitsEightyColumnsAndLeavesNothingBehind() throws Exception {
        assumeTmux();
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        byte[] data = Fx.random(1024, 5);
        for (int d = 0; d < DIRS; d++) {
            Path dir = Fx.mkdirs(src.resolve(String.format("d%02d", d)));
            for (int f = 0; f < FILES_PER_DIR; f++) {
                Files.write(dir.resolve("f" + f), data);
            }
        }
        // a dry run first: its walk is the total the real copy's percent is measured against
        String pdm = "'" + ProcessHandle.current().info().command().orElse("java") + "' "
                + "--enable-native-access=ALL-UNNAMED -jar '" + Cluster.jar() + "'";
        String script = "export PDM_STATE_DIR='" + tmp.resolve("state") + "'; unset COLUMNS PDM_RABBITMQ; "
                + pdm + " copy -n '" + src + "' '" + dst + "' >/dev/null 2>&1; "
                + pdm + " copy --dir-workers 1 --file-workers 1 '" + src + "' '" + dst + "'; echo EXIT=$?; sleep 600";
        Process started = tmux("new-session", "-d", "-x", Integer.toString(COLUMNS), "-y", "40", "sh", "-c", script);
        assertThat(started.waitFor(30, TimeUnit.SECONDS) && started.exitValue() == 0).as("tmux started").isTrue();

        List<String> seen = new ArrayList<>();
        String screen = "";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!screen.contains("EXIT=") && System.nanoTime() < deadline) {
            screen = capture();
            List<String> progress = screen.lines().filter(l -> l.startsWith("copy:")).toList();
            assertThat(progress).as("one progress row at a time, never one left behind:\n" + screen).hasSizeLessThan(2);
            for (String row : progress) {
                // -J joins a wrapped row: a line that wrapped would be longer than the pane
                assertThat(row.length()).as("fits in %d columns: %s", COLUMNS, row).isLessThan(COLUMNS);
                seen.add(row);
            }
            Thread.sleep(100);
        }

        assertThat(screen).as("the copy ended within 3 minutes:\n" + screen).contains("EXIT=0");
        assertThat(seen).as("the copy lasted long enough to show progress:\n" + screen).isNotEmpty();
        assertThat(seen.get(0)).as("the first update").doesNotContain(" 0% ").doesNotContain(" 0 files");
        assertThat(seen).anySatisfy(row -> assertThat(row).matches("copy: [0-9:]+, [0-9]+% \\(previous pass\\), ETA .*"));
        assertThat(screen.lines().filter(l -> l.startsWith("copy:"))).as("erased before the summary:\n" + screen)
                .isEmpty();
        assertThat(screen).contains("pdm copy " + src + " -> " + dst + " /: " + DIRS * FILES_PER_DIR + " files copied");
    }

    private String capture() throws Exception {
        Process p = tmux("capture-pane", "-p", "-J");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    private Process tmux(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    private static void assumeTmux() throws Exception {
        boolean there;
        try {
            there = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            there = false;
        }
        if (!there && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("tmux is needed for the progress line's terminal test under CI=true "
                    + "(apt-get install tmux)");
        }
        assumeTrue(there, "tmux is not installed: the progress line's terminal test is skipped (apt-get install tmux)");
    }
}

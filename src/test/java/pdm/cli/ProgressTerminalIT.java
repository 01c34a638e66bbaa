package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import pdm.testkit.Tmux;

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

    private final Tmux tmux = new Tmux("pdm-it");

    private Path locked;

    @AfterEach
    void killServer() throws Exception {
        tmux.close();
        if (locked != null) {
            new ProcessBuilder("chattr", "-i", locked.toString()).start().waitFor();
        }
    }

    @Test
    void theLineFitsEightyColumnsAndLeavesNothingBehind() throws Exception {
        Tmux.assume();
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
        Process started = tmux.run("new-session", "-d", "-x", Integer.toString(COLUMNS), "-y", "40", "sh", "-c", script);
        assertThat(started.waitFor(30, TimeUnit.SECONDS) && started.exitValue() == 0).as("tmux started").isTrue();

        List<String> seen = new ArrayList<>();
        String screen = "";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (!screen.contains("EXIT=") && System.nanoTime() < deadline) {
            screen = tmux.capture();
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
        assertThat(screen.replace("\n    ", " ")).contains("pdm copy " + src + " -> " + dst + " /\n  files     " + DIRS * FILES_PER_DIR
                + " copied, 0 up to date");
    }

    /**
     * On a terminal the summary is a few lines under aligned labels, a long refusal is wrapped
     * between words, and a failure the terminal showed as a WARN line is not listed again.
     */
    @Test
    void theSummaryAndARefusalAreLinesOfEightyColumns() throws Exception {
        Tmux.assume();
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        for (int i = 0; i < 5; i++) {
            Fx.write(src.resolve("d/f" + i), "data " + i);
        }
        Path locked = Fx.write(dst.resolve("d/f0"), "an older f0");
        Fx.mtime(locked, 1_500_000_000_000_000_000L);
        assumeTrue(new ProcessBuilder("chattr", "+i", locked.toString()).start().waitFor() == 0, "chattr +i");
        this.locked = locked;
        Fx.write(dst.resolve("only-here/x"), "x");
        Path empty = Fx.mkdirs(tmp.resolve("empty"));
        String pdm = "'" + ProcessHandle.current().info().command().orElse("java") + "' "
                + "--enable-native-access=ALL-UNNAMED -jar '" + Cluster.jar() + "'";
        // (an immutable target file that --no-flags leaves alone: its update fails, with a WARN line)
        String script = "export PDM_STATE_DIR='" + tmp.resolve("state") + "'; unset COLUMNS PDM_RABBITMQ; "
                + pdm + " copy --no-flags '" + src + "' '" + dst + "'; echo EXIT=$?; "
                + pdm + " sync '" + empty + "' '" + dst + "'; echo EXIT=$?; sleep 600";
        Process started = tmux.run("new-session", "-d", "-x", Integer.toString(COLUMNS), "-y", "50", "sh", "-c", script);
        assertThat(started.waitFor(30, TimeUnit.SECONDS) && started.exitValue() == 0).as("tmux started").isTrue();
        String screen = "";
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (screen.split("EXIT=", -1).length < 3 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            screen = tmux.capture();
        }

        assertThat(screen).as(screen).contains("EXIT=1").contains("EXIT=2");
        // -J joins wrapped rows: every row within the pane means nothing was wrapped by the terminal
        // (a log line keeps to one line, for grep, whatever its length)
        assertThat(screen.lines().filter(l -> !l.contains(" WARN "))).as(screen)
                .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(COLUMNS));
        assertThat(screen.replace("\n    ", " ")).as(screen).contains("pdm copy " + src + " -> " + dst + " /\n"
                + "  files     4 copied, 0 up to date, 0 removed, 2 metadata fixed, 1 failed\n"
                + "  dirs      2 (0 created)\n"
                + "  data      ");
        assertThat(screen.lines().filter(l -> l.contains("/d/f0"))).as("said once:\n" + screen)
                .singleElement().asString().contains("WARN").contains("immutable or append-only");
        assertThat(screen).contains("  the 1 failed are listed above, as they happened (and in --json)");
        String refusal = screen.substring(screen.indexOf("pdm: source path / on"), screen.lastIndexOf("EXIT=2"));
        assertThat(refusal.lines().count()).as("wrapped between words, not by the terminal:\n" + screen)
                .isGreaterThan(2);
        assertThat(refusal.lines().skip(1)).allSatisfy(l -> assertThat(l).startsWith("  "));
        assertThat(refusal.replaceAll("\\s+", " ")).contains("If the source really is empty, give "
                + "--allow-empty-source; nothing was changed");
    }



}

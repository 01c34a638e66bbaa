package pdm.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmux server of the test's own (its own socket, no user config): a terminal as a user has one,
 * to run pdm in and read what the screen shows.
 */
public final class Tmux implements AutoCloseable {
    private final String socket;

    /** A server named {@code name} and this JVM's pid. */
    public Tmux(String name) {
        this.socket = name + "-" + ProcessHandle.current().pid();
    }

    /** Skips the test where tmux is not installed; under CI=true that fails it instead. */
    public static void assume() throws InterruptedException {
        boolean there;
        try {
            there = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            there = false;
        }
        if (!there && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError("tmux is needed for the terminal tests under CI=true (apt-get install tmux)");
        }
        assumeTrue(there, "tmux is not installed: the terminal test is skipped (apt-get install tmux)");
    }

    /** {@code tmux ARGS...} on this server. */
    public Process run(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", socket, "-f", "/dev/null"));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd).redirectErrorStream(true).start();
    }

    /** What the pane shows now, wrapped lines joined. */
    public String capture() throws IOException, InterruptedException {
        Process p = run("capture-pane", "-p", "-J");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(10, TimeUnit.SECONDS);
        return out;
    }

    /** Stops the server and whatever still runs in it. */
    @Override
    public void close() throws IOException, InterruptedException {
        run("kill-server").waitFor(10, TimeUnit.SECONDS);
    }
}

package pdm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the system's own attribute tools (setfacl, setcap, setfattr, chattr and their readers)
 * as real processes: tests make and read attributes the way an admin would.
 */
public final class Tools {
    private Tools() {
    }

    /** What a command printed (stdout and stderr apart) and its exit status. */
    public record Output(int exit, String out, String err) {
    }

    /** Runs {@code cmd} in {@code cwd} (null: here); never fails on the exit status. */
    public static Output exec(Path cwd, String... cmd) {
        ProcessBuilder pb = new ProcessBuilder(cmd);
        if (cwd != null) {
            pb.directory(cwd.toFile());
        }
        pb.environment().put("LC_ALL", "C");
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var err = p.getErrorStream();
            var errText = new java.util.concurrent.CompletableFuture<String>();
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    errText.complete(new String(err.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    errText.complete("(unreadable: " + e + ")");
                }
            });
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(5, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("did not end within 5 minutes: " + List.of(cmd));
            }
            t.join();
            return new Output(p.exitValue(), out, errText.join());
        } catch (IOException e) {
            if (!has(cmd[0])) { // a tool this machine lacks skips the test, except where CI must run it
                String why = cmd[0] + " is not installed (.ci/run installs it)";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    throw new AssertionError("CI=true, and this test needs " + why, e);
                }
                org.junit.jupiter.api.Assumptions.abort(why);
            }
            throw new UncheckedIOException("cannot run " + List.of(cmd), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while running " + List.of(cmd), e);
        }
    }

    /** Runs {@code cmd} and returns its stdout; fails the test, with what it said, unless it exits 0. */
    public static String run(String... cmd) {
        return runIn(null, cmd);
    }

    public static String runIn(Path cwd, String... cmd) {
        Output o = exec(cwd, cmd);
        if (o.exit() != 0) {
            throw new AssertionError(List.of(cmd) + " exited " + o.exit() + ": " + o.err() + o.out());
        }
        return o.out();
    }

    /** Whether {@code tool} is on the PATH. */
    public static boolean has(String tool) {
        return exec(null, "sh", "-c", "command -v " + tool).exit() == 0;
    }

    public static boolean root() {
        return "0".equals(exec(null, "id", "-u").out().strip());
    }
}

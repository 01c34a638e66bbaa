package pdm.testkit;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * RabbitMQ nodes of a test's own, clustered on this machine: separate node names, AMQP and
 * distribution ports (free ones, so that tests in other checkouts can run at the same time),
 * data, logs and Erlang cookie under the test's directory, no plugins (no management port).
 * The shared broker of the other tests is never touched. {@link #close()} stops every node
 * started, whatever happened before.
 */
public final class RabbitNodes implements AutoCloseable {
    private static final Path LIB = Path.of("/usr/lib/rabbitmq/bin");
    private static final long CTL_SECONDS = 120;

    private final Path dir;
    private final String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final List<String> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();

    private RabbitNodes(Path dir) {
        this.dir = dir;
    }

    /**
     * {@code count} nodes, the second and later joined to the first. Skips the test (fails it
     * under CI=true) when RabbitMQ is not installed here.
     */
    public static RabbitNodes start(Path dir, int count) throws IOException, InterruptedException {
        if (!Files.isExecutable(LIB.resolve("rabbitmq-server")) || !Files.isExecutable(LIB.resolve("rabbitmqctl"))) {
            String msg = "a RabbitMQ cluster of the test's own needs rabbitmq-server and rabbitmqctl in " + LIB
                    + " (apt-get install rabbitmq-server)";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(msg);
            }
            Assumptions.abort(msg);
        }
        RabbitNodes r = new RabbitNodes(Files.createDirectories(dir));
        // The cookie every node and rabbitmqctl of this test share (HOME is the test's directory).
        Path cookie = dir.resolve(".erlang.cookie");
        Files.writeString(cookie, "PDMTEST" + r.id.toUpperCase());
        Files.setPosixFilePermissions(cookie, PosixFilePermissions.fromString("r--------"));
        Files.writeString(dir.resolve("enabled_plugins"), "[].\n");
        try {
            for (int i = 0; i < count; i++) {
                r.launch(i);
            }
            for (int i = 0; i < count; i++) {
                r.awaitStarted(i);
            }
            for (int i = 1; i < count; i++) {
                String n = r.nodes.get(i);
                r.ctl(n, "stop_app");
                r.ctl(n, "join_cluster", r.nodes.get(0));
                r.ctl(n, "start_app");
            }
            return r;
        } catch (IOException | InterruptedException | RuntimeException | AssertionError e) {
            r.close();
            throw e;
        }
    }

    private void launch(int i) throws IOException, InterruptedException {
        String name = "pdm" + (char) ('a' + i) + id + "@localhost";
        int port = freePort();
        Path d = Files.createDirectories(dir.resolve("node" + i));
        Map<String, String> env = Map.of("RABBITMQ_NODENAME", name, "RABBITMQ_NODE_PORT", Integer.toString(port),
                "RABBITMQ_DIST_PORT", Integer.toString(freePort()),
                "RABBITMQ_MNESIA_BASE", d.resolve("mnesia").toString(), "RABBITMQ_LOG_BASE", d.resolve("log").toString(),
                "RABBITMQ_PID_FILE", d.resolve("pid").toString(),
                "RABBITMQ_ENABLED_PLUGINS_FILE", dir.resolve("enabled_plugins").toString(),
                // (none of the machine's /etc/rabbitmq settings: the shared broker's listeners are not ours)
                "RABBITMQ_CONFIG_FILE", d.resolve("none").toString(),
                "RABBITMQ_ADVANCED_CONFIG_FILE", d.resolve("none-advanced.config").toString());
        nodes.add(name);
        ports.add(port);
        ProcessBuilder pb = new ProcessBuilder(LIB.resolve("rabbitmq-server").toString(), "-detached")
                .redirectErrorStream(true).redirectOutput(d.resolve("start.log").toFile());
        pb.environment().putAll(env);
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        if (!p.waitFor(CTL_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("rabbitmq-server -detached for " + name + " did not return within " + CTL_SECONDS + " s");
        }
    }

    /**
     * Until the node answers (bounded): {@code -detached} returns before the node has registered
     * with epmd, and await_startup gives up at once on a node it cannot find.
     */
    private void awaitStarted(int i) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(CTL_SECONDS);
        String last = "";
        while (System.nanoTime() - end < 0) {
            Result r = run(nodes.get(i), "await_startup", "--timeout", "60");
            if (r.exit() == 0) {
                return;
            }
            last = r.output();
            Thread.sleep(1000);
        }
        Path d = dir.resolve("node" + i);
        StringBuilder logs = new StringBuilder();
        try (var files = Files.walk(d)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".log")).toList()) {
                String text = Files.readString(f, StandardCharsets.ISO_8859_1);
                logs.append("\n--- ").append(f).append(":\n").append(text, Math.max(0, text.length() - 3000), text.length());
            }
        }
        fail("RabbitMQ node " + nodes.get(i) + " did not start within " + CTL_SECONDS + " s: " + last + logs);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** The n-th node's name (0-based), e.g. {@code pdmaXYZ@localhost}. */
    public String node(int n) {
        return nodes.get(n);
    }

    /** A connect string for the n-th node. */
    public String uri(int n) {
        return "amqp://guest:guest@127.0.0.1:" + ports.get(n) + "/";
    }

    /** {@code rabbitmqctl -n NODE ARGS}, bounded; its output, or a failed test. */
    public String ctl(String node, String... args) throws IOException, InterruptedException {
        Result r = run(node, args);
        if (r.exit() != 0) {
            fail("rabbitmqctl " + String.join(" ", args) + " on " + node + " failed: " + r.output());
        }
        return r.output();
    }

    private record Result(int exit, String output) {
    }

    private Result run(String node, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(LIB.resolve("rabbitmqctl").toString(), "-n", node));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "ctl", ".out");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("HOME", dir.toString());
        Process p = pb.start();
        if (!p.waitFor(CTL_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("rabbitmqctl " + cmd + " did not end within " + CTL_SECONDS + " s");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    /** Stops every node this test started: rabbitmqctl stop, else a kill of the pid it wrote. */
    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Path pid = dir.resolve("node" + i).resolve("pid");
            try {
                ctl(nodes.get(i), "stop", pid.toString());
            } catch (IOException | RuntimeException | AssertionError e) {
                if (Files.exists(pid)) {
                    ProcessHandle.of(Long.parseLong(Files.readString(pid).trim())).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        }
    }
}

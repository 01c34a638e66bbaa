package pdm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import pdm.cluster.Topology;
import pdm.task.FileTask;

/**
 * Real pdm processes for distributed-mode tests: a config with two filesystems under unique
 * names (so each test has queues of its own), worker processes started from the built jar,
 * and pdm commands run as processes. Everything is stopped and the test's queues deleted on close.
 */
public final class Cluster implements AutoCloseable {
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(4);

    public final Path dir;
    public final Path src;
    public final Path dst;
    public final String srcName;
    public final String tgtName;
    /** A second writable target for embedded runs next to distributed ones ({@code dst2}). */
    public final String tgt2Name;
    public final Path dst2;
    public final Path config;
    private final List<Process> workers = new ArrayList<>();
    private final Map<Process, Path> commands = new ConcurrentHashMap<>();
    private int logs;

    public Cluster(Path dir) throws IOException {
        this(dir, "", false);
    }

    /**
     * @param extraConfig  more top-level keys for config.toml (e.g. {@code file_workers = 2})
     * @param secondTarget also configure {@code dst2}, a second writable target (workers then
     *                     serve every pair with a writable target, as in production)
     */
    public Cluster(Path dir, String extraConfig, boolean secondTarget) throws IOException {
        this(dir, extraConfig, secondTarget, null);
    }

    /** @param mountedTarget a target configured with mount = true (null: dir/dst, mount = false) */
    public Cluster(Path dir, String extraConfig, boolean secondTarget, Path mountedTarget) throws IOException {
        this(dir, extraConfig, secondTarget, mountedTarget, "type = \"posix\"", "type = \"posix\"");
    }

    /**
     * @param targetKeys the target table's type and any more keys of it, e.g. {@code type = "lustre"}
     *                   with its Lustre keys
     */
    public Cluster(Path dir, String extraConfig, boolean secondTarget, Path mountedTarget, String targetKeys)
            throws IOException {
        this(dir, extraConfig, secondTarget, mountedTarget, "type = \"posix\"", targetKeys);
    }

    /** @param sourceKeys the source table's type and any more keys of it (a Lustre source) */
    public Cluster(Path dir, String extraConfig, boolean secondTarget, Path mountedTarget, String sourceKeys,
                   String targetKeys) throws IOException {
        this.dir = Files.createDirectories(dir);
        this.src = Files.createDirectories(dir.resolve("src"));
        this.dst = mountedTarget != null ? mountedTarget : Files.createDirectories(dir.resolve("dst"));
        this.dst2 = secondTarget ? Files.createDirectories(dir.resolve("dst2")) : null;
        String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        this.srcName = "s" + id;
        this.tgtName = "t" + id;
        this.tgt2Name = "u" + id;
        this.config = dir.resolve("config.toml");
        Files.writeString(config, """
                dir_workers = 2
                file_workers = 3
                monitor_mount_sec = 1
                %s
                [datasource.%s]
                %s
                path = "%s"
                write = false
                [datasource.%s]
                %s
                path = "%s"
                write = true
                mount = %s
                """.formatted(extraConfig, srcName, sourceKeys, src, tgtName, targetKeys, dst, mountedTarget != null)
                + (secondTarget ? "[datasource.%s]\ntype = \"posix\"\npath = \"%s\"\nwrite = true\n".formatted(tgt2Name, dst2) : ""));
    }

    public static String jar() {
        String jar = System.getenv("PDM_JAR");
        return jar != null ? jar : Path.of("target/pdm.jar").toAbsolutePath().toString();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    /** The command line of {@code pdm ARGS} with this cluster's config and broker. */
    public List<String> pdm(String... args) {
        return pdmAt(Broker.URI, args);
    }

    /** The command line of {@code pdm ARGS} with this cluster's config and the given connect string (null: none). */
    public List<String> pdmAt(String rabbitmq, String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", config.toString()));
        if (rabbitmq != null) {
            cmd.addAll(List.of("--rabbitmq", rabbitmq));
        }
        return cmd;
    }

    /** The command line of {@code pdm ARGS} in embedded mode (run it without PDM_RABBITMQ). */
    public List<String> runEmbeddedLine(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "-jar", jar()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--config", config.toString()));
        return cmd;
    }

    /** {@code pdm ARGS} in embedded mode: this config, no broker anywhere. */
    public Run runEmbedded(String... args) throws IOException, InterruptedException {
        List<String> cmd = runEmbeddedLine(args);
        Path out = dir.resolve("cmd-" + (++logs) + ".out");
        Path err = dir.resolve("cmd-" + logs + ".err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        return finish(pb.start(), out, err);
    }

    public Process startWorker(String... options) throws IOException {
        return startWorkerAt(Broker.URI, options);
    }

    /** A worker given this connect string (e.g. one with a wrong password); its log is {@link #workerLog}. */
    public Process startWorkerAt(String rabbitmq, String... options) throws IOException {
        return startService("worker", rabbitmq, options);
    }

    /** {@code pdm COMMAND} (worker, monitor) as a process that runs until stopped, logging like a worker. */
    public Process startService(String command, String rabbitmq, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of(command));
        args.addAll(List.of(options));
        Path log = dir.resolve("worker-" + (++logs) + ".log");
        Process p = new ProcessBuilder(pdmAt(rabbitmq, args.toArray(String[]::new))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        workers.add(p);
        return p;
    }

    /**
     * A worker in UTS and mount namespaces of its own (root only), its host name {@code host}
     * (resolvable through its own /etc/hosts): the event log and status show it as another host.
     * The process is the worker itself (unshare and bash exec it), so a SIGKILL hits the worker.
     */
    public Process startWorkerOnHost(String host, String... options) throws IOException {
        List<String> args = new ArrayList<>(List.of("worker"));
        args.addAll(List.of(options));
        Path hosts = dir.resolve("hosts-" + host);
        Files.writeString(hosts, "127.0.0.1 localhost " + host + "\n");
        List<String> cmd = new ArrayList<>(List.of("unshare", "--uts", "--mount", "bash", "-c",
                "hostname \"$1\" && mount --bind \"$2\" /etc/hosts && shift 2 && exec \"$@\"", "_", host,
                hosts.toString()));
        cmd.addAll(pdmAt(Broker.URI, args.toArray(String[]::new)));
        Path log = dir.resolve("worker-" + (++logs) + ".log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        workers.add(p);
        return p;
    }

    public List<Process> workers() {
        return workers;
    }

    /** The log of the n-th worker started (1-based). */
    public String workerLog(int n) throws IOException {
        return Files.readString(dir.resolve("worker-" + n + ".log"), StandardCharsets.ISO_8859_1);
    }

    /** Waits until the worker has connected (its log says so). */
    /** Starts {@code n} more workers and waits until each has connected. */
    public void startConnectedWorkers(int n) throws Exception {
        int first = workers.size() + 1;
        for (int i = 0; i < n; i++) {
            startWorker();
        }
        for (int i = first; i < first + n; i++) {
            awaitConnected(i);
        }
    }

    public void awaitConnected(int n) throws Exception {
        Process p = workers.get(n - 1);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new AssertionError("worker " + n + " exited with " + p.exitValue() + ": " + workerLog(n));
                    }
                    return workerLog(n).contains("connected to");
                });
    }

    /** Result of a finished pdm process. */
    public record Run(int exit, String stdout, String stderr) {
        public JsonNode json() throws IOException {
            return new ObjectMapper().readTree(stdout);
        }
    }

    public Process start(String... args) throws IOException {
        return startAt(Broker.URI, Map.of(), args);
    }

    /**
     * {@code pdm ARGS} started with the given connect string (null: none) and more environment
     * (e.g. JAVA_TOOL_OPTIONS); {@link #stderr} reads what it printed; stopped on close.
     */
    public Process startAt(String rabbitmq, Map<String, String> env, String... args) throws IOException {
        Path out = dir.resolve("cmd-" + (++logs) + ".out");
        Path err = dir.resolve("cmd-" + logs + ".err");
        ProcessBuilder pb = new ProcessBuilder(pdmAt(rabbitmq, args)).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        commands.put(p, err);
        return p;
    }

    /** What a process from {@link #startAt} has printed on stderr so far. */
    public String stderr(Process p) throws IOException {
        return Files.readString(commands.get(p), StandardCharsets.ISO_8859_1);
    }

    /** The id a submitting client from {@link #startAt} printed ("pdm: job J submitted"), waited for. */
    public String submittedJob(Process client) {
        java.util.regex.Pattern submitted = java.util.regex.Pattern.compile("pdm: job (\\S+) submitted");
        String[] job = new String[1];
        Awaitility.await().atMost(Duration.ofMinutes(1)).until(() -> {
            java.util.regex.Matcher m = submitted.matcher(stderr(client));
            if (m.find()) {
                job[0] = m.group(1);
            }
            return job[0] != null;
        });
        return job[0];
    }

    /** What a process from {@link #startAt} has printed on stdout so far. */
    public String stdout(Process p) throws IOException {
        Path err = commands.get(p);
        return Files.readString(err.resolveSibling(err.getFileName().toString().replace(".err", ".out")),
                StandardCharsets.ISO_8859_1);
    }

    /** Runs {@code pdm ARGS} to its end (bounded) and returns what it printed. */
    public Run run(String... args) throws IOException, InterruptedException {
        Path out = dir.resolve("cmd-" + (++logs) + ".out");
        Path err = dir.resolve("cmd-" + logs + ".err");
        Process p = new ProcessBuilder(pdm(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        return finish(p, out, err);
    }

    /** {@code pdm ARGS} to its end with the given connect string (null: none) and more environment. */
    public Run runAt(String rabbitmq, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        Path out = dir.resolve("cmd-" + (++logs) + ".out");
        Path err = dir.resolve("cmd-" + logs + ".err");
        ProcessBuilder pb = new ProcessBuilder(pdmAt(rabbitmq, args)).redirectOutput(out.toFile())
                .redirectError(err.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        pb.environment().putAll(env);
        return finish(pb.start(), out, err);
    }

    public static Run finish(Process p, Path out, Path err) throws IOException, InterruptedException {
        if (!p.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pdm did not finish within " + JOB_TIMEOUT + "; stderr: " + Files.readString(err));
        }
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1),
                Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    /** The queues of every pair of this cluster's filesystems. */
    public String[] queues() {
        List<String> names = new ArrayList<>(List.of(srcName, tgtName, tgt2Name));
        List<String> q = new ArrayList<>();
        for (String a : names) {
            for (String b : names) {
                q.add(Topology.dirQueue(a, b));
                q.add(Topology.fileQueue(a, b));
                q.add(Topology.shardsMarker(a, b));
                for (int i = 0; i < FileTask.LINK_SHARDS; i++) {
                    q.add(Topology.linkQueue(a, b, i));
                }
            }
        }
        return q.toArray(String[]::new);
    }

    public static void signal(Process p, String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(p.pid())).inheritIO().start().waitFor();
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : commands.keySet()) {
            p.destroyForcibly(); // (one still running failed its test; it must not outlive it)
        }
        for (Process p : workers) {
            p.destroyForcibly();
        }
        for (Process p : workers) {
            p.waitFor(30, TimeUnit.SECONDS);
        }
        Broker.deleteQueues(queues());
    }
}

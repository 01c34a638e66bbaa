package pdm.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A fault at the system-call layer: pdm runs from the built jar as a child of
 * {@code strace -f --inject=CALLS:error=ERRNO[:when=N] -P PATH...}. pdm makes its calls through
 * java.lang.foreign, whose symbol lookup binds libc directly, so an LD_PRELOAD shim never sees
 * them; the tracer does. {@code -P} aims the fault: only calls naming one of the paths, or on a
 * descriptor open on one (read, write, copy_file_range on either side, getdents64), are
 * traced, and only traced calls are failed. The JVM's own calls (class loading, logs) name
 * none of the paths and go through untouched.
 *
 * <p>strace counts {@code when=N} per system call and per thread: the Nth matching call of a
 * thread. Each injected call is marked {@code (INJECTED)} in the trace (one line per call, its
 * descriptors shown with their paths), which a test asserts on to prove its fault fired.
 */
public final class Strace {
    private static final Path STRACE = Path.of("/usr/bin/strace");

    private final String calls;
    /** What strace does at the call: {@code error=ERRNO} (fails it), with {@code signal=SIGKILL} (kills pdm there). */
    private final String action;
    private final List<Path> aim = new ArrayList<>();
    private String when;
    private boolean ownPidNamespace;
    private boolean anywhere;
    private List<String> wrapper = List.of();
    private boolean timed;

    private Strace(String calls, String action) {
        this.calls = calls;
        this.action = action;
    }

    /** Fails the system calls {@code calls} (comma-separated, as strace names them) with {@code errno}. */
    public static Strace inject(String calls, String errno) {
        return new Strace(calls, "error=" + errno);
    }

    /**
     * Kills pdm (SIGKILL, as a crash or a power cut would end it) when it enters one of the system
     * calls {@code calls}, before the kernel runs it: what is on disk is what the calls before it
     * left. The trace shows the call as one that never returned ({@code = ?}), and the run exits
     * 137 (128 + SIGKILL).
     */
    public static Strace killAt(String calls) {
        return new Strace(calls, "error=EIO:signal=SIGKILL"); // (error=: the call itself is never run)
    }

    /**
     * Holds the calls {@code calls} for {@code delay} (strace's units: "3s") before failing them
     * with {@code errno}: time for a test to change what the call is about.
     */
    public static Strace delayThenFail(String calls, String delay, String errno) {
        return new Strace(calls, "error=" + errno + ":delay_enter=" + delay);
    }

    /**
     * Holds the calls {@code calls} for {@code delay} once the kernel has run them, and fails none:
     * the trace shows the call, marked {@code (DELAYED)}, while it is held, so a test can wait for
     * that line in {@link #traceDirs} and change the tree at that moment.
     */
    public static Strace delay(String calls, String delay) {
        return new Strace(calls, "delay_exit=" + delay);
    }

    /** The trace directories {@link #pdm} makes in {@code workDir}, one per run, while they are written. */
    public static List<Path> traceDirs(Path workDir) throws IOException {
        try (Stream<Path> dirs = Files.list(workDir)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("strace-")).toList();
        }
    }

    /** Whether a trace being written in {@code workDir} shows a call held by {@link #delay} now. */
    public static boolean holding(Path workDir) throws IOException {
        for (Path d : traceDirs(workDir)) {
            try (Stream<Path> files = Files.list(d)) {
                for (Path t : files.toList()) {
                    if (Files.readString(t, StandardCharsets.UTF_8).contains("(DELAYED)")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Traces the calls {@code calls} wherever they are made and fails none: to see which calls
     * pdm makes where another layer ({@link #under}) changes what the kernel answers.
     */
    public static Strace trace(String calls) {
        Strace s = new Strace(calls, null);
        s.anywhere = true;
        return s;
    }

    /**
     * Each call with its time ({@code -ttt}), and the trace's lines, a file per thread, merged in
     * the order the calls were made over all threads: for tests that assert an order of calls.
     */
    public Strace timed() {
        this.timed = true;
        return this;
    }

    /** Runs pdm under {@code prefix} (a command that runs what follows it, as {@link Seccomp#failing}'s). */
    public Strace under(List<String> prefix) {
        this.wrapper = List.copyOf(prefix);
        return this;
    }

    /** strace's {@code when} expression: {@code 2} the second call only, {@code 2+} the second and later. */
    public Strace when(String expr) {
        this.when = expr;
        return this;
    }

    /** Only calls on these paths, which need not exist yet (a descriptor's path is read when the call is made). */
    public Strace at(Path... paths) {
        aim.addAll(List.of(paths));
        return this;
    }

    /**
     * Fails the calls wherever they are made, and traces those calls alone: only for calls the
     * JVM never makes itself (fsetxattr: only pdm sets xattrs) on a descriptor {@code -P} cannot
     * name (a file made O_TMPFILE, whose path is "#inode (deleted)"). The trace then shows each
     * call with its arguments, which the test asserts on to prove the fault hit what it aimed at.
     */
    public Strace anywhere() {
        this.anywhere = true;
        return this;
    }

    /**
     * Runs pdm as pid 1 of a new pid namespace ({@code unshare --pid --fork}), so that names made
     * from its pid are known before it starts: pdm's temp files are then {@code .pdm-tmp-1-N}, and
     * a fault can be aimed at the target file a copy writes.
     */
    public Strace asPid1() {
        this.ownPidNamespace = true;
        return this;
    }

    /** What pdm printed and the trace of the calls aimed at. */
    public record Run(int exit, String out, String err, String trace) {
        /** The lines of the calls that were failed or held. */
        public List<String> injected() {
            return trace.lines().filter(l -> l.endsWith("(INJECTED)") || l.endsWith(" (DELAYED)")).toList();
        }

        /** The run as {@link Pdm.Result}, to read its --json object. */
        public Pdm.Result result() {
            return new Pdm.Result(exit, out, err);
        }

        @Override
        public String toString() {
            return result() + "\n--- strace\n" + trace;
        }
    }

    /** Skips the test where strace or (for {@link #asPid1}) pid namespaces are missing; fails instead under CI=true. */
    public static void assumeUsable(boolean pidNamespaces) throws IOException {
        String missing = null;
        if (!Files.isExecutable(STRACE)) {
            missing = "needs strace (apt-get install strace)";
        } else if (pidNamespaces && !TreeComparer.run(List.of("unshare", "--pid", "--fork", "true")).isEmpty()) {
            missing = "needs permission to make a pid namespace (unshare --pid)";
        }
        if (missing != null && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new AssertionError(missing + "; under CI=true it must be there");
        }
        assumeTrue(missing == null, missing);
    }

    /** Runs {@code pdm ARGS} under strace in {@code workDir} (which gets its output files) and waits for it. */
    public Run pdm(Path workDir, String... args) throws IOException, InterruptedException {
        if (aim.isEmpty() && !anywhere) {
            throw new IllegalStateException("a fault with no -P path would fail the JVM's own calls too");
        }
        Path traces = Files.createTempDirectory(workDir, "strace-");
        Path out = Files.createTempFile(workDir, "out-", ".txt");
        Path err = Files.createTempFile(workDir, "err-", ".txt");
        // -y: descriptors shown with their paths, so a test can see which file a failed call was on;
        // -ff: a file per thread, so that no call is split in two lines by another thread's
        List<String> cmd = new ArrayList<>(List.of(STRACE.toString(), "-ff", "-qq", "-y", "-e", "signal=none",
                "-o", traces.resolve("t").toString()));
        if (timed) {
            cmd.add("-ttt");
        }
        if (action != null) {
            cmd.add("--inject=" + calls + ":" + action + (when == null ? "" : ":when=" + when));
        }
        if (anywhere) {
            cmd.addAll(List.of("-e", "trace=" + calls));
        }
        for (Path p : aim) {
            cmd.addAll(List.of("-P", p.toAbsolutePath().toString()));
        }
        if (ownPidNamespace) {
            cmd.addAll(List.of("unshare", "--pid", "--fork"));
        }
        cmd.addAll(wrapper);
        cmd.addAll(command(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("pdm under strace did not end within 5 minutes: " + Files.readString(err));
        }
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(traces)) {
            for (Path t : files.sorted().toList()) {
                lines.addAll(Files.readAllLines(t, StandardCharsets.UTF_8));
            }
        }
        if (timed) {
            lines.sort(java.util.Comparator.comparingDouble(l -> Double.parseDouble(l.substring(0, l.indexOf(' ')))));
        }
        StringBuilder trace = new StringBuilder();
        lines.forEach(l -> trace.append(l).append('\n'));
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), trace.toString());
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", Cluster.jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}

package pdm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import pdm.cli.Main;

/** Runs the CLI in this JVM ({@link Main#run}) and captures what it prints. */
public final class Pdm {
    private Pdm() {
    }

    public record Failure(String path, String error) {
    }

    /**
     * Runs {@code pdm ARGS --json} while {@code writer} (already started, waiting for nothing)
     * keeps changing the tree; {@code started} tells that it has made its first change, and
     * {@code stop} ends it once pdm returns.
     */
    public static Result jsonWhile(Thread writer, CountDownLatch started,
                                   AtomicBoolean stop, String command, Path src, Path dst)
            throws InterruptedException {
        writer.start();
        if (!started.await(1, TimeUnit.MINUTES)) {
            throw new AssertionError("the writer thread never started changing the tree");
        }
        try {
            return json(command, src, dst);
        } finally {
            stop.set(true);
            writer.join();
        }
    }

    /**
     * Runs {@code pdm ARGS} as a process of its own (the built jar, as a user starts it, with
     * this JVM), in {@code cwd}, with {@code env} added and no PDM_RABBITMQ; waits up to 2 minutes.
     */
    public static Result process(Path cwd, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                Cluster.jar()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("pdm-out", ".txt");
        Path err = Files.createTempFile("pdm-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().remove("PDM_RABBITMQ");
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("pdm " + String.join(" ", args) + " did not end within 2 minutes");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    public record Result(int exit, String out, String err) {
        /** The --json object. */
        public JsonNode json() {
            try {
                return new ObjectMapper().readTree(out);
            } catch (IOException e) {
                throw new AssertionError("stdout is not one JSON object: " + this, e);
            }
        }

        public long count(String key) {
            JsonNode n = json().get(key);
            if (n == null || !n.isNumber()) {
                throw new AssertionError("no number '" + key + "' in " + out);
            }
            return n.asLong();
        }

        public List<Failure> failures() {
            List<Failure> out = new ArrayList<>();
            for (JsonNode f : json().get("failures")) {
                out.add(new Failure(f.get("path").asText(), f.get("error").asText()));
            }
            return out;
        }

        public List<String> failedPaths() {
            return failures().stream().map(Failure::path).toList();
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
        }
    }

    /** Main.run with stdout and stderr captured; not reentrant (System.out is global). */
    public static synchronized Result run(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit;
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            System.setOut(o);
            System.setErr(e);
            exit = Main.run(args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Runs an ad-hoc {@code pdm COMMAND --json [options] SRC TGT [PATH]} form. */
    public static Result json(String command, Path src, Path tgt, String... more) {
        List<String> args = new ArrayList<>(List.of(command, "--json", src.toString(), tgt.toString()));
        args.addAll(List.of(more));
        return run(args.toArray(String[]::new));
    }

    /**
     * Writes a config.toml with {@code [datasource.panda]} (the source, write = false) and
     * {@code [datasource.badger]} (the target, write = true), plus any extra TOML per table.
     */
    public static Path config(Path dir, Path panda, String pandaExtra, Path badger, String badgerExtra) {
        String text = "dir_workers = 2\nfile_workers = 4\n\n"
                + "[datasource.panda]\ntype = \"posix\"\npath = '" + panda + "'\nwrite = false\n" + pandaExtra + "\n\n"
                + "[datasource.badger]\ntype = \"posix\"\npath = '" + badger + "'\n"
                + (badgerExtra.contains("write") ? "" : "write = true\n") + badgerExtra + "\n";
        Path cfg = dir.resolve("config.toml");
        try {
            Files.writeString(cfg, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return cfg;
    }

    public static Path config(Path dir, Path panda, Path badger) {
        return config(dir, panda, "", badger, "");
    }
}

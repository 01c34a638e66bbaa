package pdm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training run of the build's AOT cache (pom.xml, the aot-cache step): the commands users
 * start most, one after the other in one JVM, since the cache holds only what its one training
 * run loaded and linked. A class the training never met is loaded from the jar at each start
 * (parsed, verified, linked): the start this cache exists to save.
 *
 * <p>Run as {@code java -XX:AOTCacheOutput=... -cp pdm.jar pdm.cli.AotTraining SRC WORK}: copies SRC
 * (a small tree: the build's own sources) into WORK/copy, copies it again (the no-change pass),
 * syncs and verifies it, syncs it with --changes and --json (no watcher runs at a build: the full
 * walk it falls back to, the journal's classes up to there, the JSON summary), and asks a broker
 * that is not there for status (the client's classes up to its refused connection; a build needs
 * no RabbitMQ). Exits 0 when the passes did.
 *
 * <p>Every class of the cache is loaded at every start, whatever the command (AOT-linked classes),
 * so a class trained here costs each start a little: training a connected status's event classes
 * too (about 330 of Jackson's, its deserializers for the events) took a status of an empty log from
 * 0.67 to 0.56 s and every copy's start 20 to 25 ms longer (bench/start.py, 20 runs each); not done.
 */
public final class AotTraining {
    /** A port nothing listens on: status fails at once with a refused connection. */
    private static final String NO_BROKER = "amqp://guest:guest@127.0.0.1:1";

    private AotTraining() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: java -cp pdm.jar pdm.cli.AotTraining SRC WORK");
            System.exit(2);
        }
        String src = args[0];
        Path work = Path.of(args[1]).toAbsolutePath();
        Path copy = work.resolve("copy");
        removeTree(copy); // (a build without clean: the first copy must write, not find everything current)
        try {
            Files.createDirectories(work); // (pdm makes the target root, not its parents)
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String dst = copy.toString();
        int failed = 0;
        for (String[] command : new String[][]{
                {"copy", src, dst}, {"copy", src, dst}, {"sync", src, dst}, {"verify", src, dst},
                {"sync", src, dst, "--changes", "--json"}}) {
            if (Main.run(command) != 0) {
                System.err.println("AotTraining: pdm " + String.join(" ", command) + " failed");
                failed++;
            }
        }
        Main.run("status", "--rabbitmq", NO_BROKER); // (refused: what it loads until then is the point)
        removeTree(copy);
        System.exit(failed == 0 ? 0 : 1);
    }

    private static void removeTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (var all = Files.walk(root)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

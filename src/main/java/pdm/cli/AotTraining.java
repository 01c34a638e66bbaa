package pdm.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import pdm.job.Counters;
import pdm.job.EventCodec;
import pdm.job.Failure;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.metrics.Heartbeat;
import pdm.task.JobOptions;
import pdm.task.Pass;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

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
 * no RabbitMQ), then reads and shows events and heartbeats as status would have ({@link #eventLog}).
 * Exits 0 when the passes did.
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
        eventLog();
        removeTree(copy);
        System.exit(failed == 0 ? 0 : 1);
    }

    /**
     * What a connected status, monitor or tracker does with the event log and the heartbeats, without
     * a broker: events of a job's life encoded and decoded, folded, and shown as status shows them. A
     * status that reads the log loaded some 330 Jackson classes from the jar at every start before this
     * (its deserializers for the events), which the refused status above never reaches. False when
     * something failed on the way (AotTrainingTest: a codec that changed under it would make the cache
     * poorer without a word).
     */
    static boolean eventLog() {
        long now = System.currentTimeMillis();
        String job = JobFactory.newId();
        String root = TaskIds.root(job, 0);
        String files = TaskIds.childFiles(root, -1, 0);
        String dir = TaskIds.childDir(root, "d");
        JobOptions options = new JobOptions(false, false, false, false, true, false, 10L, List.of("*.tmp"), false);
        Counters some = new Counters(3, 1, 0, 1, 2, 1, 1, 4096, 0);
        List<JobEvent> life = List.of(
                new JobEvent.Submitted(job, "sync", List.of(Pass.COPY, Pass.DELETE, Pass.DIRTIMES), "src", "dst",
                        "src (/s)", "dst (/d)", "", options, now, "aot@training"),
                new JobEvent.Dones(job, List.of(
                        new JobEvent.Done(job, root, TaskKind.DIR, List.of(new JobEvent.Child(files, TaskKind.FILES, null),
                                new JobEvent.Child(dir, TaskKind.DIR, "d")), some,
                                List.of(new Failure("a", "Permission denied")), null, true, "node", now),
                        new JobEvent.Done(job, files, TaskKind.FILES, List.of(), some, List.of(), null, false, "node",
                                now + 1))),
                new JobEvent.Done(job, dir, TaskKind.DIR, List.of(), Counters.ZERO, List.of(), null, false, "node", now + 2),
                new JobEvent.Cancelled(job, "aot@training", now + 3));
        JobFold fold = new JobFold();
        try {
            for (JobEvent e : life) {
                fold.apply(EventCodec.decode(EventCodec.encode(e)));
            }
            Heartbeat h = Heartbeat.decode(new Heartbeat(Heartbeat.VERSION, "node", "node:1", now, 1, now, 5, 1, 3, 4096,
                    0, 0, List.of(), List.of("dst"), List.of(new Heartbeat.Task(job, files, some))).encode());
            JobFold.Job j = fold.job(job);
            PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), false, StandardCharsets.UTF_8);
            nowhere.println(StatusCommand.HEADER);
            nowhere.println(StatusCommand.row(j, h.running().getFirst().counters(), now));
            StatusCommand.print(nowhere, j, now);
            nowhere.println(StatusCommand.toJson(j, now));
            return j.state() == JobFold.State.CANCELLED;
        } catch (IOException | RuntimeException e) {
            // (only the cache is poorer for it: the build goes on, and says why in aot-training.log)
            System.err.println("AotTraining: the event log's classes were not trained: " + e);
            return false;
        }
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

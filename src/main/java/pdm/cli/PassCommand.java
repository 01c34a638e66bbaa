package pdm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import pdm.Hosts;
import pdm.PdmException;
import pdm.cluster.BrokerUri;
import pdm.cluster.EmbeddedTurn;
import pdm.cluster.Topology;
import pdm.config.PdmConfig;
import pdm.engine.ChangeList;
import pdm.engine.Engine;
import pdm.engine.JobSpec;
import pdm.fs.Names;
import pdm.job.JobSummary;
import pdm.job.Summaries;
import pdm.journal.JournalDir;
import pdm.metrics.EmbeddedJob;
import pdm.metrics.MetricsServer;
import pdm.metrics.MetricsView;
import pdm.task.Pass;
import pdm.task.JobOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** The pass commands: each is a list of actions run in order over the same job. */
abstract class PassCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptionsMixin options;

    @Mixin
    BrokerOption broker;

    @Mixin
    MetricsOption metrics;

    @Mixin
    FilterOptions filters;

    @Mixin
    ThrottleOptions throttle;

    @Mixin
    ChangesOption journal;

    @Option(names = "--wait", description = {"Wait for the job to finish, showing progress, and end with its summary and "
            + "exit code: the default in both modes, kept for scripts that say so."})
    boolean waitForIt;

    @Option(names = {"--detach", "--async"}, description = {"Distributed mode: print the job id and return at once; "
            + "follow the job with pdm status JOB, stop it with pdm cancel JOB."})
    boolean detach;

    @Option(names = "--no-queue", description = {"Refuse the job (exit 2) instead of queueing it behind a running job "
            + "on an overlapping tree (same target, one PATH containing the other); with a broker configured."})
    boolean noQueue;

    @Parameters(index = "0", paramLabel = "SRC", description = {"Source filesystem name from config.toml, or a directory: an argument with a '/' "
            + "(./src, /data/a), '.' or '..' is a directory, a bare word a name."})
    String src;

    @Parameters(index = "1", paramLabel = "TGT", description = "Target filesystem name from config.toml, or a directory (as for SRC).")
    String tgt;

    @Parameters(index = "2", arity = "0..1", paramLabel = "PATH",
            description = "Path below both roots (e.g. /user_xyz); '/' for all. Required with filesystem names.")
    String path;

    /** The passes this command runs, in order. */
    abstract List<Pass> actions();

    boolean checksum() {
        return false;
    }

    /** The removal guards this command takes; none for the passes that never remove. */
    RemovalOptions.Deleting removalGuards() {
        return null;
    }

    private JobOptions jobOptions(PdmConfig config) {
        RemovalOptions.Deleting g = removalGuards();
        Long cap = g == null ? null : g.cap.resolve(config.maxDelete());
        return options.jobOptions(checksum(), actions().contains(Pass.DELETE), g != null && g.allowEmptySource, cap)
                .withExcludes(filters.patterns(), g != null && g.deleteExcluded)
                .withAttrs(options.attrPolicy(JobRequest.isPath(src) || JobRequest.isPath(tgt) ? null
                        : config.datasource(tgt).xattrs()))
                .withSplit(options.split(config.split()))
                .withChanges(journal.changes);
    }

    @Override
    public Integer call() throws Exception {
        metrics.validate();
        JournalDir.stateDir(); // (a bad PDM_STATE_DIR is refused before a job is submitted or a file touched)
        JobFactory factory = new JobFactory(options);
        if (waitForIt && detach) {
            throw new PdmException("--wait and --detach contradict each other: give one (waiting is the default)");
        }
        Optional<BrokerUri> uri = broker.resolve(factory.config());
        boolean adHoc = JobRequest.isPath(src) || JobRequest.isPath(tgt);
        if (uri.isPresent() && adHoc && broker.explicit().isPresent()) {
            throw new PdmException("distributed mode needs filesystem names from config.toml (workers on other "
                    + "nodes know them), not directories: '" + src + "' and '" + tgt + "'");
        }
        JobRequest request = JobRequest.parse(spec.name(), actions(), src, tgt, path, jobOptions(factory.config()),
                factory.config(), Path.of("").toAbsolutePath());
        if (uri.isPresent() && !request.adHoc()) {
            if (metrics.port != null) {
                throw new PdmException("--metrics-port " + metrics.port + " is for embedded passes: in distributed "
                        + "mode the work is done by workers, so start them with --metrics-port, or run pdm monitor");
            }
            if (throttle.given()) {
                throw new PdmException("--bwlimit and --max-files-per-second limit the process that copies; in "
                        + "distributed mode that is each worker: give them to pdm worker, or set bwlimit and "
                        + "max_files_per_second in the workers' config.toml");
            }
            if (options.dirWorkers != null || options.fileWorkers != null) {
                throw new PdmException("--dir-workers and --file-workers size the process that copies; in distributed "
                        + "mode that is each worker: set dir_workers and file_workers in the workers' config.toml");
            }
            if (options.itemize) {
                throw new PdmException("-i/--itemize lists the changes of an embedded pass; in distributed mode "
                        + "each worker logs every removal it makes (logger pdm.removed, INFO)");
            }
            return new Distributed(options.json, !detach, noQueue).run(factory.config(), uri.get(), request);
        }
        if (detach) {
            throw new PdmException("--detach is for distributed mode (an embedded pass is its own process): give "
                    + "--rabbitmq URI, set PDM_RABBITMQ or [rabbitmq] connect_string, or run it without --detach");
        }
        try (Interruption stop = Interruption.install()) {
            return embedded(factory, request, stop);
        }
    }

    private int embedded(JobFactory factory, JobRequest request, Interruption stop) throws Exception {
        Job job = factory.create(request, throttle);
        // first: on a terminal it owns stdout and stderr, so that what they print erases the progress line
        try (Terminal terminal = Terminal.onStderr();
             EmbeddedTurn turn = Distributed.turn(broker.resolve(factory.config()), factory.config(), request,
                     job.spec().id(), noQueue, () -> stop.signal() != 0)) {
            return embedded(job, stop, terminal, turn);
        }
    }

    private int embedded(Job job, Interruption stop, Terminal terminal, EmbeddedTurn turn) throws Exception {
        PrintStream stdout = System.out;
        // --json keeps stdout to its one object; the list then goes to stderr
        // -v lists what changes as rsync -v does (names), -i itemizes; a removal is then said there, once
        boolean names = !options.itemize && !options.dryRun && options.logFormat.verbosity > 0;
        ChangeList changes = options.itemize || options.dryRun || names
                ? new ChangeList(options.json ? System.err : stdout, names) : ChangeList.NONE;
        Logging.removalsListed(changes != ChangeList.NONE);
        try {
            return embedded(job, stop, terminal, changes, turn);
        } finally {
            Logging.removalsListed(false);
        }
    }

    private int embedded(Job job, Interruption stop, Terminal terminal, ChangeList changes, EmbeddedTurn turn)
            throws Exception {
        PrintStream stdout = System.out;
        Engine engine = new Engine(job.settings(), changes);
        EmbeddedJob live = embeddedMetrics(job, engine);
        ProgressTotals totals = ProgressTotals.forUser();
        List<JobSummary> parts = new ArrayList<>();
        stop.stops(engine);
        try (MetricsServer server = metrics.start(live::view)) {
            List<JobSpec> passes = actions().stream().map(job.spec()::withPass).toList();
            for (JobSpec pass : passes) {
                if (engine.interrupted()) {
                    break;
                }
                Pass a = pass.pass();
                Progress progress = new Progress(terminal);
                var line = progress.of(a.cliName(), totals.find(pass).orElse(null));
                try {
                    ChangesOption.Walk walk = journal.begin(pass, passes);
                    JobSummary done = engine.run(pass, s -> {
                        live.observe(s);
                        line.accept(s);
                    }, walk == null ? null : walk.scope());
                    journal.done(walk, pass, done);
                    parts.add(done);
                    if (!engine.interrupted()) {
                        turn.passDone(done.counters(), done.failures()); // (the tree's turn: see EmbeddedTurn)
                    }
                    totals.remember(pass, done);
                } catch (PdmException refused) {
                    if (parts.isEmpty()) {
                        throw refused;
                    }
                    // (its "nothing was changed" is this pass's: the passes before it ran)
                    boolean one = parts.size() == 1;
                    throw new PdmException(refused.getMessage() + " (by the " + a.cliName() + " pass; the "
                            + String.join(" and ", parts.stream().map(JobSummary::action).toList())
                            + (one ? " pass before it ran, and what it changed stays)"
                                    : " passes before it ran, and what they changed stays)"), refused);
                } finally {
                    progress.clear();
                }
            }
            live.finish();
            JobSummary summary = parts.size() == 1 ? parts.get(0) : Summaries.combine(spec.name(), parts);
            journal.print(summary, options.json, stdout, SummaryForm.of(true));
            return stop.signal() != 0 ? 128 + stop.signal() : summary.exitCode();
        }
    }

    private EmbeddedJob embeddedMetrics(Job job, Engine engine) {
        JobSpec s = job.spec();
        double now = System.currentTimeMillis() / 1000.0;
        MetricsView.JobState def = new MetricsView.JobState(s.id(), spec.name(), s.src().name(), s.tgt().name(),
                Names.display(s.path()), s.options().dryRun(), "running", 1, actions().size(), 0, now, now);
        return new EmbeddedJob(def, Hosts.name(), Hosts.processId(),
                Logging::droppedToElastic, engine::queues, Topology.dirQueue(def.source(), def.target()),
                Topology.fileQueue(def.source(), def.target()));
    }

    @Command(name = "copy", mixinStandardHelpOptions = true,
            description = {"Copy what differs from SRC to TGT: creates dirs, copies files whose size or mtime differ "
                    + "(or content, with --checksum), keeps owner, mode, times, ACLs, xattrs (see --xattrs), inode "
                    + "flags and project IDs, symlinks, hard links, sparse files and special files, and sets each "
                    + "dir's metadata when its subtree is done."})
    static final class Copy extends PassCommand {
        @Mixin
        ChecksumOption checksum;

        @Mixin
        RemovalOptions.Cap cap;

        @Override
        RemovalOptions.Deleting removalGuards() {
            RemovalOptions.Deleting g = new RemovalOptions.Deleting();
            g.cap = cap;
            return g;
        }

        @Override
        List<Pass> actions() {
            return List.of(Pass.COPY);
        }

        @Override
        boolean checksum() {
            return checksum.checksum;
        }
    }

    @Command(name = "delete", aliases = "clear", mixinStandardHelpOptions = true,
            description = {"Remove from TGT what no longer exists on SRC under PATH (also entries whose type changed). "
                    + "Refuses (exit 2) when SRC's PATH is missing, unreadable or empty while TGT's is not, or a "
                    + "mount = true filesystem is not mounted. Every removed entry is counted and logged (-i lists them)."})
    static final class Delete extends PassCommand {
        @Mixin
        RemovalOptions.Deleting guards;

        @Override
        RemovalOptions.Deleting removalGuards() {
            return guards;
        }

        @Override
        List<Pass> actions() {
            return List.of(Pass.DELETE);
        }
    }

    @Command(name = "dirtimes", mixinStandardHelpOptions = true,
            description = "Set every TGT dir's mtime, atime, mode and owner to SRC's, deepest first.")
    static final class Dirtimes extends PassCommand {
        @Override
        List<Pass> actions() {
            return List.of(Pass.DIRTIMES);
        }
    }

    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Compare content and metadata of SRC and TGT; list every difference; exit 1 if any.")
    static final class Verify extends PassCommand {
        @Override
        List<Pass> actions() {
            return List.of(Pass.VERIFY);
        }
    }

    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "The final pass in one command: copy, then delete, then dirtimes, each finished before the next.")
    static final class Sync extends PassCommand {
        @Mixin
        ChecksumOption checksum;

        @Mixin
        RemovalOptions.Deleting guards;

        @Override
        RemovalOptions.Deleting removalGuards() {
            return guards;
        }

        @Override
        List<Pass> actions() {
            return List.of(Pass.COPY, Pass.DELETE, Pass.DIRTIMES);
        }

        @Override
        boolean checksum() {
            return checksum.checksum;
        }
    }

}

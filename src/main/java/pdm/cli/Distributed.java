package pdm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import pdm.Hosts;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.SubmitCheck;
import pdm.job.Counters;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.job.JobSummary;
import pdm.job.Summaries;
import pdm.task.Pass;
import pdm.task.WirePaths;
import pdm.cluster.BrokerUri;
import pdm.cluster.EmbeddedTurn;
import pdm.cluster.JobLog;
import pdm.cluster.JournalStream;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * A pass command in distributed mode: records the job in the event log (the tracker in a
 * worker starts it) and follows it to the same summary, --json and exit code as embedded mode
 * (with --detach: prints its id and returns). Ctrl-C detaches; a cancelled job ends it with 130.
 */
final class Distributed {
    private final boolean json;
    private final boolean waitForIt;
    private final boolean noQueue;

    /** @param noQueue refuse the job rather than queue it behind another on an overlapping tree */
    Distributed(boolean json, boolean waitForIt, boolean noQueue) {
        this.json = json;
        this.waitForIt = waitForIt;
        this.noQueue = noQueue;
    }

    int run(PdmConfig config, BrokerUri uri, JobRequest request) throws Exception {
        DataSource src = request.src();
        DataSource tgt = request.tgt();
        Path path = request.path();
        SubmitCheck.fromClient(src, tgt, request.passes());
        long now = System.currentTimeMillis();
        JobEvent.Submitted job = new JobEvent.Submitted(JobFactory.newId(), request.command(),
                request.passes(), src.name(), tgt.name(), text(src), text(tgt), WirePaths.encode(path),
                request.options(), now, who(), noQueue, false);
        JobLog.submit(uri, job, config.queueShards());
        PrintStream out = System.out;
        if (!waitForIt) {
            out.println(job.job());
            System.err.println("pdm: job " + job.job() + " submitted to " + uri + "; follow it with: pdm status "
                    + job.job());
            return 0;
        }
        System.err.println("pdm: job " + job.job() + " submitted to " + uri + "; waiting for it (Ctrl-C stops "
                + "waiting, not the job)");
        JobFold.Job done;
        // on a terminal it owns stdout and stderr, so that a notice erases the progress line first
        ProgressTotals totals = ProgressTotals.forUser();
        try (Terminal terminal = Terminal.onStderr();
             Detach detach = Detach.onSigint()) {
            // this node's view of the trees: the previous pass it followed, or statvfs where it mounts the source
            Line progress = new Line(terminal, a -> totals.find(new ProgressTotals.Key(a, src.path(), tgt.path(), path))
                    .orElse(null));
            try {
                done = JobLog.follow(uri, job.job(), config.queueShards(), Instant.ofEpochMilli(now).minusSeconds(300),
                        progress, notice -> System.err.println("pdm: " + notice));
            } catch (InterruptedException e) {
                if (!detach.asked()) {
                    throw e;
                }
                // (stderr erases the progress line first, the terminal's ^C with it)
                System.err.println("pdm: stopped waiting for job " + job.job() + "; the job goes on: pdm status "
                        + job.job() + ", pdm cancel " + job.job());
                return 130;
            }
        }
        if (done.state() == JobFold.State.REFUSED) {
            System.err.println(Errors.onTerminal("pdm: job " + job.job() + " refused: " + done.refused()));
            return 2;
        }
        if (done.state() == JobFold.State.CANCELLED) {
            SummaryForm f = SummaryForm.of(false); // (the workers logged the failures, not this client)
            Summaries.print(done.summary(), json, out, f.width(), f.listFailures());
            System.err.println("pdm: job " + job.job() + " was cancelled by " + done.cancelledBy()
                    + "; the summary counts what was done before it");
            return done.exitCode();
        }
        JobSummary summary = done.summary();
        List<Pass> passes = request.passes();
        if (passes.size() == 1) { // (a sync's summary adds its passes up: no total of one of them)
            totals.remember(new ProgressTotals.Key(passes.get(0), src.path(), tgt.path(), path), summary);
        }
        SummaryForm form = SummaryForm.of(false);
        if (request.options().changes()) {
            walkByJournal(uri, job, summary, out, form);
        } else {
            Summaries.print(summary, json, out, form.width(), form.listFailures());
        }
        return summary.exitCode();
    }

    /**
     * A --changes job's summary: what its root tasks decided (on the journal stream), each pass
     * that walked everything said in one line, and with --json the walk and the directories listed,
     * as embedded mode prints them.
     */
    private void walkByJournal(BrokerUri uri, JobEvent.Submitted job, JobSummary summary, PrintStream out,
                               SummaryForm form) throws java.io.IOException {
        List<String> names = job.passes().stream().map(Pass::cliName).toList();
        List<pdm.journal.Changes.Decision> decided = JournalStream.decisions(uri, job.src(), job.job(), names);
        boolean full = false;
        List<String> reasons = new java.util.ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            pdm.journal.Changes.Decision d = decided.get(i);
            String why = d == null ? "no decision of this pass is on the journal stream (it did not start)"
                    : d.reason();
            if (d == null || !d.mode().equals(pdm.journal.Changes.Decision.CHANGES)) {
                full = true;
            }
            if (!why.isEmpty()) {
                reasons.add(names.get(i) + ": " + why);
                System.err.println("pdm: " + names.get(i) + " walked everything: " + why);
            }
        }
        ChangesOption.print(summary, json, out, form, full, summary.counters().dirs(), reasons);
    }

    /**
     * An embedded pass's turn on its tree when a broker is configured ({@link EmbeddedTurn#NONE}
     * without one): the same rule as for distributed jobs, one job at a time per tree. Its target
     * directory is named as the configured filesystem that holds it, if one does (so that it meets
     * distributed jobs on that filesystem), else by its own path (it meets other embedded passes).
     */
    static EmbeddedTurn turn(Optional<BrokerUri> uri, PdmConfig config, JobRequest request, String id,
                             boolean noQueue, BooleanSupplier giveUp) throws InterruptedException {
        if (uri.isEmpty()) {
            return EmbeddedTurn.NONE;
        }
        Path target = request.tgt().path().toAbsolutePath().normalize().resolve(request.path());
        DataSource holder = null;
        for (DataSource d : config.datasources().values()) {
            Path root = d.path().toAbsolutePath().normalize();
            if (target.startsWith(root) && (holder == null || root.getNameCount() > holder.path().getNameCount())) {
                holder = d;
            }
        }
        String tgt = holder != null ? holder.name() : request.tgt().path().toString();
        Path rel = holder != null ? holder.path().toAbsolutePath().normalize().relativize(target) : request.path();
        JobEvent.Submitted job = new JobEvent.Submitted(id, request.command(), request.passes(),
                request.src().name(), tgt, text(request.src()), text(request.tgt()), WirePaths.encode(rel),
                request.options(), System.currentTimeMillis(), who(), noQueue, true);
        return EmbeddedTurn.take(uri.get(), job, notice -> System.err.println("pdm: " + notice), giveUp);
    }

    /** As the embedded summary names a filesystem: "panda (/mnt/panda)". */
    private static String text(DataSource ds) {
        return ds.name().equals(ds.path().toString()) ? ds.name() : ds.name() + " (" + ds.path() + ")";
    }

    /** user@host: who submitted or cancelled a job. */
    static String who() {
        return System.getProperty("user.name") + "@" + Hosts.name();
    }

    /** Ctrl-C while waiting: the waiting thread is interrupted, and the job goes on without the client. */
    private static final class Detach implements AutoCloseable {
        private final Signal sigint = new Signal("INT");
        private final SignalHandler previous;
        private volatile boolean asked;

        private Detach(Thread waiting) {
            SignalHandler before;
            try {
                before = Signal.handle(sigint, s -> {
                    asked = true;
                    waiting.interrupt();
                });
            } catch (IllegalArgumentException ignored) {
                before = null; // SIGINT ignored (nohup, a background job of a shell): nothing to detach on
            }
            previous = before;
        }

        static Detach onSigint() {
            return new Detach(Thread.currentThread());
        }

        boolean asked() {
            return asked;
        }

        @Override
        public void close() {
            if (previous != null) {
                Signal.handle(sigint, previous);
            }
        }
    }

    /** The progress of a distributed job, drawn as an embedded pass's is. */
    static final class Line implements BiConsumer<JobFold.Job, Counters> {
        private final Progress progress;
        private final Function<Pass, ProgressLine.Total> totals;
        private final Map<Pass, Optional<ProgressLine.Total>> found = new HashMap<>();

        /**
         * @param terminal where the line is drawn, or null to log instead
         * @param totals   the expected entries of a pass, or null when unknown
         */
        Line(Terminal terminal, Function<Pass, ProgressLine.Total> totals) {
            this.progress = new Progress(terminal);
            this.totals = totals;
        }

        /** @param live the running pass's counters with its running tasks' bytes as written so far */
        @Override
        public void accept(JobFold.Job j, Counters live) {
            double secs = Math.max(1e-3, (System.currentTimeMillis() - j.passStartMs()) / 1000.0);
            ProgressLine.Total total = found.computeIfAbsent(j.pass(),
                    a -> Optional.ofNullable(totals.apply(a))).orElse(null);
            progress.show(j.pass().cliName(), live, secs, total, j.tasksPending() + " tasks queued or running");
        }
    }
}

package pdm.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import pdm.Hosts;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.Preflight;
import pdm.fs.Names;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.job.JobSummary;
import pdm.job.Sizes;
import pdm.job.Summaries;
import pdm.task.Action;
import pdm.task.JobOptions;
import pdm.task.PathBytes;
import pdm.cluster.BrokerUri;
import pdm.cluster.JobLog;

/**
 * A pass command in distributed mode: records the job in the event log (the tracker in a
 * worker starts it), prints its id, and with --wait follows it to the same summary, --json
 * and exit code as embedded mode.
 */
final class Distributed {
    private final String command;
    private final List<Action> phases;
    private final JobOptions options;
    private final boolean json;
    private final boolean waitForIt;

    Distributed(String command, List<Action> phases, JobOptions options, boolean json, boolean waitForIt) {
        this.command = command;
        this.phases = phases;
        this.options = options;
        this.json = json;
        this.waitForIt = waitForIt;
    }

    int run(JobFactory factory, BrokerUri uri, String srcArg, String tgtArg, String pathArg) throws Exception {
        PdmConfig config = factory.config();
        if (pathArg == null) {
            throw new PdmException("PATH is missing: give the path below both roots, e.g. pdm " + command + " "
                    + srcArg + " " + tgtArg + " /user_xyz (or / for everything)");
        }
        DataSource src = config.datasource(srcArg);
        DataSource tgt = config.datasource(tgtArg);
        if (src.name().equals(tgt.name())) {
            throw new PdmException("SRC and TGT are the same filesystem '" + src.name() + "'");
        }
        if (Preflight.changesTarget(phases, options)) {
            Preflight.requireWritable(tgt.name(), tgt.write()); // early: the root task's preflight checks it again
        }
        Path path = Names.jobPath(pathArg);
        JobFactory.refuseFileRoot(options, path);
        long now = System.currentTimeMillis();
        JobEvent.Submitted job = new JobEvent.Submitted(JobFactory.newId(), command, phases, src.name(), tgt.name(),
                text(src), text(tgt), PathBytes.encode(path), options, now, who());
        JobLog.submit(uri, job);
        PrintStream out = System.out;
        if (!waitForIt) {
            out.println(job.job());
            System.err.println("pdm: job " + job.job() + " submitted to " + uri + "; follow it with: pdm status "
                    + job.job());
            return 0;
        }
        System.err.println("pdm: job " + job.job() + " submitted to " + uri + "; waiting for it (Ctrl-C stops "
                + "waiting, not the job)");
        Consumer<JobFold.Job> progress = System.console() != null ? new Line(System.err) : j -> { };
        JobFold.Job done = JobLog.follow(uri, job.job(), Instant.ofEpochMilli(now).minusSeconds(300), progress,
                notice -> {
                    if (progress instanceof Line l) {
                        l.clear();
                    }
                    System.err.println("pdm: " + notice);
                });
        if (progress instanceof Line l) {
            l.clear();
        }
        if (done.state() == JobFold.State.REFUSED) {
            System.err.println("pdm: job " + job.job() + " refused by a worker: " + done.refused());
            return 2;
        }
        JobSummary summary = done.summary();
        Summaries.print(summary, json, out);
        return summary.exitCode();
    }

    /** As the embedded summary names a filesystem: "panda (/mnt/panda)". */
    private static String text(DataSource ds) {
        return ds.name().equals(ds.path().toString()) ? ds.name() : ds.name() + " (" + ds.path() + ")";
    }

    private static String who() {
        return System.getProperty("user.name") + "@" + Hosts.name();
    }

    /** The progress line of a distributed job on a terminal. */
    static final class Line implements Consumer<JobFold.Job> {
        private final PrintStream err;
        private long last;

        Line(PrintStream err) {
            this.err = err;
        }

        @Override
        public void accept(JobFold.Job j) {
            long now = System.nanoTime();
            if (now - last < 1_000_000_000L) {
                return;
            }
            last = now;
            double secs = Math.max(1e-3, (System.currentTimeMillis() - j.phaseStartMs()) / 1000.0);
            err.printf(Locale.ROOT, "\r%s: %d files, %d dirs, %s, %.0f files/s, %d tasks queued or running, %d failed   ",
                    j.action().cliName(), j.counters().files(), j.counters().dirs(), Sizes.bytes(j.counters().bytes()),
                    j.counters().files() / secs, j.tasksPending(), j.counters().filesFailed() + j.counters().differences());
            err.flush();
        }

        void clear() {
            if (last != 0) {
                err.print("\r" + " ".repeat(120) + "\r");
                err.flush();
            }
        }
    }
}

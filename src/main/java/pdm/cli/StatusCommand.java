package pdm.cli;

import pdm.job.LogPosition;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import pdm.PdmException;
import pdm.config.PdmConfig;
import pdm.job.Counters;
import pdm.job.Failure;
import pdm.job.JobFold;
import pdm.job.JobSummary;
import pdm.job.Sizes;
import pdm.cluster.BrokerUri;
import pdm.cluster.JobLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show distributed jobs from the event log in RabbitMQ: state, pass, progress, rates, failures. "
                + "Works from any node, for jobs anyone submitted, also after the submitting client has gone. "
                + "Exit status with JOB: 0 done, 1 done with failures or differences, 2 refused, 3 still running "
                + "or queued behind another job on its tree, 4 cancelled."})
final class StatusCommand implements Callable<Integer> {
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB", description = "A job id (as submit printed it).")
    String jobId;

    @Option(names = "--failures", description = "List every failed item of JOB with its reason.")
    boolean failures;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--all", description = "Read the whole event log (default: jobs of the last 7 days).")
    boolean all;

    @Mixin
    ConfigOption config;

    @Mixin
    BrokerOption broker;

    @Mixin
    LogFormatOption logFormat;

    @Override
    public Integer call() throws Exception {
        if (failures && jobId == null) {
            throw new PdmException("--failures lists the failures of one job: give its id, e.g. pdm status JOB --failures");
        }
        PdmConfig cfg = config.load();
        BrokerUri uri = broker.require(cfg, "to ask");
        LogPosition from = all ? LogPosition.FIRST
                : LogPosition.since(jobId != null ? startOf(jobId) : Instant.now().minusSeconds(7 * 86400));
        JobLog.Live live = JobLog.readLive(uri, from);
        JobFold fold = live.fold();
        PrintStream out = System.out;
        if (jobId == null) {
            List<JobFold.Job> jobs = new ArrayList<>(fold.jobs());
            if (json) {
                ArrayNode a = new ObjectMapper().createArrayNode();
                long now = System.currentTimeMillis();
                jobs.forEach(j -> a.add(toJson(j, inFlight(live, j), now)));
                out.println(a);
            } else if (jobs.isEmpty()) {
                out.println("no jobs" + (all ? "" : " in the last 7 days (--all reads the whole log)"));
            } else {
                long now = System.currentTimeMillis();
                out.println(HEADER);
                jobs.forEach(j -> out.println(row(j, inFlight(live, j), now)));
            }
            return 0;
        }
        JobFold.Job j = fold.job(jobId);
        if (j == null) {
            throw new PdmException("no job '" + jobId + "' in the event log" + (all ? "" : " (try --all)"));
        }
        if (json) {
            ObjectNode o = toJson(j, inFlight(live, j), System.currentTimeMillis());
            if (failures) {
                o.set("failures", new ObjectMapper().valueToTree(j.summary().failures()));
            }
            out.println(o);
        } else if (failures) {
            for (Failure f : j.summary().failures()) {
                out.println(f.path() + ": " + f.error());
            }
        } else {
            print(out, j, inFlight(live, j), System.currentTimeMillis());
        }
        return switch (j.state()) {
            case RUNNING -> 3;
            case REFUSED -> 2;
            case DONE -> j.exitCode();
            case CANCELLED -> 4;
        };
    }

    /** 80 columns: a job id is 20 characters, counts are shortened (12.3k, 4.56M); the details are in status JOB. */
    static final String HEADER = String.format(Locale.ROOT, "%-20s %-8s %-9s %-8s %6s %10s %6s %6s", "JOB", "COMMAND",
            "STATE", "PASS", "FILES", "BYTES", "FILE/S", "FAILED");

    /** What the workers' running tasks of {@code j} add to its done tasks' counters now ({@link JobFold.Job#inFlight}). */
    private static Counters inFlight(JobLog.Live live, JobFold.Job j) {
        return j.inFlight(live.inFlight().of(j.id()));
    }

    static String row(JobFold.Job j, long nowMs) {
        return row(j, Counters.ZERO, nowMs);
    }

    /** @param inFlight what its running tasks have done so far (added to a running job's counts) */
    static String row(JobFold.Job j, Counters inFlight, long nowMs) {
        Counters c = counters(j, inFlight);
        return String.format(Locale.ROOT, "%-20s %-8s %-9s %-8s %6s %10s %6s %6s", j.id(), j.def.command(), state(j),
                j.pass().cliName(), ProgressLine.count(c.files()), Sizes.bytes(c.bytes()),
                ProgressLine.count(Math.round(rate(j, c, nowMs))), ProgressLine.count(c.problems()));
    }

    static void print(PrintStream out, JobFold.Job j, long nowMs) {
        print(out, j, Counters.ZERO, nowMs);
    }

    static void print(PrintStream out, JobFold.Job j, Counters inFlight, long nowMs) {
        JobSummary s = j.summary();
        out.printf(Locale.ROOT, "job %s: %s %s -> %s %s, submitted by %s at %s%n", j.id(), j.def.command(),
                j.def.sourceText(), j.def.targetText(), s.path(), j.def.by(), Instant.ofEpochMilli(j.def.submittedMs()));
        out.printf(Locale.ROOT, "state: %s%s; pass %d of %d (%s); %d tasks done, %d queued or running%n", state(j),
                j.refused() != null ? " (" + j.refused() + ")" : j.cancelledBy() != null ? " by " + j.cancelledBy() : "", j.passIndex() + 1, j.def.passes().size(),
                j.pass().cliName(), j.tasksDone(), j.tasksPending());
        if (j.state() == JobFold.State.RUNNING) {
            if (j.startedMs() < 0 && j.def.embedded() && !j.notBegun()) {
                out.printf(Locale.ROOT, "running in the embedded pass of %s; its counts come as each pass ends%n",
                        j.def.by());
            } else if (j.notBegun() && j.queued() != null) {
                out.printf(Locale.ROOT, "queued for %s behind job %s (%s), which runs on an overlapping tree: "
                        + "it starts when that job ends%n", ProgressLine.duration(queueSeconds(j, nowMs)),
                        j.queued().behind(), j.queued().what());
            } else if (j.startedMs() < 0) {
                out.printf(Locale.ROOT, "queued for %s: no task of it has run yet%n",
                        ProgressLine.duration(queueSeconds(j, nowMs)));
            } else {
                Counters c = counters(j, inFlight);
                out.printf(Locale.ROOT, "running for %s (after %s in the queue)%n",
                        ProgressLine.duration(runSeconds(j, nowMs)), ProgressLine.duration(queueSeconds(j, nowMs)));
                out.printf(Locale.ROOT, "so far: %d files, %s, %d dirs, %d failed; %.0f files/s over the run time%n",
                        c.files(), Sizes.bytes(c.bytes()), c.dirs(), c.problems(), rate(j, c, nowMs));
            }
        } else {
            out.println(s.paragraph());
            if (j.startedMs() >= 0) {
                out.printf(Locale.ROOT, "waited %s in the queue before its first task ran%s%n",
                        ProgressLine.duration(queueSeconds(j, nowMs)),
                        j.queued() != null ? " (behind job " + j.queued().behind() + ")" : "");
            }
        }
        if (!j.doneByNode().isEmpty()) {
            out.println("tasks done per worker:");
            j.doneByNode().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> out.println("  " + e.getKey() + ": " + e.getValue()));
        }
    }

    static ObjectNode toJson(JobFold.Job j, long nowMs) {
        return toJson(j, Counters.ZERO, nowMs);
    }

    static ObjectNode toJson(JobFold.Job j, Counters inFlight, long nowMs) {
        JobSummary s = j.summary();
        Counters c = counters(j, inFlight);
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("job", j.id());
        o.put("command", j.def.command());
        o.put("state", state(j));
        if (j.refused() != null) {
            o.put("refused", j.refused());
        }
        if (j.cancelledBy() != null) {
            o.put("cancelled_by", j.cancelledBy());
        }
        if (j.queued() != null) {
            o.put("queued_behind", j.queued().behind());
        }
        if (j.def.embedded()) {
            o.put("embedded", true); // an embedded pass that took its turn on the tree (run by submitted_by)
        }
        o.put("pass", j.pass().cliName());
        o.put("source", j.def.sourceText());
        o.put("target", j.def.targetText());
        o.put("path", s.path());
        o.put("submitted_by", j.def.by());
        o.put("submitted", Instant.ofEpochMilli(j.def.submittedMs()).toString());
        if (j.startedMs() >= 0) {
            o.put("started", Instant.ofEpochMilli(j.startedMs()).toString()); // its first task's end
        }
        if (j.state() != JobFold.State.RUNNING) {
            o.put("ended", Instant.ofEpochMilli(j.lastMs()).toString());
        }
        o.put("tasks_done", j.tasksDone());
        o.put("tasks_pending", j.tasksPending());
        o.setAll((ObjectNode) new ObjectMapper().valueToTree(c));
        double secs = runSeconds(j, nowMs);
        o.put("seconds", secs);
        o.put("queued_seconds", queueSeconds(j, nowMs));
        o.put("files_per_second", rate(j, c, nowMs));
        o.put("bytes_per_second", secs > 0 ? c.bytes() / secs : 0);
        return o;
    }

    /** From the first task on: until now while it runs, until its last event once it has ended. */
    private static double runSeconds(JobFold.Job j, long nowMs) {
        if (j.startedMs() < 0) {
            return 0;
        }
        long end = j.state() == JobFold.State.RUNNING ? Math.max(nowMs, j.lastMs()) : j.lastMs();
        return (end - j.startedMs()) / 1000.0;
    }

    /** From submission to the first task (to now, while none has run). */
    private static double queueSeconds(JobFold.Job j, long nowMs) {
        long until = j.startedMs() >= 0 ? j.startedMs() : j.state() == JobFold.State.RUNNING ? nowMs : j.lastMs();
        return Math.max(0, until - j.def.submittedMs()) / 1000.0;
    }

    /** As the log tells it; "queued" for a running job the tracker holds behind another on its tree. */
    private static String state(JobFold.Job j) {
        if (j.state() == JobFold.State.RUNNING && j.notBegun() && j.queued() != null) {
            return "queued";
        }
        return j.state().name().toLowerCase(Locale.ROOT);
    }

    /**
     * The job's counts as status shows them: its summary's, and, while it runs, what its running
     * tasks have done so far (bytes as written, files as copied), so a file being copied moves them.
     */
    private static Counters counters(JobFold.Job j, Counters inFlight) {
        return j.summary().counters().plus(inFlight);
    }

    /** Files per second of run time (queue time excluded). */
    private static double rate(JobFold.Job j, Counters c, long nowMs) {
        double secs = runSeconds(j, nowMs);
        return secs > 0 ? c.files() / secs : 0;
    }

    /** Job ids begin with their UTC submit time; read the log from a minute before it. */
    static Instant startOf(String id) {
        if (id.length() < 15) {
            throw new PdmException("'" + id + "' is not a job id (they look like 20261125-101842-l9ql)");
        }
        try {
            return LocalDateTime.parse(id.substring(0, 15), ID_TIME).toInstant(ZoneOffset.UTC).minusSeconds(60);
        } catch (DateTimeParseException e) {
            throw new PdmException("'" + id + "' is not a job id (they look like 20261125-101842-l9ql)");
        }
    }
}

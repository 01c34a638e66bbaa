package pdm.cli;

import java.util.Locale;
import java.util.concurrent.Callable;
import pdm.PdmException;
import pdm.cluster.BrokerUri;
import pdm.cluster.JobLog;
import pdm.job.JobEvent;
import pdm.job.JobFold;
import pdm.job.LogPosition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a distributed job: no new task of it starts (workers drop its queued tasks), the "
                + "tasks running stop at their next entry or chunk of a file (a file given up has its temp file "
                + "removed), and the job ends as cancelled with its counts so far (pdm status JOB). "
                + "A client waiting for it exits 130. Running the same pass again later finishes the work. "
                + "Exit 0 cancelled, 1 already over or an embedded pass (stop it where it runs), 2 no such job."})
final class CancelCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "A job id (as the pass printed it).")
    String jobId;

    @Mixin
    ConfigOption config;

    @Mixin
    BrokerOption broker;

    @Mixin
    LogFormatOption logFormat;

    @Override
    public Integer call() throws Exception {
        BrokerUri uri = broker.require(config.load(), "to cancel a job");
        JobFold fold = JobLog.read(uri, LogPosition.since(StatusCommand.startOf(jobId)));
        JobFold.Job j = fold.job(jobId);
        if (j == null) {
            throw new PdmException("no job '" + jobId + "' in the event log; pdm status lists the jobs of the last 7 days");
        }
        if (j.state() != JobFold.State.RUNNING) {
            System.err.println("pdm: job " + jobId + " is already over (" + j.state().name().toLowerCase(Locale.ROOT)
                    + "); nothing to cancel");
            return 1;
        }
        if (j.def.embedded()) {
            // its process does not follow the log once it runs: a cancel here would free the tree while it writes
            System.err.println("pdm: job " + jobId + " is an embedded pass run by " + j.def.by() + " ("
                    + j.def.command() + " " + j.def.targetText() + "); stop it there (Ctrl-C, or kill its process: "
                    + "its tree is freed within seconds)");
            return 1;
        }
        JobLog.cancel(uri, new JobEvent.Cancelled(jobId, Distributed.who(), System.currentTimeMillis()));
        System.err.println("pdm: job " + jobId + " cancelled: no new task of it starts; the running ones stop at "
                + "their next chunk (pdm status " + jobId + " shows it end)");
        return 0;
    }
}

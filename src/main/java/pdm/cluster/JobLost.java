package pdm.cluster;

import pdm.PdmException;

/**
 * A waiting client gives up on a job it can no longer follow, gone from the event log: exit 1, as
 * the job was not seen to complete, with what to do next. (Tasks held nowhere are only a notice:
 * {@link LostTasks}.)
 */
public final class JobLost extends PdmException {
    public JobLost(String reason) {
        super(reason, 1, null);
    }
}

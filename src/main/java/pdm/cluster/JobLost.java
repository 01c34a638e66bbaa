package pdm.cluster;

import pdm.PdmException;

/**
 * A waiting client gives up on a job it cannot see finish (its tasks gone from every queue, or
 * the job gone from the event log): exit 1, as the job did not complete, with what to do next.
 */
public final class JobLost extends PdmException {
    public JobLost(String reason) {
        super(reason, 1, null);
    }
}

package pdm.fs;

import pdm.PdmException;

/** pdm refuses to act because acting could touch data outside what the job names. */
public final class SafetyException extends PdmException {
    public SafetyException(String reason) {
        super(reason);
    }
}

package pdm.fs;

import java.io.InterruptedIOException;

/** A copy given up part way because the pass was asked to stop; its temp file is removed, and it is no failure. */
public final class CopyStoppedException extends InterruptedIOException {
    public CopyStoppedException() {
        super("stopped: the pass was interrupted");
    }
}

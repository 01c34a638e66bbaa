package pdm.lustre;

import java.io.IOException;

/** lfs could not be run, or said no: the message carries what lfs printed, for the failure list. */
public final class LfsException extends IOException {
    public LfsException(String message) {
        super(message);
    }

    public LfsException(String message, Throwable cause) {
        super(message, cause);
    }
}

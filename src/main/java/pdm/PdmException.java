package pdm;

/**
 * An error with a reason a storage admin can act on. {@link #exitCode()} is what the
 * CLI returns for it: 2 for usage, config and safety refusals, as docs/spec.md says.
 */
public class PdmException extends RuntimeException {
    private final int exitCode;

    public PdmException(String reason) {
        this(reason, 2, null);
    }

    public PdmException(String reason, Throwable cause) {
        this(reason, 2, cause);
    }

    protected PdmException(String reason, int exitCode, Throwable cause) {
        super(reason, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

package pdm.task;

/** A message no worker should act on; the reason goes with it to the dead-letter queue. */
public final class BadMessageException extends Exception {
    public BadMessageException(String reason) {
        super(reason);
    }

    public BadMessageException(String reason, Throwable cause) {
        super(reason, cause);
    }
}

package pdm.fs.linux;

/** This machine is not one pdm can make system calls on safely (architecture, kernel without statx). */
public final class UnsupportedPlatformException extends RuntimeException {
    public UnsupportedPlatformException(String reason) {
        super(reason);
    }
}

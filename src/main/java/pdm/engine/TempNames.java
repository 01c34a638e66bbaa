package pdm.engine;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Names for data being written. Short (a 255-byte name must still fit), unique per
 * process, and recognisable: a crash leaves only {@code .pdm-tmp-*} files, never a
 * truncated file under a real name, and the next delete pass removes them.
 */
final class TempNames {
    static final String PREFIX = ".pdm-tmp-";
    private static final String PID = Long.toString(ProcessHandle.current().pid(), 36);
    private static final AtomicLong NEXT = new AtomicLong();

    private TempNames() {
    }

    static Path next() {
        return Path.of(PREFIX + PID + "-" + Long.toString(NEXT.incrementAndGet(), 36));
    }
}

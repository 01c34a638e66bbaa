package pdm.journal;

import java.io.IOException;

/**
 * Where a watcher learns what changed below the watched directory: the kernel of this node
 * ({@link FanotifySource}) or a Lustre filesystem's changelog ({@link LustreChangelog}).
 */
interface ChangeSource extends AutoCloseable {
    /**
     * Tells {@code sink} the changes queued now. Returns false when there were none: the watcher
     * then waits {@link #idleMs} before it looks again. A mark reads until it returns false, so
     * every change made before the mark was asked for is in the journal before the MARK.
     */
    boolean read(ChangeSink sink) throws IOException;

    /** The changes read so far are on disk in the journal: the source may forget them. */
    default void persisted() throws IOException {
    }

    /** How long to wait after a look that found nothing. */
    long idleMs();

    @Override
    void close() throws IOException;
}

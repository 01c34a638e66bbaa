package pdm.engine;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a dry run would have changed so far, so that its later passes see the target as the
 * real run's would: sync's delete pass does not remove again what its copy pass replaced,
 * and a directory an earlier pass would have written into has a new mtime to set, as the
 * real run's dirtimes finds. Used only by dry runs; memory is one entry per directory or
 * replaced name the dry run would change.
 */
public final class DryRunLedger {
    private final Set<Path> touched = ConcurrentHashMap.newKeySet();
    private final Set<Path> replaced = ConcurrentHashMap.newKeySet();
    private final Set<Path> metaSet = ConcurrentHashMap.newKeySet();

    /** An entry would be created, renamed into or removed from the directory {@code dirRel}. */
    void touch(Path dirRel) {
        touched.add(dirRel);
    }

    /** The target entry {@code rel} would be gone (removed, or replaced by the source's type). */
    void replaced(Path rel) {
        replaced.add(rel);
    }

    boolean wasReplaced(Path rel) {
        return replaced.contains(rel);
    }

    /**
     * Whether the dry run would set the directory's metadata now: it would have been written
     * into since it was last set, or it differs and no earlier pass of this run set it.
     */
    boolean wouldSetMeta(Path dirRel, boolean differsNow) {
        boolean written = touched.remove(dirRel);
        if (written || (differsNow && !metaSet.contains(dirRel))) {
            metaSet.add(dirRel);
            return true;
        }
        return false;
    }
}

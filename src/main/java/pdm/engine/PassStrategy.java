package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.task.FinishTask;
import pdm.task.WorkItem;

/**
 * A pass is a small strategy over the shared walk: it sees every name of a merged
 * listing of a directory pair, does the work of the entries it handed to file workers,
 * and hears when a directory and everything below it is done (deepest first). What a pass
 * does to the job (writes the target, removes, sets directory metadata...) are its traits in
 * {@link pdm.task.Pass}; {@link Passes#of} makes it.
 */
public interface PassStrategy {
    /** Decide about one name. Runs on a dir worker; cheap decisions only. */
    void plan(DirPair dir, Pair pair, Plan plan) throws IOException, InterruptedException;

    /**
     * A name the job excludes (--exclude, skip_paths): by default left alone on both sides, not
     * descended. Runs on a dir worker instead of {@link #plan}.
     */
    default void excluded(DirPair dir, Pair pair, Plan plan) throws InterruptedException {
    }

    /**
     * The job's walk root was opened, before its entries are planned. It is no entry of a listed
     * directory, so {@link #plan} never sees it: what a pass keeps of a directory before its
     * children (its xattrs and default ACL) is kept here for the root.
     */
    default void rootOpened(DirPair dir) throws IOException {
    }

    /** Do one entry's work. Runs on a file worker; {@code dir.tgt()} may be null. */
    void work(DirPair dir, WorkItem item) throws IOException;

    /**
     * The job's whole walk is done, just before its walk root's {@link #dirDone}: the pass
     * removes what it kept on the target for itself (the copy's hard-link directory).
     * Failures are counted in the job's stats, not thrown.
     */
    default void walkDone() {
    }

    /**
     * The directory {@code rel} and everything below it are done.
     *
     * @param srcSelf the source directory's own metadata when it was listed
     * @param tgtSelf the target directory's identity when it was listed, or null
     */
    default void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
    }

    /**
     * Every range of a big file copied by several workers is done: place it (or only remove its
     * temp file, {@link FinishTask#discard()}). Only a pass that copies has split files.
     */
    default void finishSplit(DirPair dir, FinishTask finish) throws IOException {
        throw new UnsupportedOperationException("only copy and verify cut files into ranges");
    }

}

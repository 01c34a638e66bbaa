package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Function;
import pdm.journal.Changes;

/**
 * Where the tasks of a distributed {@code --changes} pass learn what the pass walks
 * (docs/change-journal.md, "Distributed mode"). The root task decides once, and the decision is
 * kept where every worker reads it (pdm.cluster: the journal stream), before any other task of
 * the pass exists: every task, and a root task delivered again after its worker died, walks by
 * the same interval, so the mark the pass stores vouches for everything it walked.
 */
public interface ChangeScopes {
    /** A decision and the changes of its interval (empty when it walks everything). */
    record Decided(Changes.Decision decision, Changes changes) {
    }

    /**
     * The root task: the decision on record for {@code requestId}, else a new one: a mark from the
     * watcher, the changes since the last complete pass of {@code key}, and {@code check}, which may
     * turn a walk by the journal into a walk of everything (its reason, or null).
     *
     * @param src       the configured source filesystem's name: whose journal stream
     * @param noJournal when not null, the pass walks everything for this reason and takes no mark
     */
    Decided decide(String requestId, String src, String key, Path srcRoot, Path path, String noJournal,
                   Function<Changes, String> check) throws IOException;

    /** Any other task of the pass: the decision its root task recorded, or null when none is to be found. */
    Decided decided(String requestId, String src, Path srcRoot, Path path) throws IOException;

    /** No journal: a process that runs no distributed --changes pass. */
    ChangeScopes NONE = new ChangeScopes() {
        @Override
        public Decided decide(String requestId, String src, String key, Path srcRoot, Path path, String noJournal,
                              Function<Changes, String> check) {
            return null;
        }

        @Override
        public Decided decided(String requestId, String src, Path srcRoot, Path path) {
            return null;
        }
    };
}

package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.engine.ChangeList.Change;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.fs.Names;

/**
 * Every removal of the user's data in every pass and mode goes through here, entry by entry:
 * each is counted (recursively, in a dry run too), listed with -i, logged at INFO on the
 * {@code pdm.removed} logger so a delete pass can be audited afterwards, and held to
 * {@code --max-delete}. One instance serves a whole command (sync's copy and delete passes
 * share its cap); in distributed mode one per job and worker process.
 */
public final class Removals {
    private static final Logger REMOVED = LoggerFactory.getLogger("pdm.removed");
    private static final Logger LOG = LoggerFactory.getLogger(Removals.class);

    private final RemovalBudget budget;
    private final String cap;
    private final AtomicBoolean capMet = new AtomicBoolean();

    /** @param maxDelete the cap of this process's removals, or null for none */
    public Removals(Long maxDelete) {
        this(RemovalBudget.counting(maxDelete), maxDelete == null ? "" : Long.toString(maxDelete));
    }

    /** @param cap the --max-delete value, for the message when the budget is spent */
    public Removals(RemovalBudget budget, String cap) {
        this.budget = budget;
        this.cap = cap;
    }

    /**
     * Removes the target entry {@code name} of {@code dir} (a directory with all below it).
     *
     * @return true when it is gone (or would be, in a dry run); false when --max-delete stopped
     *         it, which is counted in the pass's {@code removals_skipped}
     */
    boolean remove(PassContext ctx, Dir dir, Path name, FileMeta meta) throws IOException {
        Path rel = dir.rel().resolve(name);
        if (ctx.dryRun() && ctx.ledger().wasReplaced(rel)) {
            return true; // an earlier pass of this dry run already counted it
        }
        Guard guard = new Guard(ctx);
        if (dir.removeTree(name, meta, guard, ctx.dryRun())) {
            if (ctx.dryRun()) {
                ctx.ledger().replaced(rel);
                ctx.wouldTouch(dir.rel());
            }
            return true;
        }
        if (!guard.refused) {
            LOG.info("{} stays: it holds entries the job excludes (--delete-excluded removes them too)",
                    Names.display(rel));
        }
        return false;
    }

    /**
     * Replaces the target entry {@code name} of {@code dir} (a file where the source now has a
     * symlink, say) by {@code tmp}: rename(2) removes it atomically, and it is counted, listed
     * and logged once the rename is done (in a dry run, at once).
     *
     * @return false when --max-delete forbids it; the entry is then left as it is
     */
    boolean replaceByRename(PassContext ctx, Dir dir, Path tmp, Path name, FileMeta meta) throws IOException {
        Path rel = dir.rel().resolve(name);
        Dir.RemovalGuard g = new Guard(ctx);
        if (!g.mayRemove(rel, meta)) {
            return false;
        }
        if (!ctx.dryRun()) {
            dir.rename(tmp, name);
        } else {
            ctx.ledger().replaced(rel);
        }
        g.removed(rel, meta);
        return true;
    }

    /** One removal's guard: the budget, the count, the listing and the log; excluded entries stay. */
    private final class Guard implements Dir.RemovalGuard {
        private final PassContext ctx;
        /** --max-delete stopped the removal (not an excluded entry it kept). */
        boolean refused;

        Guard(PassContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public boolean keeps(Path rel, FileMeta meta) {
            return ctx.excludes().keeps(rel, meta);
        }

        @Override
        public boolean unlocks() {
            return ctx.options().attrs().flags();
        }

        @Override
        public void unlocked(Path rel) {
            ctx.stats().unlocked.increment();
            ctx.changes().add(Change.UNLOCK, Names.display(rel));
        }

        @Override
        public boolean mayRemove(Path rel, FileMeta meta) throws IOException {
            if (budget.take()) {
                return true;
            }
            refused = true;
            if (capMet.compareAndSet(false, true)) {
                LOG.warn("--max-delete {} reached: no more entries are removed in this run (first one left: {})",
                        cap, Names.display(rel));
            }
            left(rel, meta);
            return false;
        }

        /** An entry the cap leaves: counted in removals_skipped and listed ({@code capped}), as each removal is. */
        @Override
        public void left(Path rel, FileMeta meta) {
            ctx.stats().removalsSkipped.increment();
            ctx.changes().add(Change.CAPPED, Names.display(rel));
        }

        @Override
        public void removed(Path rel, FileMeta meta) {
            String path = Names.display(rel);
            ctx.stats().filesRemoved.increment();
            ctx.changes().add(Change.REMOVE, path);
            if (!ctx.dryRun()) {
                REMOVED.info("removed {} {}", kind(meta), path);
            }
        }
    }

    private static String kind(FileMeta m) {
        return m.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}

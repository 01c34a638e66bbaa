package pdm.engine;

import java.io.IOException;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;
import pdm.task.WorkItem.Op;

/**
 * Removes from the target what the source no longer has, including an entry whose type
 * changed (a file that became a directory). Only names in a source listing that succeeded
 * are ever considered, and each removal re-checks the source first: on a live filesystem
 * the name may have come back since the listing.
 */
final class DeletePass implements PassStrategy {
    private final PassContext ctx;

    DeletePass(PassContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void plan(DirPair dir, Pair p, Plan plan) throws InterruptedException {
        if (p.tgt() == null) {
            return;
        }
        if (p.src() == null || p.src().type() != p.tgt().type()) {
            plan.work(new WorkItem(p.name(), Op.REMOVE, p.src(), p.tgt()));
        } else if (p.src().isDir()) {
            plan.descend(p.name(), p.src(), p.tgt());
        }
    }

    /** Left alone, unless --delete-excluded asks to remove it from the target. */
    @Override
    public void excluded(DirPair dir, Pair p, Plan plan) throws InterruptedException {
        if (p.tgt() != null && ctx.excludes().deletesExcluded()) {
            plan.work(new WorkItem(p.name(), Op.REMOVE, p.src(), p.tgt()));
        }
    }

    @Override
    public void work(DirPair dir, WorkItem item) throws IOException {
        if (item.op() != Op.REMOVE) {
            throw new IllegalArgumentException("delete cannot " + item.op());
        }
        if (!excluded(dir, item)) {
            FileMeta now = dir.src().stat(item.name());
            if (now != null && now.type() == item.tgt().type()) {
                return;
            }
        }
        ctx.removals().remove(ctx, dir.tgt(), item.name(), item.tgt());
    }

    /** An excluded entry planned for removal by --delete-excluded: the source may well have it. */
    private boolean excluded(DirPair dir, WorkItem item) {
        ExcludeFilter.Scope scope = ctx.excludes().in(dir.rel());
        return scope != null && scope.excludes(new Pair(item.name(), item.src(), item.tgt()));
    }

}

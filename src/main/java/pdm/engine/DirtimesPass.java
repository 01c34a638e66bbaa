package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;

/** Sets every target directory's owner, mode and times to the source's, deepest first. */
final class DirtimesPass implements PassStrategy {
    private final PassContext ctx;

    DirtimesPass(PassContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void plan(DirPair dir, Pair p, Plan plan) throws InterruptedException {
        if (p.src() != null && p.src().isDir() && p.tgt() != null && p.tgt().isDir()) {
            plan.descend(p.name(), p.src(), p.tgt());
        }
    }

    @Override
    public void work(DirPair dir, WorkItem item) {
        throw new IllegalArgumentException("dirtimes has no file work");
    }

    @Override
    public void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
        DirMeta.restore(ctx, rel, srcSelf, tgtSelf);
    }
}

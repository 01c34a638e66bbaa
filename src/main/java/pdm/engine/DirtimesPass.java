package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;

/**
 * Sets every target directory's owner, mode and times to the source's, deepest first, as the
 * copy pass does once a subtree is done ({@link AttrSync#dirTimes}): an immutable or append-only
 * directory is unlocked for it and locked again (the delete pass before it may have removed
 * entries from one, which moved its mtime). Its flags are the copy pass's to set.
 */
final class DirtimesPass implements PassStrategy {
    private final AttrSync attrs;

    DirtimesPass(PassContext ctx) {
        this.attrs = new AttrSync(ctx);
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
        attrs.dirTimes(rel, srcSelf, tgtSelf);
    }
}

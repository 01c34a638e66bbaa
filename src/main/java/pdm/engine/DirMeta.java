package pdm.engine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import pdm.fs.FileMeta;
import pdm.fs.Names;
import pdm.fs.Dir;

/** Restores a target directory's owner, mode and times once nothing below it changes any more. */
final class DirMeta {
    private DirMeta() {
    }

    /** The target directory already has the source's owner, mode and mtime. */
    static boolean current(PassContext ctx, FileMeta src, FileMeta tgt) {
        return ctx.sameOwnership(src, tgt) && src.mtimeNs() == tgt.mtimeNs();
    }

    static void restore(PassContext ctx, Path rel, FileMeta src, FileMeta tgtSelf) throws IOException {
        FileMeta tgt;
        try (Dir dir = ctx.tgt().open(rel, tgtSelf)) {
            tgt = dir.self();
            if (current(ctx, src, tgt)) {
                return;
            }
            if (!ctx.dryRun()) {
                dir.setMeta(src, ctx.preserveOwner());
            }
            ctx.changes().add(ChangeList.Change.DIRMETA, Names.display(rel));
            ctx.stats().metaFixed.increment();
        } catch (NoSuchFileException e) {
            if (!ctx.dryRun()) {
                ctx.stats().fail(Names.display(rel), "target directory vanished before its times were set");
            }
        }
    }
}

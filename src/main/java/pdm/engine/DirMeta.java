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
        if (ctx.dryRun() && ctx.ledger().wasReplaced(rel)) {
            wouldSetNew(ctx, rel); // what is there now the real run would have replaced by this directory
            return;
        }
        try (Dir dir = ctx.tgt().open(rel, tgtSelf)) {
            tgt = dir.self();
            boolean differs = !current(ctx, src, tgt);
            if (ctx.dryRun() ? !ctx.ledger().wouldSetMeta(rel, differs) : !differs) {
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
            } else {
                wouldSetNew(ctx, rel);
            }
        }
    }

    /** A directory this dry run would have made: the real one sets its metadata here. */
    private static void wouldSetNew(PassContext ctx, Path rel) {
        if (ctx.ledger().wouldSetMeta(rel, true)) {
            ctx.changes().add(ChangeList.Change.DIRMETA, Names.display(rel));
            ctx.stats().metaFixed.increment();
        }
    }
}

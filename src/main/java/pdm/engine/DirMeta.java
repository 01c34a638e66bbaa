package pdm.engine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import pdm.fs.Attrs;
import pdm.fs.FileMeta;
import pdm.fs.MetaWriter;
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
        restore(ctx, rel, src, tgtSelf, List.of());
    }

    /**
     * The same, its {@code dirmeta} line also naming {@code changed} (the flags its caller sets
     * next). Returns whether it listed (and counted) the directory.
     */
    static boolean restore(PassContext ctx, Path rel, FileMeta src, FileMeta tgtSelf, List<String> changed)
            throws IOException {
        FileMeta tgt;
        if (ctx.dryRun() && ctx.ledger().wasReplaced(rel)) {
            return wouldSetNew(ctx, rel, changed); // what is there now the real run would have replaced by this directory
        }
        try (Dir dir = ctx.tgt().open(rel, tgtSelf)) {
            tgt = dir.self();
            boolean differs = !current(ctx, src, tgt);
            if (ctx.dryRun() ? !ctx.ledger().wouldSetMeta(rel, differs) : !differs) {
                return false;
            }
            if (!ctx.dryRun()) {
                // Owner, xattrs (the access ACL among them), mode, times: the order that widens
                // nothing on the way (MetaWriter), the times last as everywhere
                AttrSync.DirXattrs x = AttrSync.dirXattrsAtEnd(ctx, rel, dir);
                MetaWriter meta = ctx.metaWriter();
                if (x != null) {
                    // (its mtime off first: a crash after the chown or between two xattrs must leave
                    // a directory the next pass sees differ, whatever its ctime says)
                    Attrs.markUnfinished(dir);
                }
                meta.applyOwner(dir, src, tgt, x != null && x.aclChanges());
                if (x != null) {
                    x.write(dir);
                }
                meta.applyMode(dir, src);
                dir.setTimes(src);
            }
            ctx.changes().add(ChangeList.Change.DIRMETA, Names.display(rel), changed);
            ctx.stats().metaFixed.increment();
            return true;
        } catch (NoSuchFileException e) {
            if (!ctx.dryRun()) {
                ctx.stats().fail(Names.display(rel), "target directory vanished before its times were set");
                return false;
            }
            return wouldSetNew(ctx, rel, changed);
        }
    }

    /** A directory this dry run would have made: the real one sets its metadata here. */
    private static boolean wouldSetNew(PassContext ctx, Path rel, List<String> changed) {
        if (ctx.ledger().wouldSetMeta(rel, true)) {
            ctx.changes().add(ChangeList.Change.DIRMETA, Names.display(rel), changed);
            ctx.stats().metaFixed.increment();
            return true;
        }
        return false;
    }
}

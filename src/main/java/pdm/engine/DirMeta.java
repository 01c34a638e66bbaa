package pdm.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import pdm.fs.FileMeta;
import pdm.fs.Names;
import pdm.fs.Unix;

/** Restores a target directory's owner, mode and times once nothing below it changes any more. */
final class DirMeta {
    private DirMeta() {
    }

    static void restore(PassContext ctx, Path rel, FileMeta src) throws IOException {
        Path target = ctx.tgt().abs(rel);
        FileMeta tgt;
        try {
            tgt = Unix.meta(Files.getFileAttributeView(target, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .readAttributes());
        } catch (NoSuchFileException e) {
            if (!ctx.dryRun()) {
                ctx.stats().fail(Names.display(rel), "target directory vanished before its times were set");
            }
            return;
        }
        if (!tgt.isDir()) {
            ctx.stats().fail(Names.display(rel), "target is no longer a directory; its times were not set");
            return;
        }
        if (ctx.sameOwnership(src, tgt) && src.mtimeNs() == tgt.mtimeNs()) {
            return;
        }
        if (ctx.dryRun()) {
            ctx.wouldDo("dirmeta", Names.display(rel));
        } else {
            ctx.metaWriter().apply(target, src);
        }
        ctx.stats().metaFixed.increment();
    }
}

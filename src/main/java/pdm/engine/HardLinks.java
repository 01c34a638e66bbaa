package pdm.engine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.task.WorkItem;

/**
 * Keeps hard links: of the names of one source inode met in a pass, the first one a file
 * worker reaches is copied (the leader) and the others become links to its target. The
 * leader is claimed when its work starts, so a waiting name never waits on queued work.
 * Memory: one entry per multi-link inode seen in the pass.
 */
final class HardLinks {
    private record Inode(long dev, long ino) {
    }

    /** Where a leader's copy lives on the target: its directory below the root and its name. */
    private record Placed(Path dir, Path name) {
    }

    private final ConcurrentHashMap<Inode, CompletableFuture<Placed>> leaders = new ConcurrentHashMap<>();

    void handle(DirPair dir, WorkItem item, CopyPass copy) throws IOException {
        FileMeta src = item.src();
        CompletableFuture<Placed> mine = new CompletableFuture<>();
        CompletableFuture<Placed> leader = leaders.putIfAbsent(new Inode(src.dev(), src.ino()), mine);
        if (leader == null) {
            try {
                // Looked at again rather than trusted from the listing: in distributed mode a
                // redelivered task may find this name already copied and linked by a worker that
                // died, and copying it anew would split the names that are linked to it.
                FileMeta now = dir.tgt() == null ? null : dir.tgt().stat(item.name());
                copy.copy(dir, new WorkItem(item.name(), item.op(), src, now));
                mine.complete(new Placed(dir.rel(), item.name()));
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
            return;
        }
        Placed target;
        try {
            target = leader.join();
        } catch (CompletionException e) {
            throw new IOException("not linked: its other name failed to copy (" + Reasons.of(e.getCause()) + ")");
        }
        PassContext ctx = copy.ctx();
        boolean dry = ctx.dryRun() || dir.tgt() == null;
        // The leader's directory is opened again (no symlink followed) rather than trusting a
        // path remembered from another task; a dry run makes the same check as the real one.
        try (Dir leaderDir = ctx.tgt().open(target.dir())) {
            FileMeta placed = leaderDir.stat(target.name());
            FileMeta tgt = item.tgt();
            if (placed != null && tgt != null && tgt.isFile() && tgt.ino() == placed.ino() && tgt.dev() == placed.dev()) {
                ctx.stats().filesSkipped.increment();
            } else if (dry) {
                ctx.wouldDo("link", dir.display(item.name()));
                ctx.stats().filesCopied.increment();
            } else if (placed == null) {
                throw new IOException("not linked: its other name vanished from the target");
            } else {
                copy.link(dir, item, leaderDir.abs(target.name()));
            }
        } catch (NoSuchFileException e) {
            if (!dry) {
                throw e;
            }
            ctx.wouldDo("link", dir.display(item.name()));
            ctx.stats().filesCopied.increment();
        }
    }
}

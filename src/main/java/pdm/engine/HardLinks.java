package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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

    private final ConcurrentHashMap<Inode, CompletableFuture<Path>> leaders = new ConcurrentHashMap<>();

    void handle(DirPair dir, WorkItem item, CopyPass copy) throws IOException {
        FileMeta src = item.src();
        CompletableFuture<Path> mine = new CompletableFuture<>();
        CompletableFuture<Path> leader = leaders.putIfAbsent(new Inode(src.dev(), src.ino()), mine);
        if (leader == null) {
            try {
                copy.copy(dir, item);
                mine.complete(dir.tgt() == null ? null : dir.tgt().abs(item.name()));
            } catch (IOException | RuntimeException e) {
                mine.completeExceptionally(e);
                throw e;
            }
            return;
        }
        Path target;
        try {
            target = leader.join();
        } catch (CompletionException e) {
            throw new IOException("not linked: its other name failed to copy (" + Reasons.of(e.getCause()) + ")");
        }
        if (target != null && CopyPass.sameInode(item.tgt(), target)) {
            copy.ctx().stats().filesSkipped.increment();
            return;
        }
        if (target == null) {
            copy.ctx().wouldDo("link", dir.display(item.name()));
            copy.ctx().stats().filesCopied.increment();
            return;
        }
        copy.link(dir, item, target);
    }
}

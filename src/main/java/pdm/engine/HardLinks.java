package pdm.engine;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.fs.Names;
import pdm.job.JobSummary;
import pdm.task.WorkItem;

/**
 * Keeps hard links: of the names of one source inode met in a pass, the first one a file
 * worker reaches is copied (the leader) and the others become links to its target. The
 * leader is claimed when its work starts, so a waiting name never waits on queued work.
 * Memory: one entry per multi-link inode seen in the pass.
 */
final class HardLinks {
    /** How the pass makes the names of a multi-link inode: the first as its type is made, the others as links. */
    interface Placer {
        /**
         * Makes the first name of a multi-link inode as its type is made (a file's data copied, a
         * symlink or special created); false when it was left alone.
         */
        boolean placeLeader(DirPair dir, WorkItem item) throws IOException;

        /**
         * Hard links {@code item} to the target entry {@code leaderName} of {@code leaderDir}, already
         * placed in this pass (both null in a dry run, where it may not exist).
         */
        void link(DirPair dir, WorkItem item, Dir leaderDir, Path leaderName) throws IOException;
    }

    /** Where a leader's copy lives on the target: its directory below the root and its name. */
    private record Placed(Path dir, Path name) {
    }

    private final ConcurrentHashMap<InodeId, CompletableFuture<Placed>> leaders = new ConcurrentHashMap<>();
    /**
     * Distributed mode: a directory on the target (below the job PATH) where every copied
     * multi-link inode also gets a name, {@code DEV-INO}. A worker that takes over a link
     * queue after another died finds the inodes that one already placed there, instead of
     * copying them again and splitting their names. Removed when the copy pass is complete.
     * Null in embedded mode, where one process sees every name.
     */
    private final Path farm;

    HardLinks() {
        this(null);
    }

    HardLinks(Path farm) {
        this.farm = farm;
    }

    /** The farm directory name of a job (below its PATH on the target). */
    static Path farmName(String jobId) {
        return Path.of(".pdm-links-" + jobId);
    }

    private static Path key(FileMeta src) {
        return Path.of(src.dev() + "-" + src.ino());
    }

    /** If an earlier worker already copied this inode, link this name to that copy. */
    private boolean linkedFromFarm(PassContext ctx, DirPair dir, WorkItem item, FileMeta now, Placer placer)
            throws IOException {
        FileMeta src = item.src();
        try (Dir f = ctx.tgt().open(farm)) {
            FileMeta placed = f.stat(key(src));
            if (placed == null || !placed.isFile() || placed.size() != src.size() || placed.mtimeNs() != src.mtimeNs()) {
                return false;
            }
            if (now != null && now.ino() == placed.ino() && now.dev() == placed.dev()) {
                ctx.stats().filesSkipped.increment();
            } else {
                placer.link(dir, item, f, key(src));
            }
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private void enterFarm(DirPair dir, WorkItem item, PassContext ctx) throws IOException {
        Path parent = farm.getParent() == null ? Names.ROOT : farm.getParent();
        try (Dir p = ctx.tgt().open(parent)) {
            if (p.stat(farm.getFileName()) == null) {
                try {
                    p.mkdir(farm.getFileName(), 0700);
                } catch (FileAlreadyExistsException e) {
                    // another link queue's worker made it first
                }
            }
        }
        try (Dir f = ctx.tgt().open(farm)) {
            Path key = key(item.src());
            if (f.stat(key) != null) {
                f.deleteFile(key); // an older version of the file, from an earlier pass
            }
            f.link(key, dir.tgt(), item.name());
        }
    }

    /**
     * Removes the farm once the job's walk is done (distributed mode: before the job root's
     * times are set); a failure is the job's, named by the farm's path.
     */
    void removeFarm(PassContext ctx) {
        if (farm == null) {
            return;
        }
        Path parent = farm.getParent() == null ? Names.ROOT : farm.getParent();
        try (Dir p = ctx.tgt().open(parent)) {
            FileMeta m = p.stat(farm.getFileName());
            if (m != null && m.isDir()) {
                p.removeTree(farm.getFileName(), m, Dir.RemovalGuard.OWN, false);
            }
        } catch (NoSuchFileException e) {
            // nothing to remove
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(farm), "cannot remove pdm's hard-link directory: " + Reasons.of(e));
        }
    }

    /** One name of a multi-link inode: the leader is placed, any other name linked to it. */
    void handle(PassContext ctx, DirPair dir, WorkItem item, Placer placer) throws IOException {
        FileMeta src = item.src();
        CompletableFuture<Placed> mine = new CompletableFuture<>();
        CompletableFuture<Placed> leader = leaders.putIfAbsent(InodeId.of(src), mine);
        if (leader == null) {
            try {
                // (in distributed mode item.tgt() was looked at again just now, see CopyPass.work: a
                // redelivered task may find this name already copied and linked by a worker that died)
                // (the farm holds files: symlinks and specials with several names are rare enough
                // that a worker taking over from a dead one may split them, to be joined next pass)
                boolean durable = farm != null && src.isFile() && !ctx.writesNothing(dir);
                if (durable && linkedFromFarm(ctx, dir, item, item.tgt(), placer)) {
                    mine.complete(new Placed(farm, key(src)));
                    return;
                }
                if (!placer.placeLeader(dir, item)) {
                    // (this name is already reported; its other names cannot link to it)
                    mine.completeExceptionally(new IOException("left alone: " + JobSummary.NOT_REPLACED));
                    return;
                }
                if (durable) {
                    enterFarm(dir, item, ctx);
                }
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
        boolean dry = ctx.writesNothing(dir);
        // The leader's directory is opened again (no symlink followed) rather than trusting a
        // path remembered from another task; a dry run makes the same check as the real one.
        try (Dir leaderDir = ctx.tgt().open(target.dir())) {
            FileMeta placed = leaderDir.stat(target.name());
            FileMeta tgt = item.tgt();
            if (placed != null && tgt != null && tgt.type() == src.type() && tgt.ino() == placed.ino()
                    && tgt.dev() == placed.dev()) {
                ctx.stats().filesSkipped.increment();
            } else if (dry) {
                placer.link(dir, item, null, null);
            } else if (placed == null) {
                throw new IOException("not linked: its other name vanished from the target");
            } else {
                placer.link(dir, item, leaderDir, target.name());
            }
        } catch (NoSuchFileException e) {
            if (!dry) {
                throw e;
            }
            placer.link(dir, item, null, null);
        }
    }
}

package pdm.engine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import pdm.fs.FileMeta;
import pdm.fs.Names;

/**
 * Knows when a directory and everything below it is done, so a pass can finish a directory
 * deepest first (set its mode and times after its last entry changed) and the job knows
 * exactly when it is complete. A directory is pending while its own listing, any of its
 * file tasks or any of its subdirectories is not done; memory is one small node per
 * directory in flight.
 */
final class SubtreeTracker {
    interface Listener {
        void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf);
    }

    static final class Node {
        final Path rel;
        final Node parent;
        final AtomicInteger pending = new AtomicInteger(1);
        volatile FileMeta srcSelf;
        volatile FileMeta tgtSelf;
        /** Both sides as the parent's listing saw them: all an interrupted pass knows of a dir it never listed. */
        final FileMeta listedSrc;
        final FileMeta listedTgt;

        Node(Path rel, Node parent, FileMeta listedSrc, FileMeta listedTgt) {
            this.rel = rel;
            this.parent = parent;
            this.listedSrc = listedSrc;
            this.listedTgt = listedTgt;
        }
    }

    private final ConcurrentHashMap<Path, Node> nodes = new ConcurrentHashMap<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private final Listener listener;

    SubtreeTracker(Listener listener) {
        this.listener = listener;
    }

    Node root(Path rel) {
        Node n = new Node(rel, null, null, null);
        nodes.put(rel, n);
        return n;
    }

    Node get(Path rel) {
        Node n = nodes.get(rel);
        if (n == null) {
            throw new IllegalStateException("no pending directory " + rel);
        }
        return n;
    }

    /** A subdirectory is about to be published; {@code src} and {@code tgt} as its parent listed them. */
    Node child(Node parent, Path rel, FileMeta src, FileMeta tgt) {
        parent.pending.incrementAndGet();
        Node n = new Node(rel, parent, src, tgt);
        nodes.put(rel, n);
        return n;
    }

    /** A file task of this directory is about to be published. */
    void hold(Node n) {
        n.pending.incrementAndGet();
    }

    /** One pending piece of {@code n} is done; finishes it and its ancestors when nothing is left. */
    void release(Node n) {
        while (n != null && n.pending.decrementAndGet() == 0) {
            nodes.remove(n.rel);
            if (n.srcSelf != null) {
                listener.dirDone(n.rel, n.srcSelf, n.tgtSelf);
            }
            if (n.parent == null) {
                done.countDown();
            }
            n = n.parent;
        }
    }

    /**
     * The pass was stopped with directories still open: each gets its metadata now, deepest
     * first, so none stays at the owner-only mode it was made with until the next pass (which
     * walks it again whatever its times say).
     */
    void finishOpen() {
        List<Node> open = new ArrayList<>(nodes.values());
        nodes.clear();
        open.sort(Comparator.comparingInt((Node n) -> depth(n.rel)).reversed());
        for (Node n : open) {
            FileMeta src = n.srcSelf != null ? n.srcSelf : n.listedSrc;
            if (src != null) {
                listener.dirDone(n.rel, src, n.srcSelf != null ? n.tgtSelf : n.listedTgt);
            }
        }
        done.countDown();
    }

    /** (the root, Path.of(""), has one name as "a" has: it must still come after its children) */
    private static int depth(Path rel) {
        return Names.isRoot(rel) ? 0 : rel.getNameCount();
    }

    boolean await(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }
}

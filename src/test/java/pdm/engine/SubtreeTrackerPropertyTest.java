package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.fs.Names;

/**
 * SubtreeTracker over random trees and random interleavings of the walk's events, as the
 * dir and file workers make them: a directory's listing publishes its subdirectories and file
 * tasks one by one (each may run at once, before the listing ends), then releases its own
 * hold; a file task releases its hold when done; a listing may fail. Whatever the order:
 * <ul>
 *   <li>every directory that was listed is done exactly once, with the metadata its listing
 *       saw, and one whose listing failed never;</li>
 *   <li>a directory is done only after everything below it: its file tasks, its listing, and
 *       every subdirectory (done, or released after a failed listing);</li>
 *   <li>the job is complete exactly when the last event has happened, and the tracker then
 *       holds nothing.</li>
 * </ul>
 * Stopped after any prefix of the events, finishOpen gives every directory still open its
 * metadata once, deepest first, and never a directory again that was already done.
 */
class SubtreeTrackerPropertyTest {

    /** A tree: parent[i] &lt; i is the parent of directory i (0 is the root). */
    record Tree(int[] parent, int[] files, boolean[] listingFails) {
        int size() {
            return parent.length;
        }

        boolean below(int d, int ancestor) {
            for (int p = d; p != 0; p = parent[p]) {
                if (parent[p] == ancestor) {
                    return true;
                }
            }
            return false;
        }

        int depth(int d) {
            int n = 0;
            for (int p = d; p != 0; p = parent[p]) {
                n++;
            }
            return n;
        }

        Path rel(int d) {
            return d == 0 ? Names.ROOT : rel(parent[d]).resolve("d" + d);
        }

        @Override
        public String toString() {
            return "parents " + Arrays.toString(parent) + ", files " + Arrays.toString(files)
                    + ", listing fails " + Arrays.toString(listingFails);
        }
    }

    @Provide
    Arbitrary<Tree> trees() {
        return Arbitraries.integers().between(1, 14).flatMap(n -> Combinators.combine(
                Arbitraries.integers().between(0, 1000).array(int[].class).ofSize(n),
                Arbitraries.integers().between(0, 3).array(int[].class).ofSize(n),
                Arbitraries.integers().between(0, 5).array(int[].class).ofSize(n)
        ).as((parentSeeds, files, failSeeds) -> {
            int[] parent = new int[n];
            boolean[] fails = new boolean[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i == 0 ? 0 : parentSeeds[i] % i;
                fails[i] = failSeeds[i] == 0; // (about one in six)
            }
            return new Tree(parent, files, fails);
        }));
    }

    /** What the listener was told, in order. */
    private record Done(Path rel, FileMeta src, FileMeta tgt) {
    }

    /** One run of the model: the tracker, the events still possible, and what has happened. */
    private static final class Walk {
        final Tree tree;
        final List<Done> done = new ArrayList<>();
        final SubtreeTracker tracker = new SubtreeTracker((rel, s, t) -> done.add(new Done(rel, s, t)));
        final Map<Integer, SubtreeTracker.Node> nodes = new HashMap<>();
        /** Each runnable event; a listing is a sequence of steps, the next one runnable after the last. */
        final List<Runnable> ready = new ArrayList<>();
        /** For each directory, when (as a count of the listener's calls) each piece below it ended. */
        final Map<Integer, Integer> finishedAt = new HashMap<>();
        final Map<Integer, List<Integer>> filesFinishedAt = new HashMap<>();
        final Set<Integer> listed = new HashSet<>();

        Walk(Tree tree) {
            this.tree = tree;
            nodes.put(0, tracker.root(tree.rel(0)));
            ready.add(() -> list(0, 0));
        }

        /** Step {@code step} of directory d's listing: 0 opens it, then one publish per child, then its release. */
        void list(int d, int step) {
            SubtreeTracker.Node node = nodes.get(d);
            if (step == 0 && tree.listingFails()[d]) {
                release(d, node); // (Walker: "cannot list directory", and nothing below is planned)
                return;
            }
            if (step == 0) {
                node.srcSelf = self(d);
                node.tgtSelf = self(d + 100);
                listed.add(d);
            }
            List<Integer> subdirs = children(d);
            int files = tree.files()[d];
            if (step < subdirs.size()) {
                int c = subdirs.get(step);
                nodes.put(c, tracker.child(node, tree.rel(c), listedMeta(c), listedMeta(c + 100)));
                ready.add(() -> list(c, 0));
            } else if (step < subdirs.size() + files) {
                tracker.hold(node);
                ready.add(() -> {
                    filesFinishedAt.computeIfAbsent(d, k -> new ArrayList<>()).add(done.size());
                    tracker.release(node);
                });
            } else {
                release(d, node);
                return;
            }
            ready.add(() -> list(d, step + 1));
        }

        /** (each piece's end is recorded as the number of directories done before it) */
        private void release(int d, SubtreeTracker.Node node) {
            finishedAt.put(d, done.size());
            tracker.release(node);
        }

        List<Integer> children(int d) {
            List<Integer> out = new ArrayList<>();
            for (int i = 1; i < tree.size(); i++) {
                if (tree.parent()[i] == d) {
                    out.add(i);
                }
            }
            return out;
        }

        /** Runs the event that {@code choice} picks from those runnable; false when none is left. */
        boolean step(int choice) {
            if (ready.isEmpty()) {
                return false;
            }
            ready.remove(Math.floorMod(choice, ready.size())).run();
            return true;
        }
    }

    private static FileMeta self(int id) {
        return new FileMeta(FileType.DIR, 0755, 0, 0, 4096, 2_000L + id, 2_000L + id, 1, id, 2, 0, 2_000L + id);
    }

    private static FileMeta listedMeta(int id) {
        return new FileMeta(FileType.DIR, 0750, 0, 0, 4096, 1_000L + id, 1_000L + id, 1, id, 2, 0, 1_000L + id);
    }

    // (no edge cases mixed in: random trees of 1 to 14 directories reach the small ones, and
    // jqwik's edge cases of these arguments would outnumber the tries)
    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void aDirectoryIsDoneOnceAfterEverythingBelowIt(@ForAll("trees") Tree tree,
                                                    @ForAll List<Integer> choices) throws InterruptedException {
        Walk w = new Walk(tree);
        int i = 0;
        while (!w.ready.isEmpty()) {
            assertThat(w.tracker.await(0)).as("complete before its last event").isFalse();
            w.step(i < choices.size() ? choices.get(i) : 0);
            i++;
        }

        assertThat(w.tracker.await(0)).as("complete after the last event").isTrue();
        assertThatThrownBy(() -> w.tracker.get(tree.rel(0))).as("nothing held once complete")
                .isInstanceOf(IllegalStateException.class);
        Map<Path, Integer> order = new HashMap<>();
        for (int k = 0; k < w.done.size(); k++) {
            Done d = w.done.get(k);
            assertThat(order.put(d.rel(), k)).as("%s done twice", d.rel()).isNull();
        }
        for (int d = 0; d < tree.size(); d++) {
            Path rel = tree.rel(d);
            if (!w.listed.contains(d)) {
                assertThat(order).as("%s: its listing failed or never ran, so it is never done", rel)
                        .doesNotContainKey(rel);
                continue;
            }
            assertThat(order).as("%s was listed", rel).containsKey(rel);
            int at = order.get(rel);
            Done it = w.done.get(at);
            assertThat(it.src()).isEqualTo(self(d));
            assertThat(it.tgt()).isEqualTo(self(d + 100));
            for (int f : w.filesFinishedAt.getOrDefault(d, List.of())) {
                assertThat(f).as("%s done before one of its files", rel).isLessThanOrEqualTo(at);
            }
            assertThat(w.finishedAt.get(d)).as("%s done before its listing ended", rel).isLessThanOrEqualTo(at);
            for (int c = 1; c < tree.size(); c++) {
                if (tree.below(c, d)) {
                    Integer child = order.get(tree.rel(c));
                    if (child != null) {
                        assertThat(child).as("%s done before %s below it", rel, tree.rel(c)).isLessThan(at);
                    }
                    if (w.finishedAt.containsKey(c)) {
                        assertThat(w.finishedAt.get(c)).as("%s done before %s below it ended", rel, tree.rel(c))
                                .isLessThanOrEqualTo(at);
                    }
                }
            }
        }
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.NONE)
    void aStoppedWalkFinishesEveryOpenDirectoryOnceDeepestFirst(@ForAll("trees") Tree tree,
                                                                @ForAll List<Integer> choices) throws InterruptedException {
        Walk w = new Walk(tree);
        for (int choice : choices) {
            if (!w.step(choice)) {
                break;
            }
        }
        int before = w.done.size();
        Set<Path> doneBefore = new HashSet<>();
        w.done.forEach(d -> doneBefore.add(d.rel()));
        // What each open directory's metadata should come from: its own listing, else its parent's.
        Map<Path, Done> expected = new HashMap<>();
        for (var e : w.nodes.entrySet()) {
            int d = e.getKey();
            Path rel = tree.rel(d);
            // (gone from the tracker: released after a failed listing, or done)
            if (w.finishedAt.containsKey(d) && !w.listed.contains(d) || doneBefore.contains(rel)) {
                continue;
            }
            if (w.listed.contains(d)) {
                expected.put(rel, new Done(rel, self(d), self(d + 100)));
            } else if (d != 0) {
                expected.put(rel, new Done(rel, listedMeta(d), listedMeta(d + 100)));
            }
        }

        w.tracker.finishOpen();

        List<Done> after = w.done.subList(before, w.done.size());
        assertThat(after).as("the open directories, each once").containsExactlyInAnyOrderElementsOf(expected.values());
        for (int k = 1; k < after.size(); k++) {
            int prev = depthOf(tree, after.get(k - 1).rel());
            int next = depthOf(tree, after.get(k).rel());
            assertThat(next).as("deepest first: %s after %s", after.get(k).rel(), after.get(k - 1).rel())
                    .isLessThanOrEqualTo(prev);
        }
        assertThat(w.tracker.await(0)).as("complete once stopped").isTrue();
    }

    private static int depthOf(Tree tree, Path rel) {
        for (int d = 0; d < tree.size(); d++) {
            if (tree.rel(d).equals(rel)) {
                return tree.depth(d);
            }
        }
        throw new AssertionError("no directory " + rel);
    }
}

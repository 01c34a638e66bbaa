package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An entry already gone when its removal comes (another run of the same task removed it: a worker
 * that lost its broker connection runs on while the task's redelivery runs elsewhere) is what the
 * removal wanted: done, not a failure, and not counted as removed by this run.
 */
class DirRemoveTreeTest {
    @TempDir
    Path tmp;

    private final List<Path> removed = new ArrayList<>();
    private final Dir.RemovalGuard guard = new Dir.RemovalGuard() {
        @Override
        public boolean mayRemove(Path rel, FileMeta meta) {
            return true;
        }

        @Override
        public void removed(Path rel, FileMeta meta) {
            removed.add(rel);
        }
    };

    @Test
    void aFileOrDirectoryGoneBeforeItsRemovalIsDoneAndNotCounted() throws IOException {
        Files.createDirectories(tmp.resolve("d/sub"));
        Files.writeString(tmp.resolve("d/sub/f"), "x");
        Files.writeString(tmp.resolve("file"), "y");
        try (FsRoot root = new FsRoot("t", tmp, false); Dir top = root.open(Names.ROOT)) {
            FileMeta dir = top.stat(Path.of("d"));
            FileMeta file = top.stat(Path.of("file"));
            Files.delete(tmp.resolve("d/sub/f"));
            Files.delete(tmp.resolve("d/sub"));
            Files.delete(tmp.resolve("d"));
            Files.delete(tmp.resolve("file"));

            assertThat(top.removeTree(Path.of("d"), dir, guard, false)).isTrue();
            assertThat(top.removeTree(Path.of("file"), file, guard, false)).isTrue();
        }
        assertThat(removed).isEmpty();
    }

    @Test
    void anEntryGoneInsideATreeBeingRemovedLeavesTheRestCounted() throws IOException {
        Files.createDirectories(tmp.resolve("d"));
        Files.writeString(tmp.resolve("d/a"), "a");
        Files.writeString(tmp.resolve("d/b"), "b");
        try (FsRoot root = new FsRoot("t", tmp, false); Dir top = root.open(Names.ROOT)) {
            FileMeta dir = top.stat(Path.of("d"));
            // (the listing inside sees both; one goes between the listing and its unlink: held by a
            // guard that removes it itself, as the other run would)
            Dir.RemovalGuard racing = new Dir.RemovalGuard() {
                @Override
                public boolean mayRemove(Path rel, FileMeta meta) throws IOException {
                    if (rel.endsWith("a")) {
                        Files.delete(tmp.resolve("d/a"));
                    }
                    return true;
                }

                @Override
                public void removed(Path rel, FileMeta meta) {
                    removed.add(rel);
                }
            };
            assertThat(top.removeTree(Path.of("d"), dir, racing, false)).isTrue();
        }
        assertThat(removed).containsExactly(Path.of("d/b"), Path.of("d"));
        assertThat(tmp.resolve("d")).doesNotExist();
    }
}

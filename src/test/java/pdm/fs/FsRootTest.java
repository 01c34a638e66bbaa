package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening directories below a root: never through a symlink, also on the one-openat fast path. */
class FsRootTest {
    @TempDir
    Path tmp;

    @Test
    void opensANestedDirectoryAndKnowsItsPlace() throws IOException {
        Files.createDirectories(tmp.resolve("root/a/b"));
        try (FsRoot root = new FsRoot("t", tmp.resolve("root"), false);
             Dir b = root.open(Path.of("a/b"))) {
            assertThat(b.rel()).isEqualTo(Path.of("a/b"));
            assertThat(b.self().isDir()).isTrue();
        }
    }

    @Test
    void symlinkedParentIsRefusedEvenWhenTheFastPathWouldReachADirectory() throws IOException {
        Path rootDir = tmp.resolve("root");
        Files.createDirectories(rootDir.resolve("a/b"));
        FileMeta realB;
        try (FsRoot root = new FsRoot("t", rootDir, false); Dir a = root.open(Path.of("a"))) {
            realB = a.stat(Path.of("b"));
        }
        // A user swaps a/ for a symlink to a look-alike tree outside the root.
        Files.createDirectories(tmp.resolve("outside/b"));
        Files.move(rootDir.resolve("a"), tmp.resolve("moved-a"));
        Files.createSymbolicLink(rootDir.resolve("a"), tmp.resolve("outside"));

        try (FsRoot root = new FsRoot("t", rootDir, false)) {
            assertThatThrownBy(() -> root.open(Path.of("a/b"), realB))
                    .isInstanceOf(SafetyException.class)
                    .hasMessageContaining("symlink")
                    .hasMessageContaining("does not follow");
        }
    }

    @Test
    void aDirectoryReplacedByAnotherIsOpenedOnlyAfterTheCarefulWalk() throws IOException {
        Path rootDir = tmp.resolve("root");
        Files.createDirectories(rootDir.resolve("a"));
        FileMeta old;
        try (FsRoot root = new FsRoot("t", rootDir, false); Dir r = root.open(Names.ROOT)) {
            old = r.stat(Path.of("a"));
        }
        Files.delete(rootDir.resolve("a"));
        Files.createDirectories(rootDir.resolve("a"));

        try (FsRoot root = new FsRoot("t", rootDir, false); Dir a = root.open(Path.of("a"), old)) {
            // a real directory below the root, reached without following anything
            assertThat(a.self().isDir()).isTrue();
        }
    }

    @Test
    void missingDirectoryIsNoSuchFile() throws IOException {
        Files.createDirectories(tmp.resolve("root"));
        try (FsRoot root = new FsRoot("t", tmp.resolve("root"), false)) {
            assertThatThrownBy(() -> root.open(Path.of("nope"))).isInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void aTargetRootThatIsADanglingSymlinkIsNamedAsOne() throws IOException {
        Path link = Files.createSymbolicLink(tmp.resolve("t1link"), Path.of("nowhere"));

        // (the reason was the path again: "cannot create target directory X: X")
        try (FsRoot root = new FsRoot("t", link, true)) {
            assertThatThrownBy(root::createRoot)
                    .isInstanceOf(java.nio.file.FileAlreadyExistsException.class)
                    .hasMessageContaining("it is a symlink (to nowhere)");
        }
        assertThat(tmp.resolve("nowhere")).doesNotExist();
    }
}

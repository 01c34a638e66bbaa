package pdm.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.config.LustreOptions;
import pdm.task.Pass;

/** What a submitting client refuses itself, where it sees the filesystems, and what it leaves to the workers. */
class SubmitCheckTest {
    @TempDir
    Path tmp;

    private static DataSource posix(String name, Path path, boolean mount, boolean write) {
        return new DataSource(name, "posix", path, mount, write, 0, 0, 0);
    }

    /** A Lustre target whose lfs cannot run: the start check fails wherever it is made. */
    private static DataSource lustre(String name, Path path) {
        LustreOptions d = LustreOptions.defaults();
        return new DataSource(name, "lustre", path, false, true, 0, 0, 0,
                new LustreOptions(d.stripe(), d.thresholds(), d.mds(), "/nonexistent/lfs"), List.of());
    }

    @Test
    void aMountTrueDirectoryThatIsNotMountedHereIsRefusedAtSubmission() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src")); // a plain directory, as an empty mount point is
        Path tgt = Files.createDirectory(tmp.resolve("tgt"));
        assertThatThrownBy(() -> SubmitCheck.fromClient(posix("panda", src, true, false), posix("badger", tgt, false, true),
                List.of(Pass.COPY)))
                .isInstanceOf(PdmException.class)
                .hasMessageContaining("'panda' is configured with mount = true but " + src + " is not a mount point on this node");
    }

    @Test
    void filesystemsThisNodeDoesNotSeeAreLeftToTheWorkers() {
        Path absent = tmp.resolve("not-here");
        assertThatCode(() -> SubmitCheck.fromClient(posix("panda", absent, true, false), lustre("badger", absent),
                List.of(Pass.COPY, Pass.DELETE, Pass.DIRTIMES))).doesNotThrowAnyException();
    }

    @Test
    void aLustreTargetWhoseLfsDoesNotWorkHereIsRefusedForCopyAndVerify() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path tgt = Files.createDirectory(tmp.resolve("tgt"));
        for (Pass a : List.of(Pass.COPY, Pass.VERIFY)) {
            assertThatThrownBy(() -> SubmitCheck.fromClient(posix("panda", src, false, false), lustre("badger", tgt),
                    List.of(a)))
                    .as(a.toString())
                    .isInstanceOf(PdmException.class)
                    .hasMessageContaining("target filesystem 'badger' is type = \"lustre\" but lfs does not work on " + tgt);
        }
        // delete and dirtimes never run lfs: nothing to check for them
        assertThatCode(() -> SubmitCheck.fromClient(posix("panda", src, false, false), lustre("badger", tgt),
                List.of(Pass.DELETE, Pass.DIRTIMES))).doesNotThrowAnyException();
    }

    @Test
    void plainVisibleDirectoriesPass() throws Exception {
        Path src = Files.createDirectory(tmp.resolve("src"));
        Path tgt = Files.createDirectory(tmp.resolve("tgt"));
        assertThatCode(() -> SubmitCheck.fromClient(posix("panda", src, false, false), posix("badger", tgt, false, true),
                List.of(Pass.COPY))).doesNotThrowAnyException();
    }
}

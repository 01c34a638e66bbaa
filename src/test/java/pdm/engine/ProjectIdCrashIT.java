package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.AttrSnapshot;
import pdm.testkit.Fx;
import pdm.testkit.LoopImage;
import pdm.testkit.Pdm;
import pdm.testkit.Seccomp;
import pdm.testkit.Strace;
import pdm.testkit.Tools;

/**
 * A crash at the moment a project ID is being set (the kernel kills pdm as it enters the
 * FS_IOC_FSSETXATTR ioctl: a seccomp filter aimed at that request) must leave the entry looking
 * unfinished to the next pass. A project ID moves only the ctime, and later passes trust an entry
 * whose ctime is newer than its source's: had the mtime been made right before the project ID, the
 * wrong ID would stay for good (once the source's ctime is older than the copy's by more than
 * the clocks' skew allowed for: each case waits that long before its crash). Each case proves the kill hit the ioctl on the entry it aims at.
 */
class ProjectIdCrashIT {
    /** _IOW('X', 32, struct fsxattr): the same request number on x86_64 and arm64. */
    private static final long FS_IOC_FSSETXATTR = 0x401c5820L;
    /** ioctl on x86_64 (29 on arm64, where this test is not run). */
    private static final int IOCTL = 16;

    @TempDir
    Path tmp;

    @BeforeEach
    void needs() throws Exception {
        assumeTrue(Tools.root() || "true".equals(System.getenv("CI")), "project IDs need root");
        assumeTrue("amd64".equals(System.getProperty("os.arch")), "the seccomp filter names x86_64's ioctl");
        Strace.assumeUsable(false);
    }

    @Test
    void aNewFileKilledAsItsProjectIdIsSetIsCopiedAgainByTheNextPass() throws Exception {
        try (LoopImage xfs = LoopImage.xfs(tmp)) {
            Path s = xfs.root().resolve("src");
            Path t = xfs.root().resolve("dst");
            Path q = Fx.write(s.resolve("q"), "its own project");
            Tools.run("chattr", "-p", "4242", q.toString());

            crashAtProjectId(s, t, t.resolve("q"));

            assertTheNextPassMakesItExact(s, t);
        }
    }

    @Test
    void aReplacedFileKilledAsItsProjectIdIsSetIsCopiedAgainByTheNextPass() throws Exception {
        try (LoopImage xfs = LoopImage.xfs(tmp)) {
            Path s = xfs.root().resolve("src");
            Path t = xfs.root().resolve("dst");
            Path p = Fx.mkdirs(s.resolve("p"));
            Tools.run("chattr", "+P", "-p", "77", p.toString());
            Path q = Fx.write(p.resolve("q"), "first");
            Tools.run("chattr", "-p", "4242", q.toString());
            assertThat(Pdm.json("copy", s, t).exit()).isZero();
            // (a new version: its temp file inherits 77 from the project-inherit directory, and
            // takes 4242 only once renamed into place, which refuses a file of another project)
            Fx.write(q, "second, longer");
            Fx.mtime(q, 1_700_000_000_000_000_000L);

            crashAtProjectId(s, t, t.resolve("p/q"));

            assertTheNextPassMakesItExact(s, t);
        }
    }

    @Test
    void aFileWhoseProjectIdAloneChangedKilledAsItIsSetIsFixedByTheNextPass() throws Exception {
        try (LoopImage xfs = LoopImage.xfs(tmp)) {
            Path s = xfs.root().resolve("src");
            Path t = xfs.root().resolve("dst");
            Path q = Fx.write(s.resolve("q"), "same data");
            Tools.run("chattr", "-p", "4242", q.toString());
            assertThat(Pdm.json("copy", s, t).exit()).isZero();
            Tools.run("chattr", "-p", "4243", q.toString());
            Fx.xattr(q, "user.also", Fx.bytes("changed")); // (so the fix in place writes something before the ID)

            crashAtProjectId(s, t, t.resolve("q"));

            assertTheNextPassMakesItExact(s, t);
        }
    }

    @Test
    void aNewDirectoryKilledAsItsProjectIdIsSetGetsItFromTheNextPass() throws Exception {
        try (LoopImage xfs = LoopImage.xfs(tmp)) {
            Path s = xfs.root().resolve("src");
            Path t = xfs.root().resolve("dst");
            Path p = Fx.mkdirs(s.resolve("p"));
            Tools.run("chattr", "-p", "77", p.toString());
            Fx.mtime(p, 1_600_000_000_000_000_000L);

            crashAtProjectId(s, t, t.resolve("p"));

            assertTheNextPassMakesItExact(s, t);
        }
    }

    /** Runs {@code pdm copy s t} until it enters FS_IOC_FSSETXATTR, and asserts that was on {@code aimed}. */
    private void crashAtProjectId(Path s, Path t, Path aimed) throws Exception {
        // (later passes trust a copy whose ctime is newer than its source's by more than the
        // clocks' skew, 5 s: only then is the window this test looks for open)
        Thread.sleep(5_500);
        List<String> killer = Seccomp.killingAt(tmp, IOCTL, FS_IOC_FSSETXATTR);
        Strace.Run run = Strace.trace("ioctl").under(killer).pdm(tmp, "copy", s.toString(), t.toString());
        assertThat(run.exit()).as("killed by the filter (SIGSYS): " + run).isEqualTo(128 + 31);
        // (the filter kills at any such call: the one in the trace is where pdm died)
        assertThat(run.trace().lines().filter(l -> l.contains("FS_IOC_FSSETXATTR")).toList()).as(run.toString())
                .singleElement().satisfies(l -> assertThat(l).contains(aimed + ">"));
    }

    private static void assertTheNextPassMakesItExact(Path s, Path t) {
        Pdm.Result verify = Pdm.json("verify", s, t);
        assertThat(verify.exit()).as("the crash left a difference to see: " + verify).isEqualTo(1);
        Pdm.Result again = Pdm.json("copy", s, t);
        assertThat(again.exit()).as(again.toString()).isZero();
        AttrSnapshot.assertSame(s, t);
        assertThat(Pdm.json("verify", s, t).exit()).isZero();
    }
}

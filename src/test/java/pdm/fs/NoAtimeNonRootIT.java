package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.security.auth.module.UnixSystem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/**
 * O_NOATIME is the owner's and root's only. pdm run as nobody over a tree root owns: the
 * kernel refuses the flag (EPERM) on the first open of the source, pdm opens it again without
 * and goes on; after that, a file the listing shows is another owner's is opened without the
 * flag at once (strace: no refused open of a file; directories, opened by name without their
 * listing at hand, may be asked again), while the target, nobody's own, is still opened with it. (A refusal is not taken for the whole root: NonRootIT shows the
 * user's own files keep their atimes.)
 */
class NoAtimeNonRootIT {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void aRefusedNoatimeIsAskedOnceAndLeftOutForWhatIsNotOurs() throws Exception {
        assumeTrue(new UnixSystem().getUid() == 0, "needs root to become nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/strace")), "needs strace");
        Fx.chmod(tmp, 0755);
        Path jar = tmp.resolve("pdm.jar");
        Files.copy(Path.of(Cluster.jar()), jar, StandardCopyOption.REPLACE_EXISTING);
        Fx.chmod(jar, 0644);
        Path src = tmp.resolve("src");
        for (int d = 0; d < 3; d++) {
            for (int f = 0; f < 4; f++) {
                Fx.chmod(Fx.write(src.resolve("d" + d + "/f" + f), "x" + d + f), 0644);
            }
            Fx.chmod(src.resolve("d" + d), 0755);
        }
        Fx.chmod(src, 0755);
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.chown(dst, NOBODY, NOBODY);
        Path trace = tmp.resolve("strace.txt");

        Process p = new ProcessBuilder(List.of("/usr/bin/strace", "-f", "-qq", "-e", "trace=openat,openat2",
                "-o", trace.toString(), "/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString(),
                "copy", src.toString(), dst.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String out = Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8);

        assertThat(p.exitValue()).as(out).isZero();
        assertThat(Files.readString(dst.resolve("d2/f3"))).isEqualTo("x23");
        List<String> refused = Files.readAllLines(trace).stream()
                .filter(l -> l.contains("O_NOATIME") && l.contains("EPERM")).toList();
        assertThat(refused).as("O_NOATIME refused on the source root first, then on no file (12 below it)")
                .isNotEmpty().allSatisfy(l -> assertThat(l).contains("O_DIRECTORY"));
        assertThat(refused.get(0)).contains(src.toString());
        assertThat(Files.readAllLines(trace).stream().filter(l -> l.contains("O_NOATIME") && l.contains("= ")
                && !l.contains("EPERM")).toList())
                .as("the target, nobody's own, still opened with O_NOATIME").isNotEmpty();
    }
}

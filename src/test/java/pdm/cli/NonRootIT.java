package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.security.auth.module.UnixSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.AttrTree;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.Tools;

/**
 * pdm run as an ordinary user (nobody, through setpriv) over a tree owned by root: copy says
 * at the start that owners cannot be kept and counts the entries concerned; verify reports
 * the owners that differ instead of passing.
 */
class NonRootIT {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void copyWarnsAndCountsLostOwnersAndVerifyComparesThem() throws Exception {
        assumeTrue(new UnixSystem().getUid() == 0, "needs root to become nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Fx.chmod(tmp, 0755);
        Path jar = tmp.resolve("pdm.jar");
        Files.copy(Path.of(Cluster.jar()), jar, StandardCopyOption.REPLACE_EXISTING);
        Fx.chmod(jar, 0644);
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("a/one.txt"), "1");
        Fx.write(src.resolve("a/two.txt"), "2");
        Path someone = Fx.write(src.resolve("b/someone.txt"), "3");
        Fx.chown(someone, 1234, 1234);
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.chown(dst, NOBODY, NOBODY);
        for (Path p : List.of(src, src.resolve("a"), src.resolve("b"))) {
            Fx.chmod(p, 0755);
        }

        Run copy = asNobody(jar, "copy", "--json", src.toString(), dst.toString());

        assertThat(copy.exit).as(copy.toString()).isZero();
        assertThat(copy.err).contains("not running as root: owners and groups cannot be kept");
        JsonNode json = new ObjectMapper().readTree(copy.out);
        assertThat(json.get("owners_not_kept").asLong()).as("3 dirs (the walk root among them) and 3 files, none owned by "
                + "nobody").isEqualTo(6);
        assertThat(Fx.uid(dst.resolve("a/one.txt"))).isEqualTo(NOBODY);

        Run verify = asNobody(jar, "verify", "--json", src.toString(), dst.toString());

        assertThat(verify.exit).as(verify.toString()).isEqualTo(1);
        assertThat(new ObjectMapper().readTree(verify.out).get("differences").asLong()).isEqualTo(6);
        assertThat(verify.out).contains("owner").contains("group");
    }

    @Test
    void copySaysOnceWhichAttributesItCannotKeepCountsThemAndLeavesTheAtimesOfItsOwnTree() throws Exception {
        assumeTrue(new UnixSystem().getUid() == 0, "needs root to become nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Fx.chmod(tmp, 0755);
        Path jar = tmp.resolve("pdm.jar");
        Files.copy(Path.of(Cluster.jar()), jar, StandardCopyOption.REPLACE_EXISTING);
        Fx.chmod(jar, 0644);
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Tools.run("setfattr", "-n", "security.s", "-v", "sv", Fx.write(src.resolve("sec"), "s").toString());
        Tools.run("setfattr", "-n", "user.u", "-v", "uv", Fx.write(src.resolve("u"), "u").toString());
        Tools.run("setfattr", "-n", "trusted.t", "-v", "tv", Fx.write(src.resolve("tr"), "t").toString());
        Path imm = Fx.write(src.resolve("imm"), "i");
        Tools.run("chown", "-R", NOBODY + ":" + NOBODY, src.toString());
        Tools.run("chattr", "+i", imm.toString());
        var own = List.of(src.resolve("sec"), src.resolve("u"), src.resolve("tr"), imm);
        AttrTree.ageAtimes(own);
        var atimes = AttrTree.atimes(own);
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.chown(dst, NOBODY, NOBODY);
        try {
            Run copy = asNobody(jar, "copy", "--json", src.toString(), dst.toString());

            assertThat(copy.exit).as(copy.toString()).isZero();
            assertThat(AttrTree.atimes(own)).as("O_NOATIME on the files it owns").isEqualTo(atimes);
            assertThat(copy.err.lines().filter(l -> l.contains("not running as root: trusted.* and security.* xattrs"))
                    .count()).as("said once: " + copy.err).isEqualTo(1);
            assertThat(copy.err).contains("--xattrs=user");
            // (trusted.* names are not even listed to an ordinary user: nothing to count)
            assertThat(new ObjectMapper().readTree(copy.out).get("attrs_not_kept").asLong())
                    .as("security.s and +i").isEqualTo(2);
            assertThat(Tools.run("getfattr", "-d", dst.resolve("u").toString())).contains("user.u=\"uv\"");
        } finally {
            Tools.run("chattr", "-i", imm.toString());
        }
    }

    /**
     * Found by the issue-20 audit: the first file the kernel refused O_NOATIME for (another
     * owner's) turned the flag off for the whole root, so every file of the user's own read
     * after it had its atime moved.
     */
    @Test
    void anotherOwnersFileReadFirstDoesNotMoveTheAtimesOfTheUsersOwnFiles() throws Exception {
        assumeTrue(new UnixSystem().getUid() == 0, "needs root to become nobody");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "needs setpriv (util-linux)");
        Fx.chmod(tmp, 0755);
        Path jar = tmp.resolve("pdm.jar");
        Files.copy(Path.of(Cluster.jar()), jar, StandardCopyOption.REPLACE_EXISTING);
        Fx.chmod(jar, 0644);
        Path src = Fx.mkdirs(tmp.resolve("src"));
        List<Path> own = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            own.add(Fx.write(src.resolve("z-own-" + i), "own " + i));
        }
        Tools.run("chown", "-R", NOBODY + ":" + NOBODY, src.toString());
        Path foreign = Fx.write(src.resolve("a-foreign"), "root's, readable by all"); // (first by name)
        Fx.chmod(foreign, 0644);
        AttrTree.ageAtimes(own);
        var atimes = AttrTree.atimes(own);
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.chown(dst, NOBODY, NOBODY);

        // (one thread of each kind: the files are read in name order, the other owner's first)
        Run copy = asNobody(jar, "copy", "--json", "--dir-workers", "1", "--file-workers", "1", src.toString(),
                dst.toString());

        assertThat(copy.exit).as(copy.toString()).isZero();
        assertThat(Files.readString(dst.resolve("a-foreign"))).isEqualTo("root's, readable by all");
        assertThat(AttrTree.atimes(own)).as("O_NOATIME on the files it owns, after one it does not").isEqualTo(atimes);
    }

    private record Run(int exit, String out, String err) {
    }

    private Run asNobody(Path jar, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        Path out = tmp.resolve("out-" + args[0]);
        Path err = tmp.resolve("err-" + args[0]);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .directory(tmp.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}

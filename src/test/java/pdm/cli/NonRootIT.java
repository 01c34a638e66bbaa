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
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

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

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * The release tarball as an admin installs it (mvn -Prelease verify sets pdm.release.dir; other
 * builds skip this): unpacked in a temp dir, it runs with its own runtime on a PATH without
 * java, its AOT cache serves that runtime, man pages and completion are there, and systemd
 * accepts its units.
 */
class ReleaseIT {
    @TempDir
    Path tmp;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        String dir = System.getProperty("pdm.release.dir");
        assumeTrue(dir != null, "the release tarball is built and tested by mvn -Prelease verify");
        String arch = switch (System.getProperty("os.arch")) {
            case "amd64", "x86_64" -> "x86_64";
            default -> System.getProperty("os.arch");
        };
        String name = "pdm-" + System.getProperty("pdm.release.version") + "-linux-" + arch;
        Path tarball = Path.of(dir, name + ".tar.gz");
        assertThat(tarball).as("mvn -Prelease package makes it").isRegularFile();
        assertThat(run(List.of("tar", "-C", tmp.toString(), "-xzf", tarball.toString()), Map.of()).exit).isZero();
        home = tmp.resolve(name);
    }

    @Test
    void runsWithItsOwnRuntimeOnAPathWithoutJava() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("path"));
        for (String tool : List.of("bash", "readlink", "dirname", "sed", "cat")) {
            Files.createSymbolicLink(bin.resolve(tool), which(tool));
        }
        Map<String, String> env = Map.of("PATH", bin.toString(), "HOME", tmp.toString());

        Result version = run(List.of(home.resolve("bin/pdm").toString(), "--version"), env);

        assertThat(version.exit).as(version.out).isZero();
        assertThat(version.out).contains("pdm " + System.getProperty("pdm.release.version"))
                .contains("Java 25").contains(" in " + home.resolve("runtime"));

        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.write(src.resolve("a/b/file"), Fx.random(300_000, 1));
        Files.createSymbolicLink(src.resolve("a/link"), Path.of("b/file"));
        Result copy = run(List.of(home.resolve("bin/pdm").toString(), "copy", src.toString(), dst.toString()), env);

        assertThat(copy.exit).as(copy.out).isZero();
        assertThat(copy.out).contains("2 files copied"); // the file and the symlink
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void theAotCacheServesTheBundledRuntime() throws Exception {
        // -XX:AOTMode=on refuses to start when the cache cannot be used (made by another JVM, moved jar)
        Result r = run(List.of(home.resolve("runtime/bin/java").toString(), "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:AOTCache=" + home.resolve("lib/pdm.aot"),
                "-XX:AOTMode=on", "--enable-native-access=ALL-UNNAMED", "-jar", home.resolve("lib/pdm.jar").toString(),
                "--version"), Map.of());

        assertThat(r.exit).as(r.out).isZero();
    }

    @Test
    void manPagesAndCompletionComeFromTheCommandModel() throws IOException {
        String man = Files.readString(home.resolve("share/man/man1/pdm-copy.1"));
        assertThat(man).startsWith("'\\\" t").contains(".TH \"PDM\\-COPY\"").contains("\\-\\-dry\\-run");
        for (String command : List.of("pdm", "pdm-sync", "pdm-verify", "pdm-delete", "pdm-dirtimes", "pdm-worker",
                "pdm-monitor", "pdm-status")) {
            assertThat(home.resolve("share/man/man1/" + command + ".1")).isRegularFile();
        }
        String bash = Files.readString(home.resolve("share/bash-completion/completions/pdm"));
        assertThat(bash).contains("complete -F").contains("--dry-run").contains("verify").contains("monitor");
        assertThat(home.resolve("share/zsh/pdm-completion.zsh")).hasContent(bash);
        assertThat(Files.getPosixFilePermissions(home.resolve("bin/pdm"))).contains(PosixFilePermission.OWNER_EXECUTE);
        assertThat(home.resolve("config.toml.example")).isRegularFile();
    }

    @Test
    void systemdAcceptsTheUnits() throws Exception {
        for (String unit : List.of("pdm-worker.service", "pdm-monitor.service")) {
            String text = Files.readString(home.resolve("systemd/" + unit));
            assertThat(text).contains("KillSignal=SIGTERM").contains("Restart=on-failure")
                    .contains("--config /etc/pdm/config.toml").contains("ExecStart=/opt/pdm/bin/pdm ");
        }
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(analyze), "systemd-analyze is not installed: the units are not verified");
        // as installed: /opt/pdm is the unpacked release
        Path units = Files.createDirectories(tmp.resolve("units"));
        List<String> cmd = new ArrayList<>(List.of(analyze.toString(), "verify"));
        for (String unit : List.of("pdm-worker.service", "pdm-monitor.service")) {
            String text = Files.readString(home.resolve("systemd/" + unit)).replace("/opt/pdm/", home + "/");
            cmd.add(Files.writeString(units.resolve(unit), text).toString());
        }

        // Documentation=man:pdm-worker(1): systemd looks the page up, here in the tarball's man pages
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "MANPATH", home.resolve("share/man").toString());

        Result r = run(cmd, env);

        assertThat(r.exit).as(r.out).isZero();
        assertThat(r.out).as("no complaint about the units").doesNotContain("pdm-worker.service:")
                .doesNotContain("pdm-monitor.service:");
    }

    private record Result(int exit, String out) {
    }

    private static Result run(List<String> cmd, Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (!env.isEmpty()) {
            pb.environment().clear();
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("%s ended", cmd).isTrue();
        return new Result(p.exitValue(), out);
    }

    private static Path which(String tool) {
        for (String d : List.of("/usr/bin", "/bin", "/usr/local/bin")) {
            Path p = Path.of(d, tool);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError(tool + " is not installed");
    }
}

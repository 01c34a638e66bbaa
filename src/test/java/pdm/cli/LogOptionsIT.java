package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/** -v and --log-file, in a real process (the log setup is global to a JVM). */
class LogOptionsIT {
    @TempDir
    Path tmp;

    private record Run(int exit, String err) {
    }

    private Run pdm(String... args) throws IOException, InterruptedException {
        return pdmAt(null, args);
    }

    private Run pdmAt(String logLevel, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-jar", Cluster.jar()));
        cmd.addAll(List.of(args));
        Path err = tmp.resolve("stderr");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().remove("PDM_RABBITMQ");
        pb.environment().remove("PDM_LOG_LEVEL");
        if (logLevel != null) {
            pb.environment().put("PDM_LOG_LEVEL", logLevel);
        }
        Process p = pb.start();
        if (!p.waitFor(2, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("pdm did not finish");
        }
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.ISO_8859_1));
    }

    @Test
    void verboseShowsInfoLinesAndTheLogFileGetsWhatStderrGets() throws Exception {
        Path src = Fx.mkdirs(tmp.resolve("src/a"));
        Path dst = tmp.resolve("dst");
        Fx.write(dst.resolve("old/keep.log"), "excluded");
        Path log = tmp.resolve("pdm.log");
        String stays = "/old stays: it holds entries the job excludes";

        Run quiet = pdm("delete", "--exclude", "*.log", "--allow-empty-source", src.getParent().toString(), dst.toString());
        Run verbose = pdm("delete", "-v", "--log-file", log.toString(), "--exclude", "*.log",
                src.getParent().toString(), dst.toString());
        Run json = pdm("delete", "-v", "--log-format", "json", "--log-file", tmp.resolve("json.log").toString(),
                "--exclude", "*.log", src.getParent().toString(), dst.toString());

        assertThat(quiet.exit()).as(quiet.err()).isZero();
        assertThat(quiet.err()).doesNotContain(stays);
        assertThat(verbose.exit()).as(verbose.err()).isZero();
        assertThat(verbose.err()).contains("INFO").contains(stays);
        assertThat(Files.readString(log)).contains(stays);
        assertThat(json.exit()).as(json.err()).isZero();
        List<String> lines = Files.readAllLines(tmp.resolve("json.log"));
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).startsWith("{").contains("\"log.level\""));
        assertThat(String.join("\n", lines)).contains(stays);
    }

    @Test
    void aLogFileThatCannotBeWrittenIsRefusedNamingIt() throws Exception {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Path bad = tmp.resolve("no-such-dir/pdm.log");

        Run r = pdm("copy", "--log-file", bad.toString(), src.toString(), tmp.resolve("dst").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--log-file '" + bad + "': cannot write to it (its directory does not exist)");
        assertThat(tmp.resolve("dst")).doesNotExist();
    }

    @Test
    void aLogLevelThatIsNoneIsNamedNotIgnored() throws Exception {
        Path src = Fx.mkdirs(tmp.resolve("src"));

        Run bogus = pdmAt("bogus", "copy", src.toString(), tmp.resolve("dst").toString());
        Run info = pdmAt("INFO", "copy", src.toString(), tmp.resolve("dst2").toString());

        assertThat(bogus.exit()).as(bogus.err()).isZero();
        assertThat(bogus.err()).contains("PDM_LOG_LEVEL 'bogus' is not a level").contains("logging at WARN");
        assertThat(info.exit()).as(info.err()).isZero();
        assertThat(info.err()).doesNotContain("is not a level");
    }
}

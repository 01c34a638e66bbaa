package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/** The command line: help, usage errors and the exit codes of docs/spec.md. */
class MainTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"copy", "delete", "clear", "dirtimes", "verify", "sync"})
    void helpOfEveryCommandExitsZero(String command) {
        Pdm.Result r = Pdm.run(command, "--help");
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.out()).contains("SRC").contains("TGT").contains("PATH").contains("--dry-run").contains("--json");
        // (only the named command is modelled at start: its usage still says where it belongs)
        assertThat(r.out()).contains("Usage: pdm " + (command.equals("clear") ? "delete" : command));
    }

    @Test
    void theWholeTreeAndTheOneCommandTreeAgreeOnEveryCommand() {
        for (String name : Main.commandLine().getSubcommands().keySet()) {
            if (!name.equals("help")) {
                assertThat(Main.commandLine(name, "--help").getSubcommands()).containsOnlyKeys(
                        Main.commandLine().getSubcommands().get(name).getCommandSpec().names().toArray(String[]::new));
            }
        }
    }

    @Test
    void topLevelHelpListsTheCommands() {
        Pdm.Result r = Pdm.run("--help");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("copy", "delete", "dirtimes", "verify", "sync");
        assertThat(Pdm.run("help", "copy").exit()).isZero();
    }

    @Test
    void versionSaysTheBuildAndItsCommit() {
        Pdm.Result r = Pdm.run("--version");
        assertThat(r.exit()).isZero();
        // (built from a git checkout its commit is known; from a bare source tree it says so)
        String commit = java.nio.file.Files.exists(java.nio.file.Path.of(".git")) ? "[0-9a-f]{12}(-dirty)?" : "unknown";
        assertThat(r.out()).containsPattern("pdm \\d+\\.\\d+\\.\\d+\\S* \\(commit " + commit + "\\)")
                .contains("Java 25");
    }

    @Test
    void aMistypedCommandGetsOneLineWithTheNearestCommand() {
        Pdm.Result r = Pdm.run("cpoy", "/a", "/b");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("pdm: unknown command 'cpoy'; did you mean 'copy'?");
        assertThat(r.out()).isEmpty();
        Pdm.Result far = Pdm.run("frobnicate");
        assertThat(far.err().lines()).singleElement().asString().startsWith("pdm: unknown command 'frobnicate'; ")
                .contains("copy").contains("sync");
    }

    @Test
    void aNumericOptionThatIsNoNumberIsRefusedWithWhatItTakes() {
        Pdm.Result workers = Pdm.run("copy", "--dir-workers", "four", "/a", "/b");
        assertThat(workers.exit()).isEqualTo(2);
        assertThat(workers.err()).contains("--dir-workers", "'four' is not a number of threads from 1 to 10000");
        Pdm.Result tooBig = Pdm.run("copy", "--file-workers", "99999999999", "/a", "/b");
        assertThat(tooBig.err()).contains("'99999999999' is not a number of threads from 1 to 10000");
        assertThat(Pdm.run("copy", "--metrics-port", "http", "/a", "/b").err())
                .contains("'http' is not a TCP port (1-65535, or 0 for any free one)");
        assertThat(Pdm.run("monitor", "--port", "x").err()).contains("'x' is not a TCP port");
        assertThat(Pdm.run("monitor", "--port", "70000").err()).contains("'70000' is not a TCP port");
        assertThat(Pdm.run("sync", "--max-delete", "1k", "/a", "/b").err())
                .contains("'1k' is not a whole number, 0 or more");
        assertThat(Pdm.run("copy", "--max-files-per-second", "1.5", "/a", "/b").err())
                .contains("'1.5' is not a whole number, 0 or more");
    }

    @Test
    void unknownCommandOrOptionIsUsageError() {
        assertThat(Pdm.run("frobnicate").exit()).isEqualTo(2);
        assertThat(Pdm.run("copy", "--frobnicate", "/a", "/b").exit()).isEqualTo(2);
        assertThat(Pdm.run("copy", "/a").exit()).as("TGT missing").isEqualTo(2);
        assertThat(Pdm.run().exit()).as("no command").isNotZero();
    }

    @Test
    void mixingANameAndADirectoryIsRefused() throws IOException {
        Path src = Fx.mkdirs(tmp.resolve("src"));
        Path cfg = Pdm.config(tmp, src, Fx.mkdirs(tmp.resolve("dst")));
        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "panda", tmp.resolve("elsewhere").toString(), "/");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("panda");
        assertThat(tmp.resolve("elsewhere")).doesNotExist();
        assertThat(Pdm.run("copy", "--config", cfg.toString(), src.toString(), "badger", "/").exit()).isEqualTo(2);
    }

    @Test
    void optionsForTheProcessThatCopiesAreRefusedInDistributedModeBeforeTheBrokerIsAsked() throws IOException {
        Path cfg = Pdm.config(tmp, Fx.mkdirs(tmp.resolve("src")), Fx.mkdirs(tmp.resolve("dst")));
        String broker = "amqp://guest:guest@127.0.0.1:1/"; // (nothing listens there: a refusal comes first)
        for (String[] option : new String[][]{{"--dir-workers", "4"}, {"--file-workers", "8"}, {"--bwlimit", "1M"},
                {"--itemize"}}) {
            java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("copy", "--config", cfg.toString(),
                    "--rabbitmq", broker));
            args.addAll(java.util.List.of(option));
            args.addAll(java.util.List.of("panda", "badger", "/"));
            Pdm.Result r = Pdm.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.err()).as(option[0]).contains(option[0]).contains("distributed mode");
        }
    }

    @Test
    void namedFormWithoutPathIsRefused() throws IOException {
        Path cfg = Pdm.config(tmp, Fx.mkdirs(tmp.resolve("src")), Fx.mkdirs(tmp.resolve("dst")));
        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "panda", "badger");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("PATH");
    }

    @Test
    void unknownFilesystemAndBrokenConfigAreRefused() throws IOException {
        Path cfg = Pdm.config(tmp, Fx.mkdirs(tmp.resolve("src")), Fx.mkdirs(tmp.resolve("dst")));
        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), "panda", "wombat", "/");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.err()).contains("wombat");
        Path broken = Files.writeString(tmp.resolve("broken.toml"), "dir_workers = \"x\"\n");
        assertThat(Pdm.run("copy", "--config", broken.toString(), "/a", "/b").exit()).isEqualTo(2);
        assertThat(Pdm.run("copy", "--config", tmp.resolve("missing.toml").toString(), "/a", "/b").exit()).isEqualTo(2);
    }

    @Test
    void humanSummaryAndJsonSummary() throws IOException {
        Path src = tmp.resolve("src");
        Fx.write(src.resolve("a.txt"), "abc");
        Path dst = tmp.resolve("dst");

        Pdm.Result text = Pdm.run("copy", src.toString(), dst.toString());
        assertThat(text.exit()).isZero();
        assertThat(text.out()).contains("1 files copied");

        Pdm.Result json = Pdm.json("verify", src, dst);
        assertThat(json.exit()).isZero();
        assertThat(json.out().strip()).startsWith("{").endsWith("}").doesNotContain("\n");
        for (String key : new String[]{"job", "action", "files_copied", "files_skipped", "files_removed", "files_failed",
                "dirs", "bytes", "seconds", "failures"}) {
            assertThat(json.json().has(key)).as(key).isTrue();
        }
        assertThat(json.json().get("action").asText()).isEqualTo("verify");
    }
}

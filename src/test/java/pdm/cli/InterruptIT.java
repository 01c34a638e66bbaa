package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * SIGINT and SIGTERM of an embedded copy, sent to a real pdm process as a user's Ctrl-C or
 * systemd would: it stops cleanly, prints the summary with "interrupted" and how to resume,
 * exits 130 or 143, and leaves no temp file and no owner-only directory; the same command
 * run again finishes the copy exactly.
 */
class InterruptIT {
    private static final int DIRS = 60;
    private static final int FILES_PER_DIR = 400;

    @TempDir
    Path tmp;

    private Path src;
    private Path dst;

    @BeforeEach
    void tree() throws IOException {
        src = tmp.resolve("src");
        dst = tmp.resolve("dst");
        byte[] small = Fx.random(2048, 7);
        for (int d = 0; d < DIRS; d++) {
            Path dir = Fx.mkdirs(src.resolve(String.format("d%02d", d)));
            for (int f = 0; f < FILES_PER_DIR; f++) {
                Files.write(dir.resolve("f" + f), small);
            }
            Fx.chmod(dir, d % 2 == 0 ? 0755 : 0750);
        }
        Fx.write(src.resolve("d00/big"), Fx.random(48 << 20, 3));
    }

    @Test
    void sigintStopsCleanlyAndTheSameCommandFinishesTheCopy() throws Exception {
        Run run = startCopyAndSignal("INT", false);

        assertThat(run.exit).as(run.toString()).isEqualTo(130);
        assertThat(run.err).contains("SIGINT: stopping");
        assertThat(run.out).contains("Interrupted").contains("run the same command again");
        assertNothingHalfDone();

        Process again = pdm("copy", src.toString(), dst.toString());
        assertThat(again.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(again.exitValue()).as(new String(again.getErrorStream().readAllBytes())).isZero();
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void sigtermStopsCleanlyWith143() throws Exception {
        Run run = startCopyAndSignal("TERM", false);

        assertThat(run.exit).as(run.toString()).isEqualTo(143);
        assertThat(run.out).contains("Interrupted");
        assertNothingHalfDone();
    }

    @Test
    void aSecondSignalQuitsAtOnce() throws Exception {
        Run run = startCopyAndSignal("INT", true);

        assertThat(run.exit).as(run.toString()).isEqualTo(130);
        assertThat(run.err).contains("SIGINT again: quitting at once");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run startCopyAndSignal(String sig, boolean twice) throws Exception {
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        ProcessBuilder pb = new ProcessBuilder(command("copy", "--file-workers", "2", src.toString(), dst.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        // signalled once the copy is well under way, long before it could be done
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (copiedDirs() < 3 && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.isAlive()).as("pdm still copying when signalled: " + Files.readString(err)).isTrue();
        if (twice) {
            // Again and again, 2 ms apart, until it is gone: two signals sent back to back may
            // reach it as one (a pending standard signal is not queued twice), and a second
            // one sent by another `kill` process may come after a quick graceful stop.
            new ProcessBuilder("bash", "-c", "kill -" + sig + " $1; while kill -0 $1 2>/dev/null; do sleep 0.002;"
                    + " kill -" + sig + " $1 2>/dev/null; done", "signals", Long.toString(p.pid())).start();
        } else {
            Cluster.signal(p, sig);
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("pdm ended after the signal").isTrue();
        return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private long copiedDirs() throws IOException {
        if (!Files.isDirectory(dst)) {
            return 0;
        }
        try (Stream<Path> s = Files.list(dst)) {
            return s.count();
        }
    }

    /** No temp file anywhere, and every directory made has the source's mode, not 0700. */
    private void assertNothingHalfDone() throws IOException {
        List<Path> all;
        try (Stream<Path> s = Files.walk(dst)) {
            all = s.toList();
        }
        assertThat(all).as("target entries").hasSizeLessThan(DIRS * FILES_PER_DIR);
        assertThat(all).noneMatch(p -> p.getFileName().toString().startsWith(".pdm-tmp-"));
        for (Path p : all) {
            if (Files.isDirectory(p, Fx.NOFOLLOW) && !p.equals(dst)) {
                Path s = src.resolve(dst.relativize(p));
                assertThat(Fx.mode(p)).as("mode of " + p).isEqualTo(Fx.mode(s));
                assertThat(Fx.mtime(p)).as("mtime of " + p).isEqualTo(Fx.mtime(s));
            }
        }
    }

    private Process pdm(String... args) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command(args)).redirectErrorStream(false);
        pb.environment().remove("PDM_RABBITMQ");
        return pb.start();
    }

    private static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-jar", Cluster.jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Strace;
import pdm.testkit.TreeComparer;

/**
 * A big file copied as ranges by the real pdm process (the built jar): several threads of it
 * write one file's ranges (seen by strace, one trace file per thread), and a pdm killed with
 * SIGKILL in the middle of a file leaves only its temp file, which the next pass removes while
 * it copies the file exactly. Small sizes (1 MiB split, 256 KiB ranges) keep the files small;
 * --bwlimit keeps the copy under way long enough to watch.
 */
class BigFileIT {
    private static final int CHUNK = 256 << 10;

    @TempDir
    Path tmp;

    private static List<String> pdm(String... args) {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", Cluster.jar()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void severalThreadsWriteTheRangesOfOneFile() throws Exception {
        Strace.assumeUsable(false);
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path big = Fx.write(src.resolve("big"), Fx.random(16 * CHUNK, 1));
        Path traces = Files.createDirectories(tmp.resolve("traces"));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/strace", "-ff", "-qq", "-y", "-e", "signal=none",
                "-e", "trace=copy_file_range,pread64", "-P", big.toString(), "-o", traces.resolve("t").toString()));
        cmd.addAll(pdm("copy", "--split-size", "1M", "--chunk-size", "256K", "--file-workers", "4",
                "--bwlimit", "2M", src.toString(), dst.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        assertThat(p.waitFor(4, TimeUnit.MINUTES)).as("pdm ended").isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("out.txt"))).isZero();

        List<Path> copying = new ArrayList<>();
        try (Stream<Path> s = Files.list(traces)) {
            for (Path t : s.toList()) {
                if (Files.readString(t, StandardCharsets.ISO_8859_1).lines()
                        .anyMatch(l -> l.startsWith("copy_file_range(") || l.startsWith("pread64("))) {
                    copying.add(t);
                }
            }
        }
        assertThat(copying).as("threads that copied data of the one file").hasSizeGreaterThanOrEqualTo(2);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void aKillInTheMiddleOfAFileLeavesOnlyATempFileAndTheNextPassIsExact() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.write(src.resolve("big"), Fx.random(24 * CHUNK + 100, 2));
        Fx.write(src.resolve("small"), Fx.random(5000, 3));
        ProcessBuilder pb = new ProcessBuilder(pdm("copy", "--split-size", "1M", "--chunk-size", "256K",
                "--file-workers", "2", "--bwlimit", "1M", src.toString(), dst.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        try {
            while (temps(dst).isEmpty() && p.isAlive()) {
                Thread.sleep(20);
            }
            Thread.sleep(500); // (some ranges written, not all: 6 MiB at 1 MiB/s)
        } finally {
            p.destroyForcibly(); // SIGKILL
            p.waitFor(1, TimeUnit.MINUTES);
        }
        assertThat(temps(dst)).as("killed in the middle of the big file: " + Files.readString(tmp.resolve("out.txt")))
                .hasSize(1);
        assertThat(dst.resolve("big")).as("never a partial file under its name").doesNotExist();

        Pdm.Result again = Pdm.json("copy", src, dst, "--split-size", "1M", "--chunk-size", "256K");

        assertThat(again.exit()).as(again.toString()).isZero();
        assertThat(temps(dst)).as("the next pass removed the temp file").isEmpty();
        TreeComparer.assertSameTree(src, dst);
    }

    /** SIGINT in the middle of a file: the ranges under way stop, the temp file is removed, exit 130. */
    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a hang guard, not a timing assertion
    void anInterruptInTheMiddleOfAFileStopsItsRangesAndRemovesItsTempFile() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = Fx.mkdirs(tmp.resolve("dst"));
        Fx.write(src.resolve("big"), Fx.random(24 * CHUNK, 4));
        ProcessBuilder pb = new ProcessBuilder(pdm("copy", "--split-size", "1M", "--chunk-size", "256K",
                "--file-workers", "3", "--bwlimit", "1M", src.toString(), dst.toString()))
                .redirectErrorStream(true).redirectOutput(tmp.resolve("out.txt").toFile());
        pb.environment().remove("PDM_RABBITMQ");
        Process p = pb.start();
        while (temps(dst).isEmpty() && p.isAlive()) {
            Thread.sleep(20);
        }
        Thread.sleep(300);
        Cluster.signal(p, "INT");

        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("out.txt"))).isEqualTo(130);
        assertThat(temps(dst)).as("no temp file left").isEmpty();
        assertThat(dst.resolve("big")).doesNotExist();
    }

    private static List<Path> temps(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().startsWith(".pdm-tmp")).toList();
        }
    }
}

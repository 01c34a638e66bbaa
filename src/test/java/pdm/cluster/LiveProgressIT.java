package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.Tmux;
import pdm.testkit.TreeComparer;

/**
 * A distributed job's progress as a user sees it while a worker copies one 200 MiB file at
 * --bwlimit 20M (a whole file: under split_size): the client's --wait line, drawn in a real
 * terminal (a tmux pane), and {@code pdm status JOB --json} run meanwhile both show part of its
 * bytes, growing, before the file is done (docs/distributed-design.md, "Progress"). The workers
 * keep the default monitor_interval (10 s): progress does not wait for it. No time is asserted:
 * the test waits for a mid-copy state.
 */
class LiveProgressIT {
    private static final long SIZE = 200L << 20;
    private static final Pattern LINE_BYTES = Pattern.compile("files \\([^)]*\\), ([0-9.]+) (B|KiB|MiB|GiB) \\(");

    @TempDir
    Path tmp;

    private final Tmux tmux = new Tmux("pdm-live");

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @AfterEach
    void killTmux() throws Exception {
        tmux.close();
    }

    @Test
    void waitAndStatusShowAWholeFilesBytesAsTheyAreWritten() throws Exception {
        Tmux.assume();
        try (Cluster c = new Cluster(tmp)) {
            writeData(c.src.resolve("d/big"));
            c.startWorker("--bwlimit", "20M");
            c.awaitConnected(1);

            String script = "unset COLUMNS PDM_RABBITMQ; " + shell(c.pdm("copy", c.srcName, c.tgtName, "/", "--wait"))
                    + "; echo EXIT=$?; sleep 600";
            Process started = tmux.run("new-session", "-d", "-x", "120", "-y", "40", "sh", "-c", script);
            assertThat(started.waitFor(30, TimeUnit.SECONDS) && started.exitValue() == 0).as("tmux started").isTrue();
            List<Long> lineBytes = new CopyOnWriteArrayList<>();
            Thread screen = Thread.ofVirtual().start(() -> watch(lineBytes));
            String job = jobId();

            List<Long> statusBytes = new ArrayList<>();
            try {
                await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
                    assertThat(tmux.capture()).as("the copy is still running").doesNotContain("EXIT=");
                    JsonNode s = c.run("status", job, "--json").json();
                    long bytes = s.path("bytes").asLong();
                    if (s.path("state").asText().equals("running") && bytes > 0 && bytes < SIZE) {
                        statusBytes.add(bytes);
                    }
                    return growing(statusBytes) && growing(lineBytes);
                });
            } finally {
                screen.interrupt();
            }
            await().atMost(Duration.ofMinutes(2)).until(() -> tmux.capture().contains("EXIT="));
            assertThat(tmux.capture()).contains("EXIT=0");
            TreeComparer.assertSameTree(c.src, c.dst);
            JsonNode done = c.run("status", job, "--json").json();
            assertThat(done.path("bytes").asLong()).as("each byte once, when the job is done").isEqualTo(SIZE);
            assertThat(done.path("files_copied").asLong()).isEqualTo(1);
        }
    }

    /** Two samples of part of the file's bytes, the later higher. */
    private static boolean growing(List<Long> samples) {
        return samples.size() >= 2 && samples.stream().anyMatch(b -> b > samples.get(0));
    }

    /** 200 MiB of data (no holes: every byte is copied, and paced). */
    private static void writeData(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        byte[] block = Fx.random(1 << 20, 7);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long i = 0; i < SIZE >> 20; i++) {
                block[0] = (byte) i;
                out.write(block);
            }
        }
    }

    /** The bytes of each progress line the pane shows mid-copy, read every 100 ms. */
    private void watch(List<Long> seen) {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                for (String row : tmux.capture().lines().filter(l -> l.startsWith("copy:")).toList()) {
                    Matcher m = LINE_BYTES.matcher(row);
                    if (m.find()) {
                        long bytes = (long) (Double.parseDouble(m.group(1)) * switch (m.group(2)) {
                            case "KiB" -> 1 << 10;
                            case "MiB" -> 1 << 20;
                            case "GiB" -> 1 << 30;
                            default -> 1;
                        });
                        if (bytes > 0 && bytes < SIZE && !seen.contains(bytes)) {
                            seen.add(bytes);
                        }
                    }
                }
                Thread.sleep(100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private String jobId() {
        Pattern submitted = Pattern.compile("pdm: job (\\S+) submitted");
        String[] job = new String[1];
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofMillis(100)).until(() -> {
            Matcher m = submitted.matcher(tmux.capture());
            if (m.find()) {
                job[0] = m.group(1);
            }
            return job[0] != null;
        });
        return job[0];
    }



    private static String shell(List<String> cmd) {
        return cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").collect(Collectors.joining(" "));
    }
}

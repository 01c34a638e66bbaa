package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.cluster.JournalStream;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.TreeComparer;

/**
 * The change journal in distributed mode (docs/change-journal.md, "Distributed mode"), against
 * the real RabbitMQ with real processes: {@code pdm watch} publishing to its stream, 2 workers,
 * and {@code sync --changes} submitted as a job. Its target must be the one a full sync makes,
 * also when a worker is killed mid-pass; a restarted watcher makes the next pass walk
 * everything and say why in one line. Needs root (fanotify); /tmp is ext4 here.
 */
class ChangesDistributedIT {
    @TempDir
    Path tmp;
    private Cluster c;
    private Process watcher;
    private int watches;

    @BeforeEach
    void start() throws Exception {
        Broker.require();
        c = new Cluster(tmp, "", true);
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(c.src.resolve("d" + i + "/e"));
            Files.writeString(c.src.resolve("d" + i + "/f"), "file " + i);
        }
        watcher = watch();
        c.startConnectedWorkers(2);
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.destroy();
            watcher.waitFor();
        }
        if (c != null) {
            c.close();
            Broker.deleteJournal(c.srcName);
        }
    }

    /** {@code pdm watch SRC} with the broker: its journal goes to the stream pdm.journal.SRC. */
    private Process watch() throws Exception {
        Path log = tmp.resolve("watch-" + (++watches) + ".log");
        ProcessBuilder pb = new ProcessBuilder(c.pdmAt(Broker.URI, "watch", c.srcName)).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("PDM_STATE_DIR", tmp.resolve("state").toString());
        Process p = pb.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(log).contains("watching ") || !p.isAlive());
        assertThat(p.isAlive()).as(Files.readString(log)).isTrue();
        return p;
    }

    private Cluster.Run syncChanges() throws Exception {
        return c.run("sync", c.srcName, c.tgtName, "/", "--changes", "--json", "--wait");
    }

    /** The full sync a --changes pass must equal: embedded, --checksum (a same-size write with its mtime set back). */
    private void fullSync(String about) throws Exception {
        Cluster.Run full = c.runEmbedded("sync", c.srcName, c.tgt2Name, "/", "--checksum", "--json");
        assertThat(full.exit()).as(about + "\n" + full.stderr()).isZero();
    }

    private void assertSame(String about) throws Exception {
        assertThat(TreeComparer.differences(c.dst2, c.dst)).as(about).isEmpty();
        assertThat(TreeComparer.differences(c.src, c.dst)).as(about).isEmpty();
        assertThat(TreeComparer.run(List.of("/usr/bin/rsync", "-naciHAX", "--delete", c.src + "/", c.dst + "/")))
                .as(about).isEmpty();
    }

    /**
     * ChangesIT's property test with 2 workers: seeded random changes, {@code
     * -Dpdm.changes.distributed.rounds} rounds of 6 (default 3), {@code -Dpdm.changes.seed} repeats a run.
     */
    @Test
    void randomChangesThenADistributedSyncChangesMakeWhatAFullSyncMakes() throws Exception {
        Cluster.Run first = syncChanges();
        assertThat(first.exit()).as(first.stderr()).isZero();
        assertThat(first.json().get("walk").asText()).isEqualTo("full");
        assertThat(first.json().get("walk_reason").asText()).contains("no earlier complete --changes pass");
        long seed = Long.getLong("pdm.changes.seed", System.nanoTime());
        Random r = new Random(seed);
        int rounds = Integer.getInteger("pdm.changes.distributed.rounds", 3);
        for (int round = 0; round < rounds; round++) {
            List<String> done = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                done.add(ChangesIT.change(c.src, r));
            }
            fullSync("seed " + seed + ", round " + round);
            Cluster.Run changed = syncChanges();
            String about = "seed " + seed + ", round " + round + ": " + done + "\n" + changed.stdout()
                    + changed.stderr();
            assertThat(changed.exit()).as(about).isZero();
            if (!changed.json().get("walk").asText().equals("changes")) {
                assertThat(changed.json().get("walk_reason").asText()).as(about)
                        .containsAnyOf("hard-linked", "changed through a name");
            }
            assertThat(changed.json().get("dirs_listed").asLong()).as(about).isPositive();
            assertSame(about);
        }
    }

    /**
     * A worker SIGKILLed while the pass copies a new subtree: its tasks go to the other worker, and
     * the target is still the full sync's. The pass's mark is stored: the next one walks by the journal.
     */
    @Test
    void aWorkerKilledMidPassLosesNothing() throws Exception {
        assertThat(syncChanges().exit()).isZero();
        Path big = Files.createDirectories(c.src.resolve("d1/big"));
        byte[] data = new byte[256 * 1024];
        new Random(1).nextBytes(data);
        for (int d = 0; d < 20; d++) {
            Path sub = Files.createDirectories(big.resolve("s" + d));
            for (int i = 0; i < 30; i++) {
                Files.write(sub.resolve("f" + i), data);
            }
        }
        Files.writeString(c.src.resolve("d2/f"), "changed");
        Process job = c.start("sync", c.srcName, c.tgtName, "/", "--changes", "--json", "--wait");
        await().atMost(Duration.ofMinutes(2)).until(() -> filesIn(c.dst.resolve("d1/big")) >= 60 || !job.isAlive());
        assertThat(job.isAlive()).as("the pass is still running when a worker is killed").isTrue();
        c.workers().get(0).destroyForcibly(); // SIGKILL, mid-pass
        Cluster.Run r = Cluster.finish(job, last(".out"), last(".err"));
        assertThat(r.exit()).as(r.stdout() + r.stderr()).isZero();
        assertThat(r.json().get("walk").asText()).as(r.stdout()).isEqualTo("changes");
        fullSync("after the kill");
        assertSame("after the kill\n" + r.stdout() + r.stderr());

        Files.writeString(c.src.resolve("d3/after"), "x");
        Cluster.Run next = syncChanges();
        assertThat(next.json().get("walk").asText()).as(next.stdout() + next.stderr()).isEqualTo("changes");
        fullSync("the next pass");
        assertSame("the next pass");
    }

    /**
     * A pass reads the journal stream from the mark of the last complete pass on, not from its
     * first record: 200,000 records a long-lived watcher wrote before that pass are not in the
     * interval its decision names, which is what every task reads (the whole stream at a million
     * records took about 18 s per read, and each pass read it several times).
     */
    @Test
    void aPassReadsTheStreamFromTheLastCompletePassOnly() throws Exception {
        int before = 200_000;
        try (com.rabbitmq.client.Connection conn = Broker.connect()) {
            com.rabbitmq.client.Channel ch = conn.createChannel();
            ch.confirmSelect();
            for (int i = 1; i <= before; i++) { // (another session's records: no pass of this one reads them)
                String line = pdm.journal.JournalFile.line(new pdm.journal.JournalFile.Record(i,
                        pdm.journal.JournalFile.DIR, "old-session", List.of("E", "ZA"))).trim();
                ch.basicPublish("", JournalStream.stream(c.srcName), null,
                        line.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            }
            ch.waitForConfirmsOrDie(60_000);
        }
        Cluster.Run first = syncChanges();
        assertThat(first.exit()).as(first.stderr()).isZero();
        Files.writeString(c.src.resolve("d2/later"), "z");
        Cluster.Run second = syncChanges();
        assertThat(second.json().get("walk").asText()).as(second.stdout() + second.stderr()).isEqualTo("changes");
        assertThat(Files.readString(c.dst.resolve("d2/later"))).isEqualTo("z");

        String job = second.json().get("job").asText();
        List<pdm.journal.Changes.Decision> decided = JournalStream.decisions(pdm.cluster.BrokerUri.parse(Broker.URI),
                c.srcName, job, List.of("copy"));
        assertThat(decided).singleElement().satisfies(d -> {
            assertThat(d.mode()).isEqualTo("changes");
            assertThat(d.fromOffset()).as("after what was there before the first pass").isGreaterThanOrEqualTo(before);
            assertThat(d.toOffset() - d.fromOffset()).as("the interval: a few records").isBetween(1L, 1000L);
        });
        fullSync("read from the last pass");
        assertSame("read from the last pass");
    }

    /**
     * Found by reading the watcher: a directory recorded whole (more than 256 names between two
     * marks) kept that state past a mark asked through the broker, so no later change in it was
     * journaled again, and a file made there after it never reached the target.
     */
    @Test
    void aDirectoryRecordedWholeHasItsChangesJournaledAgainAfterTheNextMark() throws Exception {
        assertThat(syncChanges().exit()).isZero();
        for (int i = 0; i < 300; i++) {
            Files.writeString(c.src.resolve("d1/many" + i), "m" + i);
        }
        Cluster.Run whole = syncChanges();
        assertThat(whole.exit()).as(whole.stderr()).isZero();
        assertThat(whole.json().get("walk").asText()).as(whole.stdout() + whole.stderr()).isEqualTo("changes");
        Files.writeString(c.src.resolve("d1/after"), "made after the mark");
        Files.delete(c.src.resolve("d1/many7"));

        Cluster.Run next = syncChanges();
        assertThat(next.exit()).as(next.stderr()).isZero();
        assertThat(next.json().get("walk").asText()).as(next.stdout() + next.stderr()).isEqualTo("changes");
        assertThat(Files.readString(c.dst.resolve("d1/after"))).isEqualTo("made after the mark");
        assertThat(c.dst.resolve("d1/many7")).doesNotExist();
        fullSync("after a directory recorded whole");
        assertSame("after a directory recorded whole");
    }

    /** A restarted watcher vouches for nothing before its start: the next pass walks everything, saying why once. */
    @Test
    void aRestartedWatcherMakesTheNextPassWalkEverything() throws Exception {
        assertThat(syncChanges().exit()).isZero();
        Files.writeString(c.src.resolve("d0/new"), "x");
        Cluster.Run quiet = syncChanges();
        assertThat(quiet.json().get("walk").asText()).as(quiet.stdout() + quiet.stderr()).isEqualTo("changes");
        assertThat(quiet.json().get("dirs_listed").asLong()).as(quiet.stdout())
                .isLessThan(9); // (the root, d0 and not the other 8 directories)

        watcher.destroy();
        assertThat(watcher.waitFor()).isZero();
        Files.writeString(c.src.resolve("d3/unseen"), "made while no watcher ran");
        watcher = watch();
        Cluster.Run restarted = syncChanges();
        assertThat(restarted.exit()).as(restarted.stderr()).isZero();
        assertThat(restarted.json().get("walk").asText()).isEqualTo("full");
        assertThat(restarted.json().get("walk_reason").asText()).contains("restarted");
        assertThat(restarted.stderr().lines().filter(l -> l.contains("walked everything")).count())
                .as(restarted.stderr()).isEqualTo(3); // (one line per pass of the sync: copy, delete, dirtimes)
        assertThat(Files.readString(c.dst.resolve("d3/unseen"))).isEqualTo("made while no watcher ran");
        fullSync("restarted");
        assertSame("restarted");
    }

    /** The kernel's queue overflowed while the watcher read nothing: a GAP on the stream, so the next pass walks everything. */
    @Test
    void anOverflowedQueueMakesTheNextPassWalkEverythingAndThenTheJournalVouchesAgain() throws Exception {
        assertThat(syncChanges().exit()).isZero();
        Cluster.signal(watcher, "STOP"); // stopped, the watcher reads nothing: 20,000 creates overflow the kernel's 16,384
        Path many = Files.createDirectories(c.src.resolve("d1/many"));
        for (int i = 0; i < 20_000; i++) {
            Files.createFile(many.resolve("f" + i));
        }
        Cluster.signal(watcher, "CONT");
        Cluster.Run overflowed = syncChanges();
        assertThat(overflowed.exit()).as(overflowed.stderr()).isZero();
        assertThat(overflowed.json().get("walk").asText()).isEqualTo("full");
        assertThat(overflowed.json().get("walk_reason").asText()).contains("overflowed");
        assertThat(overflowed.stderr()).contains("copy walked everything: the journal has a gap");
        fullSync("overflowed");
        assertSame("overflowed");
        Files.writeString(c.src.resolve("d2/again"), "y");
        Cluster.Run again = syncChanges();
        assertThat(again.json().get("walk").asText()).as(again.stdout() + again.stderr()).isEqualTo("changes");
        assertThat(Files.readString(c.dst.resolve("d2/again"))).isEqualTo("y");
    }

    private Path last(String ext) throws Exception {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.filter(p -> p.getFileName().toString().startsWith("cmd-") && p.toString().endsWith(ext))
                    .max((a, b) -> Integer.compare(num(a), num(b))).orElseThrow();
        }
    }

    private static int num(Path p) {
        String n = p.getFileName().toString();
        return Integer.parseInt(n.substring(4, n.indexOf('.')));
    }

    private static long filesIn(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }
}

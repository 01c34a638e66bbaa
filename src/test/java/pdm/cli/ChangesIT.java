package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pdm.journal.JournalDir;
import pdm.journal.JournalFile;
import pdm.testkit.Cluster;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * The change journal end to end (docs/change-journal.md): {@code pdm watch} as a real process,
 * random changes to the source, then {@code sync --changes}, whose target must be the one a full
 * sync makes; and the gaps (queue overflow, a restarted watcher) that must turn into a full walk.
 * Needs root (fanotify); the machine's /tmp is ext4.
 */
class ChangesIT {
    @TempDir
    Path dir;
    private Path src;
    private Path tgt;
    private Path full;
    private Process watcher;

    private Path shm;

    /** The trees under {@code base} (the watched filesystem is the one that holds it), and a watcher. */
    private void begin(Path base) throws Exception {
        src = Files.createDirectories(base.resolve("src"));
        tgt = base.resolve("tgt");
        full = base.resolve("full");
        System.setProperty("pdm.state.dir", dir.resolve("state").toString());
        for (int i = 0; i < 4; i++) {
            Files.createDirectories(src.resolve("d" + i + "/e"));
            Files.writeString(src.resolve("d" + i + "/f"), "file " + i);
        }
        watcher = watch();
    }

    @AfterEach
    void stop() throws Exception {
        if (watcher != null) {
            watcher.destroy();
            watcher.waitFor();
        }
        System.clearProperty("pdm.state.dir");
        if (shm != null) {
            TreeComparer.run(List.of("rm", "-rf", shm.toString()));
        }
    }

    /**
     * Seeded random changes, {@code -Dpdm.changes.rounds} rounds of 6 (default 8), on ext4 and
     * on tmpfs; {@code -Dpdm.changes.seed} repeats a run. The journal is trimmed as passes
     * complete: the marks of the first round are gone from it by the last.
     */
    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"ext4", "tmpfs"})
    // (-Dpdm.changes.fs=tmpfs runs one of them)
    void randomChangesThenSyncChangesMakeWhatAFullChecksumSyncMakes(String fs) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getProperty("pdm.changes.fs", fs).equals(fs));
        if (fs.equals("tmpfs")) {
            shm = Files.createTempDirectory(Path.of("/dev/shm"), "pdm-changes-");
            begin(shm);
        } else {
            begin(dir);
        }
        Path journal = JournalDir.of(src.toRealPath()).journal();
        Pdm.Result first = Pdm.json("sync", src, tgt, "--changes");
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().get("walk").asText()).isEqualTo("full");
        assertThat(first.json().get("walk_reason").asText()).contains("no earlier complete --changes pass");
        long seed = Long.getLong("pdm.changes.seed", System.nanoTime());
        Random r = new Random(seed);
        int rounds = Integer.getInteger("pdm.changes.rounds", 8);
        List<Long> firstMarks = List.of();
        for (int round = 0; round < rounds; round++) {
            List<String> done = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                done.add(change(r));
            }
            // (--checksum: a same-size write with its mtime set back is no change to a quick check;
            // --changes copies it because the journal saw the write, as a checksum pass does)
            Pdm.Result full1 = Pdm.json("sync", src, full, "--checksum");
            Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
            String about = "seed " + seed + ", round " + round + ": " + done + "\n" + changed;
            assertThat(full1.exit()).as(about).isZero();
            assertThat(changed.exit()).as(about).isZero();
            String walk = changed.json().get("walk").asText();
            if (!walk.equals("changes")) {
                assertThat(changed.json().get("walk_reason").asText()).as(about)
                        .containsAnyOf("hard-linked", "changed through a name");
            }
            assertThat(TreeComparer.differences(full, tgt)).as(about).isEmpty();
            assertThat(TreeComparer.differences(src, tgt)).as(about).isEmpty();
            assertThat(TreeComparer.run(List.of("/usr/bin/rsync", "-naciHAX", "--delete", src + "/", tgt + "/")))
                    .as(about).isEmpty();
            if (round == 0) {
                firstMarks = marks(journal);
            }
        }
        assertThat(marks(journal)).as("trimmed: no mark of the first round is left (seed " + seed + ")")
                .doesNotContainAnyElementsOf(firstMarks);
        assertThat(JournalFile.read(journal).getFirst().type()).isEqualTo(JournalFile.START);
    }

    /**
     * A sync asks for one mark for its three passes (docs/change-journal.md, "One mark for a
     * sync's passes"): a change made while it runs (during its copy, between its passes, during its
     * delete) lies after that mark, whichever pass saw it. The next sync --changes, with nothing
     * changed since, must carry every one of them. Random changes from a second thread while a
     * sync --changes runs, then one more sync --changes, compared with the source; several rounds.
     */
    @Test
    void changesMadeWhileASyncRunsAreCarriedByTheNextSync() throws Exception {
        begin(dir);
        for (int i = 0; i < 300; i++) {
            Files.writeString(src.resolve("d" + (i % 4) + "/e/g" + i), "file " + i); // (passes that take a while)
        }
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        long seed = Long.getLong("pdm.changes.seed", System.nanoTime());
        Random r = new Random(seed);
        for (int round = 0; round < 6; round++) {
            AtomicBoolean stop = new AtomicBoolean();
            CountDownLatch started = new CountDownLatch(1);
            List<String> done = java.util.Collections.synchronizedList(new ArrayList<>());
            Thread writer = new Thread(() -> {
                while (!stop.get()) {
                    try {
                        done.add(change(src, r));
                    } catch (IOException | RuntimeException e) {
                        done.add("(no change: " + e.getMessage() + ")"); // (a path the tree no longer has)
                    } catch (InterruptedException e) {
                        return;
                    } finally {
                        started.countDown();
                    }
                }
            });
            writer.start();
            assertThat(started.await(1, TimeUnit.MINUTES)).isTrue();
            Pdm.Result during;
            try {
                during = Pdm.json("sync", src, tgt, "--changes");
            } finally {
                stop.set(true);
                writer.join();
            }
            Pdm.Result after = Pdm.json("sync", src, tgt, "--changes");
            String about = "seed " + seed + ", round " + round + ": " + done + "\n" + during + "\n" + after;
            assertThat(after.exit()).as(about).isZero();
            assertThat(TreeComparer.differences(src, tgt)).as(about).isEmpty();
            assertThat(TreeComparer.run(List.of("/usr/bin/rsync", "-naciHAX", "--delete", src + "/", tgt + "/")))
                    .as(about).isEmpty();
        }
    }

    /**
     * Found by the random test on tmpfs (seed 1184591912388, round 23): a hard link made in one
     * directory, the data changed through it, the link removed. The only name left lies where the
     * journal saw nothing change; the written inode, looked for by number, makes the pass find it.
     */
    @Test
    void aWriteThroughAHardLinkRemovedSinceIsCopiedUnderTheNameLeft() throws Exception {
        begin(dir);
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        Files.writeString(src.resolve("d3/f"), "twenty-seven bytes of text!");
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        sh("ln", src.resolve("d3/f").toString(), src.resolve("d1/e/link").toString());
        sh("truncate", "-s", "2", src.resolve("d1/e/link").toString());
        Files.delete(src.resolve("d1/e/link"));

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(changed.json().get("walk_reason").asText()).as(changed.toString()).contains("changed through a name");
        assertThat(Files.readString(tgt.resolve("d3/f"))).isEqualTo("tw");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    /**
     * Found by bench/changes.sh on make-tree meta: one changed file in a directory of many, one of
     * them hard-linked, made the pass list the whole directory and then walk everything. The
     * journal names the changed entry: the pass looks it up alone, and the hard link it never
     * looks at forces nothing.
     */
    @Test
    void oneChangedEntryIsLookedUpAloneAndAnUnchangedHardLinkBesideItForcesNoFullWalk() throws Exception {
        begin(dir);
        for (int i = 0; i < 200; i++) {
            Files.writeString(src.resolve("d2/n" + i), "n" + i);
        }
        sh("ln", src.resolve("d2/n0").toString(), src.resolve("d3/e/n0-link").toString());
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        Pdm.Result quiet = Pdm.json("sync", src, tgt, "--changes");
        assertThat(quiet.json().get("walk").asText()).as(quiet.toString()).isEqualTo("changes");
        Files.writeString(src.resolve("d2/n7"), "changed", java.nio.file.StandardOpenOption.APPEND);
        sh("chmod", "600", src.resolve("d2/n8").toString());
        Files.delete(src.resolve("d2/n9"));

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(changed.json().get("walk").asText()).as(changed.toString()).isEqualTo("changes");
        // (three passes; each looks at the three names, not at the directory's 200 entries)
        assertThat(changed.json().get("files_skipped").asLong()).as(changed.toString()).isLessThan(20);
        assertThat(changed.json().get("files_copied").asLong()).as(changed.toString()).isEqualTo(1);
        assertThat(changed.json().get("files_removed").asLong()).as(changed.toString()).isEqualTo(1);
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
        assertThat(TreeComparer.run(List.of("/usr/bin/rsync", "-naciHAX", "--delete", src + "/", tgt + "/"))).isEmpty();
    }

    /**
     * The same for metadata (ChangesIT seed 7270805139956, round 64): a chmod and a chown through
     * a hard link removed since change the inode the name left still has.
     */
    @Test
    void aModeChangedThroughAHardLinkRemovedSinceIsCarriedToTheNameLeft() throws Exception {
        begin(dir);
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        sh("ln", src.resolve("d3/f").toString(), src.resolve("d1/e/link").toString());
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        sh("chmod", "0604", src.resolve("d1/e/link").toString());
        sh("chown", "1001:1002", src.resolve("d1/e/link").toString());
        Files.delete(src.resolve("d1/e/link"));

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(changed.json().get("walk_reason").asText()).as(changed.toString()).contains("changed through a name");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    /**
     * Found by a hunt: a name written twice between two marks, holding another inode the second
     * time (ln -f), recorded its first inode only, and the second one's other name was never copied.
     */
    @Test
    void aNameWrittenAgainAfterLnFCarriesTheSecondInodeToItsOtherName() throws Exception {
        begin(dir);
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        Files.writeString(src.resolve("d1/f"), "new content of d1/f");
        sh("ln", "-f", src.resolve("d2/f").toString(), src.resolve("d1/f").toString());
        Files.writeString(src.resolve("d1/f"), "d2/f changed through d1/f, longer");
        Files.delete(src.resolve("d1/f"));

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(Files.readString(tgt.resolve("d2/f"))).isEqualTo("d2/f changed through d1/f, longer");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    /**
     * Found by a hunt: a file written through a hard link in a work directory removed at once,
     * before the watcher read the event (its directory no longer has a path then), was dropped with
     * its inode, and its other name, where nothing else changed, kept the old data. One python
     * process makes the changes within microseconds; the journal must show the event came without a
     * name (no WRITE of it: the directory was gone) and with its inode (LINKS).
     */
    @Test
    void aWriteThroughAHardLinkInADirectoryRemovedAtOnceIsCopiedUnderTheNameLeft() throws Exception {
        begin(dir);
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        sh("python3", "-c", "import os, shutil, sys\n"
                + "w = sys.argv[1] + '/d0/job42'; os.mkdir(w); os.link(sys.argv[1] + '/d3/f', w + '/in')\n"
                + "with open(w + '/in', 'a') as f: f.write(' and rows appended')\n"
                + "shutil.rmtree(w)", src.toString());

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        List<JournalFile.Record> records = JournalFile.read(JournalDir.of(src.toRealPath()).journal());
        assertThat(records).as("the write came without a name").noneMatch(r -> r.type().equals(JournalFile.WRITE));
        assertThat(records).as("and with its inode").anyMatch(r -> r.type().equals(JournalFile.LINKS));
        assertThat(changed.json().get("walk_reason").asText()).as(changed.toString()).contains("lives on under another name");
        assertThat(Files.readString(tgt.resolve("d3/f"))).isEqualTo("file 3 and rows appended");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    /**
     * Found by a hunt: a file of the tree hard-linked to a name outside the watched directory (a
     * package cache), written and chmodded through that name: the watcher dropped the events as
     * outside, and the tree's name kept its old data and mode.
     */
    @Test
    void aFileWrittenThroughAHardLinkOutsideTheWatchedDirectoryIsCopied() throws Exception {
        begin(dir);
        Path shared = Files.createDirectories(dir.resolve("shared")).resolve("model.dat");
        Files.writeString(shared, "model v1");
        sh("ln", shared.toString(), src.resolve("d2/e/model.dat").toString());
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        assertThat(Pdm.json("sync", src, tgt, "--changes").json().get("walk").asText()).isEqualTo("changes");
        Files.writeString(shared, "model v2, retrained");
        sh("chmod", "600", shared.toString());

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(Files.readString(tgt.resolve("d2/e/model.dat"))).isEqualTo("model v2, retrained");
        assertThat(changed.json().path("walk_reason").asText()).as(changed.toString()).contains("outside PATH");
        // (without -H: the outside name is not the job's, so the source's inode has a name more)
        assertThat(TreeComparer.run(List.of("/usr/bin/rsync", "-naciAX", "--delete", src + "/", tgt + "/"))).isEmpty();
        // (an outside file of one name is no reason to walk everything)
        Files.writeString(dir.resolve("shared/alone"), "one name");
        Files.writeString(dir.resolve("shared/alone"), "written again");
        Pdm.Result quiet = Pdm.json("sync", src, tgt, "--changes");
        assertThat(quiet.json().get("walk").asText()).as(quiet.toString()).isEqualTo("changes");
    }

    /**
     * From the review: the link count the watcher reads can be lower than when the change was made.
     * Appended through a name outside the watched directory and that name unlinked at once, the file
     * has one name left when the event is read, in the tree, where nothing else changed.
     */
    @Test
    void aFileWrittenThroughAnOutsideNameUnlinkedAtOnceIsCopied() throws Exception {
        begin(dir);
        Path shared = Files.createDirectories(dir.resolve("shared")).resolve("m");
        Files.writeString(shared, "m1");
        sh("ln", shared.toString(), src.resolve("d1/e/z").toString());
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        assertThat(Pdm.json("sync", src, tgt, "--changes").json().get("walk").asText()).isEqualTo("changes");
        sh("python3", "-c", "import os, sys\n"
                + "with open(sys.argv[1], 'a') as f: f.write(' and m2')\n"
                + "os.unlink(sys.argv[1])", shared.toString());

        Pdm.Result changed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(Files.readString(tgt.resolve("d1/e/z"))).isEqualTo("m1 and m2");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    /**
     * From the review: an inode that lives below the job's target is pdm's copy only if it is not
     * below the watched directory too. Here the target root holds the source (TGT is the directory
     * above SRC, PATH /d1): a file of PATH written through its hard link elsewhere in SRC must still
     * be met or make the pass walk everything.
     */
    @Test
    void aTargetRootThatHoldsTheSourceTakesNoSourceFileForItsOwn() throws Exception {
        begin(dir);
        sh("ln", src.resolve("d1/f").toString(), src.resolve("d2/link").toString());
        assertThat(Pdm.json("sync", src, dir, "/d1", "--changes").exit()).isZero();
        Pdm.Result quiet = Pdm.json("sync", src, dir, "/d1", "--changes");
        assertThat(quiet.json().get("walk").asText()).as(quiet.toString()).isEqualTo("changes");
        Files.writeString(src.resolve("d2/link"), "written through the link outside PATH");

        Pdm.Result changed = Pdm.json("sync", src, dir, "/d1", "--changes");
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(Files.readString(dir.resolve("d1/f"))).isEqualTo("written through the link outside PATH");
    }

    private static List<Long> marks(Path journal) throws IOException {
        return JournalFile.read(journal).stream().filter(r -> r.type().equals(JournalFile.MARK))
                .map(JournalFile.Record::seq).toList();
    }

    @Test
    void anOverflowedQueueAndARestartedWatcherMakeTheNextPassWalkEverything() throws Exception {
        // The target on another filesystem (tmpfs), as in a migration: the watcher sees the whole
        // source filesystem, and the pass's own 20,000 creates there could overflow its queue again.
        begin(dir);
        shm = Files.createTempDirectory(Path.of("/dev/shm"), "pdm-changes-");
        tgt = shm.resolve("tgt");
        overflowAndRestart();
    }

    private void overflowAndRestart() throws Exception {
        assertThat(Pdm.json("sync", src, tgt, "--changes").exit()).isZero();
        Files.writeString(src.resolve("d0/new"), "x");
        Pdm.Result quiet = Pdm.json("sync", src, tgt, "--changes");
        assertThat(quiet.json().get("walk").asText()).as(quiet.toString()).isEqualTo("changes");
        // stopped, the watcher reads nothing: 20,000 creates overflow the kernel's queue (16,384)
        new ProcessBuilder("kill", "-STOP", Long.toString(watcher.pid())).start().waitFor();
        Path many = Files.createDirectories(src.resolve("d1/many"));
        for (int i = 0; i < 20_000; i++) {
            Files.createFile(many.resolve("f" + i));
        }
        new ProcessBuilder("kill", "-CONT", Long.toString(watcher.pid())).start().waitFor();
        Pdm.Result overflowed = Pdm.json("sync", src, tgt, "--changes");
        assertThat(overflowed.json().get("walk").asText()).as(overflowed.toString()).isEqualTo("full");
        assertThat(overflowed.json().get("walk_reason").asText()).contains("overflowed");
        assertThat(overflowed.exit()).as(overflowed.toString()).isZero();
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
        // after a full pass the journal vouches again
        Files.writeString(src.resolve("d2/again"), "y");
        Pdm.Result again = Pdm.json("sync", src, tgt, "--changes");
        assertThat(again.json().get("walk").asText()).as(again.toString()).isEqualTo("changes");
        // stopped cleanly, the stop is recorded; a new watcher vouches for nothing before its start
        watcher.destroy();
        assertThat(watcher.waitFor()).isZero();
        Path journal = JournalDir.of(src.toRealPath()).journal();
        assertThat(Files.readString(journal)).contains(" STOP ");
        Files.writeString(src.resolve("d3/unseen"), "made while no watcher ran");
        Pdm.Result none = Pdm.json("sync", src, tgt, "--changes");
        assertThat(none.json().get("walk_reason").asText()).as(none.toString()).contains("not running");
        watcher = watch();
        Pdm.Result restarted = Pdm.json("sync", src, tgt, "--changes");
        assertThat(restarted.json().get("walk").asText()).isEqualTo("full");
        assertThat(restarted.json().get("walk_reason").asText()).contains("restarted");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    private Process watch() throws Exception {
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", Cluster.jar(), "watch", src.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("watch.log").toFile());
        pb.environment().put("PDM_STATE_DIR", dir.resolve("state").toString());
        Process p = pb.start();
        Path sock = JournalDir.of(src.toRealPath()).socket();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sock) || !p.isAlive());
        assertThat(p.isAlive()).as(Files.readString(dir.resolve("watch.log"))).isTrue();
        return p;
    }

    private String change(Random r) throws IOException, InterruptedException {
        return change(src, r);
    }

    /** One random change to the tree {@code src}, with real tools where it takes one; returns what it did. */
    static String change(Path src, Random r) throws IOException, InterruptedException {
        List<Path> files = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        try (Stream<Path> all = Files.walk(src)) {
            all.forEach(p -> (Files.isDirectory(p) ? dirs : files).add(p));
        }
        Path d = dirs.get(r.nextInt(dirs.size()));
        Path f = files.isEmpty() ? null : files.get(r.nextInt(files.size()));
        String name = "n" + r.nextInt(1000);
        int op = f == null ? 0 : r.nextInt(13);
        switch (op) {
            case 0 -> { // (a name an earlier change made a directory: a new file inside it)
                Path at = Files.isDirectory(d.resolve(name), LinkOption.NOFOLLOW_LINKS) ? d.resolve(name).resolve(name)
                        : d.resolve(name);
                Files.writeString(at, "new " + r.nextLong());
            }
            case 1 -> Files.writeString(f, "more", java.nio.file.StandardOpenOption.APPEND);
            case 2 -> sh("truncate", "-s", Integer.toString(r.nextInt(3)), f.toString());
            case 3 -> Files.delete(f);
            case 4 -> sh("mv", "-f", f.toString(), d.resolve(name).toString());
            case 5 -> {
                Path moving = dirs.get(r.nextInt(dirs.size()));
                if (!moving.equals(src) && !d.startsWith(moving) && !Files.exists(d.resolve(name))) {
                    Files.move(moving, d.resolve(name));
                    return "mv dir " + src.relativize(moving) + " " + src.relativize(d.resolve(name));
                }
                return "no dir move";
            }
            case 6 -> {
                Files.delete(f);
                Files.createDirectories(f.resolve("inside"));
            }
            case 7 -> sh("ln", "-f", f.toString(), d.resolve(name).toString());
            case 8 -> sh("chmod", Integer.toOctalString(0600 + r.nextInt(0100)), r.nextBoolean() ? f.toString() : d.toString());
            case 9 -> sh("chown", 1000 + r.nextInt(3) + ":" + (1000 + r.nextInt(3)), r.nextBoolean() ? f.toString() : d.toString());
            case 10 -> {
                if (r.nextBoolean()) {
                    sh("setfattr", "-n", "user.k", "-v", "v" + r.nextInt(100), f.toString());
                } else {
                    sh("setfacl", "-m", "u:" + (2000 + r.nextInt(3)) + ":r" + (r.nextBoolean() ? "w" : "-"),
                            r.nextBoolean() ? f.toString() : d.toString());
                }
            }
            case 11 -> {
                // a same-size write with the mtime set back: rsync's quick check misses it
                FileTime before = Files.getLastModifiedTime(f);
                byte[] b = Files.readAllBytes(f);
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) ('a' + r.nextInt(26));
                }
                Files.write(f, b);
                Files.setLastModifiedTime(f, before);
                return "same-size write of " + src.relativize(f) + " (" + new String(b, StandardCharsets.UTF_8) + ")";
            }
            default -> sh("touch", "-d", "2020-01-0" + (1 + r.nextInt(9)), f.toString());
        }
        String[] ops = {"create", "append", "truncate", "rm", "mv", "", "file to dir", "ln", "chmod", "chown",
                "xattr or acl", "", "touch -d"};
        return ops[op] + " " + (f == null ? "" : src.relativize(f)) + " in " + src.relativize(d) + " as " + name;
    }

    static void sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out);
        }
    }
}

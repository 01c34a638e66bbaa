package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.journal.JournalDir;
import pdm.testkit.Cluster;
import pdm.testkit.FakeLfs;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * {@code pdm watch} of a Lustre source with {@code changelog_user}: it reads the MDTs' changelogs
 * (here the recording stand-in for lfs, as no Lustre runs where the tests do), not fanotify. The
 * test makes each change on disk and logs the record Lustre would; a change it does not log is
 * not seen, which shows where the journal's knowledge comes from.
 */
class LustreChangelogIT {
    @TempDir
    Path dir;
    private Path src;
    private Path tgt;
    private Path cfg;
    private FakeLfs lfs;
    private Process watcher;

    @BeforeEach
    void start() throws Exception {
        src = Files.createDirectories(dir.resolve("lustre"));
        tgt = Files.createDirectories(dir.resolve("tgt"));
        for (int i = 0; i < 3; i++) {
            Files.createDirectories(src.resolve("d" + i + "/e"));
            Files.writeString(src.resolve("d" + i + "/f"), "file " + i);
        }
        lfs = FakeLfs.install(dir);
        lfs.changelog("CREAT", src.resolve("d0/f"), src.resolve("d0"), null); // (before the watcher: skipped)
        cfg = dir.resolve("config.toml");
        Files.writeString(cfg, "[datasource.scratch]\ntype = \"lustre\"\npath = '" + src + "'\nwrite = false\n"
                + "lfs_path = '" + lfs.script + "'\nchangelog_user = \"cl1\"\n\n"
                + "[datasource.archive]\ntype = \"posix\"\npath = '" + tgt + "'\nwrite = true\n");
        System.setProperty("pdm.state.dir", dir.resolve("state").toString());
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-jar", Cluster.jar(), "watch", "--config", cfg.toString(),
                "scratch").redirectErrorStream(true).redirectOutput(dir.resolve("watch.log").toFile());
        pb.environment().put("PDM_STATE_DIR", dir.resolve("state").toString());
        watcher = pb.start();
        Path sock = JournalDir.of(src.toRealPath()).socket();
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(sock) || !watcher.isAlive());
        assertThat(watcher.isAlive()).as(Files.readString(dir.resolve("watch.log"))).isTrue();
    }

    @AfterEach
    void stop() throws Exception {
        watcher.destroy();
        watcher.waitFor();
        System.clearProperty("pdm.state.dir");
    }

    private Pdm.Result sync() {
        return Pdm.run("sync", "--json", "--config", cfg.toString(), "--changes", "scratch", "archive", "/");
    }

    @Test
    void theChangelogSaysWhatChangedAndIsClearedOnceTheJournalHoldsIt() throws Exception {
        Pdm.Result first = sync();
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.json().get("walk").asText()).isEqualTo("full");
        assertThat(lfs.calls("changelog")).as("the watcher reads the changelog, not the kernel").isNotEmpty();

        Files.writeString(src.resolve("d1/new"), "new");
        lfs.changelog("CREAT", src.resolve("d1/new"), src.resolve("d1"), null);
        Files.createDirectories(src.resolve("d2/e/sub/deeper"));
        Files.writeString(src.resolve("d2/e/sub/deeper/x"), "x");
        lfs.changelog("MKDIR", src.resolve("d2/e/sub"), src.resolve("d2/e"), null);
        Files.move(src.resolve("d0/f"), src.resolve("d2/moved"));
        lfs.changelog("RENME", src.resolve("d2/moved"), src.resolve("d2"), src.resolve("d0/f"));
        Files.writeString(src.resolve("d1/f"), "same size!", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        long last = lfs.changelog("CLOSE", src.resolve("d1/f"), src.resolve("d1"), null);
        Files.writeString(src.resolve("d0/e/unlogged"), "no record: not seen"); // (no record logged)

        Pdm.Result changed = sync();
        assertThat(changed.exit()).as(changed.toString()).isZero();
        assertThat(changed.json().get("walk").asText()).as(changed.toString()).isEqualTo("changes");
        for (String p : List.of("d1/new", "d2/e/sub/deeper/x", "d2/moved", "d1/f")) {
            assertThat(Files.readString(tgt.resolve(p))).as(p).isEqualTo(Files.readString(src.resolve(p)));
        }
        assertThat(Files.exists(tgt.resolve("d0/f"))).as("the rename's source directory was listed").isFalse();
        assertThat(Files.exists(tgt.resolve("d0/e/unlogged"))).as("nothing the changelog did not say").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> lfs.cleared("cl1") >= last);

        // a full pass then finds just the unlogged file
        Pdm.Result full = Pdm.run("sync", "--json", "--config", cfg.toString(), "scratch", "archive", "/");
        assertThat(full.count("files_copied")).as(full.toString()).isEqualTo(1);
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }

    @Test
    void recordsLostFromTheChangelogMakeTheNextPassWalkEverything() throws Exception {
        assertThat(sync().exit()).isZero();
        Files.writeString(src.resolve("d1/new"), "new");
        lfs.changelog("CREAT", src.resolve("d1/new"), src.resolve("d1"), null);
        assertThat(sync().json().get("walk").asText()).isEqualTo("changes");
        // records purged before the watcher read them (a changelog user deregistered as idle)
        Path log = lfs.store.resolve("changelog");
        long next = Files.readAllLines(log).size() + 1;
        Files.writeString(src.resolve("d2/lost"), "its record is gone");
        Files.writeString(log, (next + 5) + " 01CREAT 13:25:11.4963 2026.12.06 0x0 t=[0x0:0x0:0x0] ef=0xf u=0:0 "
                + "nid=0@lo p=[0x0:0x0:0x0] lost\n", java.nio.file.StandardOpenOption.APPEND);
        Pdm.Result after = sync();
        assertThat(after.json().get("walk").asText()).as(after.toString()).isEqualTo("full");
        assertThat(after.json().get("walk_reason").asText()).contains("lost records");
        assertThat(TreeComparer.differences(src, tgt)).isEmpty();
    }
}

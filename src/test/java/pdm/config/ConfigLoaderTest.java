package pdm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** config.toml: sdsc/pdm's example file loads, defaults fill in, and every mistake names its key and line. */
class ConfigLoaderTest {
    static final String SEED_EXAMPLE = """
            dir_workers = 5
            file_workers = 5
            elastic_url = "http://localhost:9200"
            debug = true
            monitor_interval = 10
            copy = true
            scan = true
            scan_update = true
            file_prefetch = 256
            dir_prefetch = 36
            [rabbitmq]
            connect_string = "amqp://guest:guest@localhost:5672/"
            [datasource]
            [datasource.panda]
            type = "lustre"
            path = "/mnt/panda"
            mount = true
            write = false
            skip_files_newer_minutes=0
            skip_files_older_minutes=0
            skip_files_larger_gb=500
            mds = 2
            elastic_index = "panda"
            recognise_types = true
            purge_files_older_days=30
            """;

    @TempDir
    Path tmp;

    private Path file(String text) throws IOException {
        return Files.writeString(tmp.resolve("config.toml"), text);
    }

    @Test
    void seedExampleLoadsWithWarningsForSeedOnlyKeys() throws IOException {
        ConfigLoader loader = new ConfigLoader();
        PdmConfig c = loader.read(file(SEED_EXAMPLE));

        assertThat(c.dirWorkers()).isEqualTo(5);
        assertThat(c.fileWorkers()).isEqualTo(5);
        assertThat(c.elasticUrl()).contains("http://localhost:9200");
        assertThat(c.debug()).isTrue();
        assertThat(c.monitorInterval()).isEqualTo(10);
        assertThat(c.filePrefetch()).isEqualTo(256);
        assertThat(c.dirPrefetch()).isEqualTo(36);
        assertThat(c.rabbitmqConnectString()).contains("amqp://guest:guest@localhost:5672/");
        assertThat(c.filesPerTask()).isEqualTo(1000);
        assertThat(c.queueShards()).as("unsharded queues unless asked for").isEqualTo(1);
        DataSource panda = c.datasource("panda");
        assertThat(panda.type()).isEqualTo("lustre");
        assertThat(panda.path()).isEqualTo(Path.of("/mnt/panda"));
        assertThat(panda.mount()).isTrue();
        assertThat(panda.write()).isFalse();
        assertThat(panda.skipNewerMinutes()).isZero();
        assertThat(panda.skipOlderMinutes()).isZero();
        assertThat(panda.skipLargerGb()).isEqualTo(500.0);
        assertThat(c.datasources()).containsOnlyKeys("panda");
        assertThat(panda.lustre().mds()).as("sdsc/pdm's mds is a Lustre key of the datasource").isEqualTo(2);
        assertThat(panda.lustre().stripe()).isEqualTo(LustreOptions.Stripe.SIZE);
        assertThat(panda.lustre().thresholds()).isEqualTo(LustreOptions.ORIGINAL);
        assertThat(panda.lustre().lfs()).isEqualTo("lfs");
        for (String key : new String[]{"copy", "scan", "scan_update", "elastic_index", "recognise_types",
                "purge_files_older_days"}) {
            assertThat(loader.warnings()).as("warning for %s", key).anySatisfy(w -> assertThat(w).contains("'" + key + "'"));
        }
        assertThat(loader.warnings()).hasSize(6);
        assertThat(loader.warnings()).noneSatisfy(w -> assertThat(w).contains("'dir_workers'"));
    }

    @Test
    void defaults() throws IOException {
        PdmConfig empty = new ConfigLoader().read(file("# nothing set\n"));
        PdmConfig d = PdmConfig.defaults();
        assertThat(empty.dirWorkers()).isEqualTo(d.dirWorkers()).isEqualTo(4);
        assertThat(empty.fileWorkers()).isEqualTo(d.fileWorkers()).isEqualTo(16);
        assertThat(empty.filesPerTask()).isEqualTo(1000);
        assertThat(empty.filePrefetch()).isEqualTo(32);
        assertThat(empty.dirPrefetch()).isEqualTo(8);
        assertThat(empty.monitorInterval()).isEqualTo(10);
        assertThat(empty.monitorMountSec()).isEqualTo(10);
        assertThat(empty.debug()).isFalse();
        assertThat(empty.elasticUrl()).isEmpty();
        assertThat(empty.rabbitmqConnectString()).isEmpty();
        assertThat(empty.datasources()).isEmpty();

        DataSource ds = new ConfigLoader().read(file("[datasource.x]\ntype = \"posix\"\npath = \"/x\"\n")).datasource("x");
        assertThat(ds.mount()).isFalse();
        assertThat(ds.write()).as("never writable unless said so").isFalse();
        assertThat(ds.skipNewerMinutes()).isZero();
        assertThat(ds.skipOlderMinutes()).isZero();
        assertThat(ds.skipLargerGb()).isZero();
    }

    @Test
    void wrongTypeNamesKeyAndLine() throws IOException {
        Path f = file("file_workers = 3\n\ndir_workers = \"x\"\n");
        assertThatThrownBy(() -> new ConfigLoader().read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("dir_workers")
                .hasMessageContaining("line 3");
    }

    @Test
    void workerCountsAreCappedAsOnTheCommandLine() throws IOException {
        // (a thread each: 100000 file workers crashed pdm with a JVM trace, out of native threads)
        Path f = file("dir_workers = 4\nfile_workers = 100000\n");
        assertThatThrownBy(() -> new ConfigLoader().read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("file_workers must be a whole number from 1 to 10000, not 100000")
                .hasMessageContaining("line 2");
        assertThat(new ConfigLoader().read(file("dir_workers = 10000\n")).dirWorkers()).isEqualTo(10_000);
    }

    @Test
    void wrongTypeInADatasourceNamesKeyAndLine() throws IOException {
        Path f = file("[datasource.panda]\ntype = \"posix\"\npath = \"/p\"\nwrite = \"yes\"\n");
        assertThatThrownBy(() -> new ConfigLoader().read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("write")
                .hasMessageContaining("line 4")
                .hasMessageContaining("panda");
    }

    @Test
    void missingPathNamesTheDatasource() throws IOException {
        Path f = file("dir_workers = 2\n[datasource.badger]\ntype = \"posix\"\nwrite = true\n");
        assertThatThrownBy(() -> new ConfigLoader().read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("badger")
                .hasMessageContaining("path")
                .hasMessageContaining("line 2");
    }

    @Test
    void unknownKeyIsAWarningNamingIt() throws IOException {
        ConfigLoader loader = new ConfigLoader();
        PdmConfig c = loader.read(file("dir_wrokers = 9\n[datasource.p]\ntype = \"posix\"\npath = \"/p\"\ncolour = \"blue\"\n"));
        assertThat(c.dirWorkers()).isEqualTo(4);
        assertThat(loader.warnings()).hasSize(2);
        assertThat(loader.warnings()).anySatisfy(w -> assertThat(w).contains("dir_wrokers").contains("line 1"));
        assertThat(loader.warnings()).anySatisfy(w -> assertThat(w).contains("colour").contains("line 5"));
    }

    @Test
    void invalidTomlIsAnErrorWithItsLine() throws IOException {
        Path f = file("dir_workers = 2\nfile_workers = 3\nthis is = = not toml\n");
        assertThatThrownBy(() -> new ConfigLoader().read(f))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining(f.toString());
    }

    @Test
    void outOfRangeAndBadValuesAreErrors() throws IOException {
        assertThatThrownBy(() -> new ConfigLoader().read(file("file_workers = 0\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("file_workers");
        assertThatThrownBy(() -> new ConfigLoader().read(file("[datasource.p]\ntype = \"nfs\"\npath = \"/p\"\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("type");
        assertThatThrownBy(() -> new ConfigLoader().read(file("[datasource.p]\ntype = \"posix\"\npath = \"relative\"\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("path");
        assertThatThrownBy(() -> new ConfigLoader().read(file("[datasource.p]\npath = \"/p\"\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("type");
        assertThatThrownBy(() -> new ConfigLoader().read(file(
                "[datasource.p]\ntype = \"posix\"\npath = \"/p\"\nskip_files_newer_minutes = -1\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("skip_files_newer_minutes").hasMessageContaining("line 4");
    }

    @Test
    void limitsAndSkipPathsAreReadAndCheckedNamingKeyAndLine() throws IOException {
        PdmConfig c = new ConfigLoader().read(file("bwlimit = \"50M\"\nmax_files_per_second = 2000\n"
                + "[datasource.p]\ntype = \"posix\"\npath = \"/p\"\nskip_paths = [\"*.tmp\", \"/scratch/\"]\n"));
        assertThat(c.bwlimit()).isEqualTo(50L << 20);
        assertThat(c.maxFilesPerSecond()).isEqualTo(2000);
        assertThat(c.datasource("p").skipPaths()).containsExactly("*.tmp", "/scratch/");
        assertThat(new ConfigLoader().read(file("bwlimit = 1000\n")).bwlimit()).isEqualTo(1000);
        PdmConfig none = new ConfigLoader().read(file("[datasource.p]\ntype = \"posix\"\npath = \"/p\"\n"));
        assertThat(none.bwlimit()).isZero();
        assertThat(none.maxFilesPerSecond()).isZero();
        assertThat(none.datasource("p").skipPaths()).isEmpty();

        assertThatThrownBy(() -> new ConfigLoader().read(file("dir_workers = 2\nbwlimit = \"fast\"\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bwlimit").hasMessageContaining("line 2")
                .hasMessageContaining("'fast' is not a rate");
        assertThatThrownBy(() -> new ConfigLoader().read(file("bwlimit = -5\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("bwlimit");
        assertThatThrownBy(() -> new ConfigLoader().read(file("max_files_per_second = \"many\"\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("max_files_per_second");
        assertThatThrownBy(() -> new ConfigLoader().read(file(
                "[datasource.p]\ntype = \"posix\"\npath = \"/p\"\nskip_paths = [\"a\", 3]\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("skip_paths").hasMessageContaining("line 4");
    }

    @Test
    void unknownFilesystemNameListsTheConfiguredOnes() throws IOException {
        PdmConfig c = new ConfigLoader().read(file(SEED_EXAMPLE));
        assertThatThrownBy(() -> c.datasource("badger"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("badger")
                .hasMessageContaining("panda");
    }

    @Test
    void explicitConfigThatDoesNotExistIsAnError() {
        assertThatThrownBy(() -> new ConfigLoader().load(tmp.resolve("nope.toml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.toml");
    }

    private static final String LUSTRE = "[datasource.l]\ntype = \"lustre\"\npath = \"/l\"\n";

    @Test
    void lustreKeysAreRead() throws IOException {
        DataSource l = new ConfigLoader().read(file(LUSTRE + """
                stripe = "source"
                stripe_thresholds = { "64K" = 2, "1G" = -1, "100" = 3 }
                mds = 4
                lfs_path = "/opt/lustre/bin/lfs"
                changelog_user = "cl3-pdm"
                """)).datasource("l");

        assertThat(l.isLustre()).isTrue();
        assertThat(l.lustre().stripe()).isEqualTo(LustreOptions.Stripe.SOURCE);
        assertThat(l.lustre().thresholds()).as("sorted by size, binary units").containsExactly(
                new LustreOptions.Threshold(100, 3), new LustreOptions.Threshold(64 * 1024, 2),
                new LustreOptions.Threshold(1L << 30, -1));
        assertThat(l.lustre().mds()).isEqualTo(4);
        assertThat(l.lustre().lfs()).isEqualTo("/opt/lustre/bin/lfs");
        assertThat(l.lustre().changelogUser()).isEqualTo("cl3-pdm");
        assertThat(new ConfigLoader().read(file("[datasource.p]\ntype = \"posix\"\npath = \"/p\"\n"))
                .datasource("p").isLustre()).isFalse();
    }

    @Test
    void stripeThresholdUnitsSayWhetherTheyAreDecimalOrBinary() throws IOException {
        DataSource l = new ConfigLoader().read(file(LUSTRE + """
                stripe_thresholds = { "10GB" = 5, "2TB" = 7, "3GiB" = 2, "1TiB" = 9, "4G" = 3, "5T" = 11, "6MB" = 1, "7 KiB" = 4 }
                """)).datasource("l");

        assertThat(l.lustre().thresholds()).as("GB, TB decimal; GiB, TiB and lfs's G, T binary").containsExactly(
                new LustreOptions.Threshold(7L << 10, 4), new LustreOptions.Threshold(6_000_000L, 1),
                new LustreOptions.Threshold(3L << 30, 2), new LustreOptions.Threshold(4L << 30, 3),
                new LustreOptions.Threshold(10_000_000_000L, 5), new LustreOptions.Threshold(1L << 40, 9),
                new LustreOptions.Threshold(2_000_000_000_000L, 7), new LustreOptions.Threshold(5L << 40, 11));
    }

    @Test
    void theDefaultThresholdsAreTheOriginalsInDecimalUnits() {
        // sdsc/pdm's lustre_backend.go: above 10 * 1000000000 bytes 5 stripes, 100 * ... 10, 1000 * ... 50
        assertThat(LustreOptions.ORIGINAL).containsExactly(new LustreOptions.Threshold(10_000_000_000L, 5),
                new LustreOptions.Threshold(100_000_000_000L, 10), new LustreOptions.Threshold(1_000_000_000_000L, 50));
    }

    @Test
    void badLustreValuesAreErrorsNamingTheValue() {
        String[][] cases = {
                {"stripe = \"striped\"", "striped"},
                {"stripe = 5", "stripe"},
                {"stripe_thresholds = { \"10X\" = 5 }", "10X"},
                {"stripe_thresholds = { \"10gb\" = 5 }", "10gb"},
                {"stripe_thresholds = { \"1.5G\" = 5 }", "1.5G"},
                {"stripe_thresholds = { \"99999999999T\" = 5 }", "99999999999T"},
                {"stripe_thresholds = { \"10G\" = 0 }", "10G"},
                {"stripe_thresholds = { \"10G\" = 2001 }", "2001"},
                {"stripe_thresholds = {}", "stripe_thresholds"},
                {"stripe_thresholds = 5", "5"},
                {"mds = 0", "0"},
                {"mds = \"two\"", "two"},
                {"lfs_path = \"bin/lfs\"", "bin/lfs"},
                {"lfs_path = \"\"", "lfs_path"},
                {"changelog_user = \"robinhood\"", "robinhood"},
                {"changelog_user = 1", "changelog_user"},
        };
        for (String[] c : cases) {
            assertThatThrownBy(() -> new ConfigLoader().read(file(LUSTRE + c[0] + "\n")))
                    .as(c[0]).isInstanceOf(ConfigException.class)
                    .hasMessageContaining(c[1]).hasMessageContaining("line 4");
        }
    }

    @Test
    void lustreKeysOnAPosixFilesystemAreErrors() {
        assertThatThrownBy(() -> new ConfigLoader().read(file(
                "[datasource.p]\ntype = \"posix\"\npath = \"/p\"\nmds = 2\n")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("mds").hasMessageContaining("lustre");
    }

    @Test
    void theExampleConfigLoadsWithoutWarnings() {
        ConfigLoader loader = new ConfigLoader();
        PdmConfig c = loader.read(Path.of("config.toml.example"));
        assertThat(loader.warnings()).isEmpty();
        assertThat(c.datasource("badger").write()).isTrue();
        assertThat(c.datasource("panda").write()).isFalse();
    }

    @Test
    void theExamplesLustreLinesLoadAsWrittenOnceUncommented() throws IOException {
        String example = Files.readString(Path.of("config.toml.example"));
        int badger = example.indexOf("[datasource.badger]");
        String lustre = example.substring(0, badger) + example.substring(badger)
                .replace("type = \"posix\"", "type = \"lustre\"")
                .replaceAll("(?m)^# (stripe|stripe_thresholds|mds|lfs_path) =", "$1 =");
        ConfigLoader loader = new ConfigLoader();
        PdmConfig c = loader.read(file(lustre));
        assertThat(loader.warnings()).isEmpty();
        assertThat(c.datasource("badger").lustre().thresholds()).isEqualTo(LustreOptions.ORIGINAL);
        assertThat(c.datasource("badger").lustre().mds()).isEqualTo(4);
    }

    @Test
    void queueShardsIsReadFromTheRabbitmqTable() throws IOException {
        PdmConfig c = new ConfigLoader().read(file("[rabbitmq]\nqueue_shards = 8\n"));
        assertThat(c.queueShards()).isEqualTo(8);
        assertThat(new ConfigLoader().read(file("[rabbitmq]\nqueue_shards = 64\n")).queueShards()).isEqualTo(64);
    }

    @Test
    void queueShardsOutOfRangeIsRefusedNamingTheValue() throws IOException {
        for (String bad : new String[]{"0", "65", "-3", "2.5", "\"4\""}) {
            Path f = file("[rabbitmq]\nconnect_string = \"amqp://localhost\"\nqueue_shards = " + bad + "\n");
            assertThatThrownBy(() -> new ConfigLoader().read(f)).as(bad)
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining("queue_shards")
                    .hasMessageContaining("from 1 to 64")
                    .hasMessageContaining(bad)
                    .hasMessageContaining("line 3");
        }
    }
}

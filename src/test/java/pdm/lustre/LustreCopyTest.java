package pdm.lustre;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.FakeLfs;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * A {@code type = "lustre"} target, end to end through the CLI, against the recording stand-in
 * for {@code lfs} (no Lustre exists here): which calls each file and directory gets, that the
 * layout is set before any data, the source's layouts kept, MDT spreading, failures, the
 * refusal without lfs, and verify reporting layouts that differ from the policy.
 */
class LustreCopyTest {
    private static final long GB = 1_000_000_000L;
    private static final String SMALL_THRESHOLDS = "stripe_thresholds = { \"1K\" = 2, \"8K\" = 3, \"64K\" = 4 }\n";

    @TempDir
    Path tmp;
    Path src;
    Path dst;
    FakeLfs lfs;

    @BeforeEach
    void trees() throws IOException {
        src = Files.createDirectories(tmp.resolve("src"));
        dst = Files.createDirectories(tmp.resolve("dst"));
        lfs = FakeLfs.install(tmp);
    }

    private Path config(String srcType, String tgtExtra) throws IOException {
        String lfsPath = "lfs_path = '" + lfs.script + "'\n";
        return Files.writeString(tmp.resolve("config.toml"), "dir_workers = 2\nfile_workers = 4\n\n"
                + "[datasource.panda]\ntype = \"" + srcType + "\"\npath = '" + src + "'\nwrite = false\n"
                + (srcType.equals("lustre") ? lfsPath : "") + "\n"
                + "[datasource.badger]\ntype = \"lustre\"\npath = '" + dst + "'\nwrite = true\n" + lfsPath + tgtExtra);
    }

    private static Pdm.Result pdm(String command, Path config, String path) {
        return Pdm.run(command, "--json", "--config", config.toString(), "panda", "badger", path);
    }

    /** Each setstripe that created a file, by the name that file has now in the target. */
    private Map<String, FakeLfs.Call> createdBy() throws IOException {
        Map<Long, FakeLfs.Call> byIno = new HashMap<>();
        for (FakeLfs.Call c : lfs.calls("setstripe")) {
            if (c.createdIno() != null) {
                byIno.put(c.createdIno(), c);
            }
        }
        Map<String, FakeLfs.Call> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(dst)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                FakeLfs.Call c = byIno.get(FakeLfs.ino(p));
                if (c != null) {
                    out.put(dst.relativize(p).toString(), c);
                }
            }
        }
        return out;
    }

    private static void sparse(Path p, long size) throws IOException {
        Files.createDirectories(p.getParent());
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size - 1);
            f.seek(size - 1);
            f.write('x'); // one byte of data at the end, the rest a hole: quick to make and to copy
        }
    }

    @Test
    void theOriginalThresholdsStripeBigFilesBeforeTheirData() throws IOException {
        // decimal units, as the original's: 10 * 1000000000 bytes is 10 GB, not 10 GiB
        sparse(src.resolve("at-10g"), 10 * GB);
        sparse(src.resolve("over-10g"), 10 * GB + 1);
        sparse(src.resolve("d/over-100g"), 100 * GB + 1);
        sparse(src.resolve("d/over-1t"), 1000 * GB + 1);
        Fx.write(src.resolve("small"), "data");

        Pdm.Result r = pdm("copy", config("posix", ""), "/");

        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, FakeLfs.Call> made = createdBy();
        assertThat(made).containsOnlyKeys("over-10g", "d/over-100g", "d/over-1t");
        assertThat(made.get("over-10g").argv()).containsExactly("setstripe", "-c", "5", made.get("over-10g").argv().get(3));
        assertThat(made.get("d/over-100g").argv()).startsWith("setstripe", "-c", "10");
        assertThat(made.get("d/over-1t").argv()).startsWith("setstripe", "-c", "50");
        for (FakeLfs.Call c : made.values()) {
            assertThat(c.argv().get(3)).as("named through pdm's open directory").matches("/proc/\\d+/fd/\\d+/\\.pdm-tmp-.*");
            assertThat(c.target().getFileName().toString()).startsWith(".pdm-tmp-");
        }
        assertThat(lfs.calls("setstripe")).as("no fork for files under the smallest threshold").hasSize(3);
        assertThat(lfs.record(dst.resolve("d/over-1t")).get("layout").get(0).get("count").asInt()).isEqualTo(50);
        assertThat(Files.size(dst.resolve("d/over-1t"))).isEqualTo(1000 * GB + 1);
        assertThat(Files.size(dst.resolve("at-10g"))).isEqualTo(10 * GB);
        assertThat(Files.readString(dst.resolve("small"))).isEqualTo("data");
    }

    @Test
    void eachThresholdGetsItsCallAndTheLayoutComesBeforeAnyData() throws IOException {
        byte[] b2 = Fx.random(2_000, 1);
        byte[] b3 = Fx.random(10_000, 2);
        byte[] b4 = Fx.random(100_000, 3);
        Fx.write(src.resolve("tiny"), Fx.random(1024, 4)); // exactly 1K: not above it
        Fx.write(src.resolve("a/two"), b2);
        Fx.write(src.resolve("a/b/three"), b3);
        Fx.write(src.resolve("four"), b4);
        Path cfg = config("posix", SMALL_THRESHOLDS);

        Pdm.Result r = pdm("copy", cfg, "/");

        assertThat(r.exit()).as(r.toString()).isZero();
        Map<String, FakeLfs.Call> made = createdBy();
        assertThat(made).containsOnlyKeys("a/two", "a/b/three", "four");
        assertThat(made.get("a/two").argv()).startsWith("setstripe", "-c", "2");
        assertThat(made.get("a/b/three").argv()).startsWith("setstripe", "-c", "3");
        assertThat(made.get("four").argv()).startsWith("setstripe", "-c", "4");
        // The inode lfs created empty (it refuses any file that exists) is the one that now
        // holds all the data: the data went in after the layout, never before.
        assertThat(lfs.calls()).noneMatch(c -> c.error() != null);
        assertThat(Files.readAllBytes(dst.resolve("a/b/three"))).isEqualTo(b3);
        assertThat(Files.readAllBytes(dst.resolve("four"))).isEqualTo(b4);
        assertThat(lfs.record(dst.resolve("four")).get("layout").get(0).get("count").asInt()).isEqualTo(4);
        TreeComparer.assertSameTree(src, dst);

        int calls = lfs.calls().size();
        assertThat(pdm("copy", cfg, "/").count("files_copied")).isZero();
        Pdm.Result verify = pdm("verify", cfg, "/");
        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(lfs.calls().subList(calls, lfs.calls().size()))
                .as("the second copy asks lfs only at the start; verify reads the layouts the policy set")
                .extracting(c -> String.join(" ", c.argv().subList(0, c.argv().size() - 1)))
                .containsOnly("getstripe -d", "getstripe -c")
                .filteredOn(s -> s.equals("getstripe -c")).hasSize(3);

        lfs.setRecord(dst.resolve("four"), "layout", JsonNodeFactory.instance.arrayNode()
                .add(JsonNodeFactory.instance.objectNode().put("count", 1).put("size", 1048576)));
        Pdm.Result differs = pdm("verify", cfg, "/");
        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.count("differences")).isEqualTo(1);
        assertThat(differs.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/four");
            assertThat(f.error()).contains("layout (stripe count 1, policy: 4)");
        });
    }

    @Test
    void sourceModeKeepsEachFilesAndDirectorysLayout() throws IOException {
        Files.createDirectories(src.resolve("proj/wide"));
        lfs.run("setstripe", "-c", "3", "-S", "4M", src.resolve("proj/wide").toString());
        Path plain = src.resolve("proj/plain");
        lfs.run("setstripe", "-c", "4", "-S", "2M", "-p", "flash", plain.toString());
        Files.write(plain, Fx.random(5000, 1), java.nio.file.StandardOpenOption.APPEND);
        Path pfl = src.resolve("proj/wide/pfl");
        lfs.run("setstripe", "-E", "1M", "-c", "1", "-E", "-1", "-c", "8", "-p", "disk", pfl.toString());
        Files.write(pfl, Fx.random(3000, 2), java.nio.file.StandardOpenOption.APPEND);
        Fx.write(src.resolve("proj/default"), "no layout of its own");
        Path cfg = config("lustre", "stripe = \"source\"\n");

        Pdm.Result r = pdm("copy", cfg, "/");

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String f : List.of("proj/plain", "proj/wide/pfl", "proj/default")) {
            assertThat(lfs.record(dst.resolve(f)).get("layout")).as(f).isEqualTo(
                    lfs.record(src.resolve(f)).has("layout") ? lfs.record(src.resolve(f)).get("layout")
                            : lfs.record(dst.resolve("proj/default")).get("layout"));
        }
        assertThat(lfs.record(dst.resolve("proj/wide/pfl")).get("layout")).hasSize(2);
        assertThat(lfs.record(dst.resolve("proj/wide")).get("default")).isEqualTo(lfs.record(src.resolve("proj/wide")).get("default"));
        assertThat(createdBy()).containsOnlyKeys("proj/plain", "proj/wide/pfl", "proj/default");
        assertThat(createdBy().values()).allSatisfy(c -> assertThat(c.argv().get(1)).matches("--copy=/proc/\\d+/fd/\\d+"));
        assertThat(lfs.calls("setstripe").stream().filter(c -> c.createdIno() == null).map(FakeLfs.Call::target)
                .filter(p -> p.startsWith(dst)))
                .as("each new directory gets its source's default layout, under its temp name")
                .hasSize(2).allSatisfy(p -> assertThat(p.getFileName().toString()).startsWith(".pdm-tmp-"));
        TreeComparer.assertSameTree(src, dst);
        assertThat(pdm("verify", cfg, "/").exit()).isZero();

        lfs.setRecord(dst.resolve("proj/plain"), "layout", JsonNodeFactory.instance.arrayNode()
                .add(JsonNodeFactory.instance.objectNode().put("count", 4).put("size", 2097152)));
        Pdm.Result differs = pdm("verify", cfg, "/");
        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/proj/plain");
            assertThat(f.error()).contains("layout (source: lmm_stripe_count: 4 lmm_stripe_size: 2097152 lmm_pool: flash;"
                    + " target: lmm_stripe_count: 4 lmm_stripe_size: 2097152)");
        });
    }

    @Test
    void sourceModeNeedsALustreSource() throws IOException {
        Fx.write(src.resolve("f"), "x");
        Pdm.Result r = pdm("copy", config("posix", "stripe = \"source\"\n"), "/");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("stripe = \"source\"").contains("'panda'").contains("posix");
        assertThat(dst).isEmptyDirectory();
    }

    @Test
    void mdsSpreadsTheTopLevelDirectoriesOfTheJobByNameHash() throws IOException {
        List<String> names = List.of("alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi");
        for (String n : names) {
            Fx.write(src.resolve("home/" + n + "/deeper/file"), n);
        }
        Fx.write(src.resolve("home/top-file"), "f");
        Path cfg = config("posix", "mds = 4\n");

        Pdm.Result r = pdm("copy", cfg, "/home");

        assertThat(r.exit()).as(r.toString()).isZero();
        List<FakeLfs.Call> mkdirs = lfs.calls("mkdir");
        assertThat(mkdirs).as("one lfs mkdir per top-level directory of PATH, none deeper").hasSize(names.size());
        assertThat(mkdirs).allSatisfy(c -> assertThat(c.argv()).hasSize(4).startsWith("mkdir", "-i"));
        for (String n : names) {
            int want = LustreTarget.mdtOf(n.getBytes(StandardCharsets.UTF_8), 4);
            assertThat(lfs.record(dst.resolve("home/" + n)).get("mdt").asInt()).as(n).isEqualTo(want);
            assertThat(lfs.record(dst.resolve("home/" + n + "/deeper")).has("mdt")).isFalse();
        }
        assertThat(names.stream().map(n -> LustreTarget.mdtOf(n.getBytes(StandardCharsets.UTF_8), 4)).distinct().count())
                .as("the names land on several MDTs").isGreaterThan(2);
        assertThat(lfs.record(dst.resolve("home")).has("mdt")).as("PATH itself is not spread").isFalse();
        TreeComparer.assertSameTree(src.resolve("home"), dst.resolve("home"));
        assertThat(pdm("verify", cfg, "/home").exit()).isZero();

        lfs.setRecord(dst.resolve("home/alice"), "mdt", JsonNodeFactory.instance.numberNode(
                (LustreTarget.mdtOf("alice".getBytes(StandardCharsets.UTF_8), 4) + 1) % 4));
        Pdm.Result differs = pdm("verify", cfg, "/home");
        assertThat(differs.exit()).isEqualTo(1);
        assertThat(differs.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/home/alice");
            assertThat(f.error()).contains("MDT index");
        });
    }

    @Test
    void anLfsFailureFailsThatEntryWithLfsMessageAndNothingElse() throws IOException {
        Fx.write(src.resolve("ok"), Fx.random(2_000, 1));
        Fx.write(src.resolve("refused"), Fx.random(10_000, 2));
        Fx.write(src.resolve("small"), "s");
        Fx.write(src.resolve("dir/inside"), "i");
        Path cfg = config("posix", SMALL_THRESHOLDS + "mds = 2\n");
        lfs.failWhen("-c 3");

        Pdm.Result r = pdm("copy", cfg, "/");

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/refused");
            assertThat(f.error()).contains("lfs setstripe failed").contains("No space left on device");
        });
        assertThat(dst.resolve("refused")).doesNotExist();
        assertThat(dst.resolve("ok")).hasBinaryContent(Files.readAllBytes(src.resolve("ok")));
        assertThat(dst.resolve("dir/inside")).hasContent("i");
        try (Stream<Path> s = Files.list(dst)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pdm-tmp-"));
        }

        lfs.failWhen("mkdir");
        Fx.write(src.resolve("newdir/x"), "x");
        Pdm.Result again = pdm("copy", cfg, "/");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.failures()).extracting(Pdm.Failure::path).containsExactlyInAnyOrder("/newdir");
        assertThat(again.failures().get(0).error()).contains("lfs mkdir failed").contains("No space left on device");
        assertThat(dst.resolve("refused")).as("the file lfs refused before is copied now").exists();
        try (Stream<Path> s = Files.list(dst)) {
            assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pdm-tmp-"));
        }
    }

    @Test
    void aLustreTargetWithoutAWorkingLfsIsRefusedAtStart() throws IOException {
        Fx.write(src.resolve("sub/f"), "x");
        Path cfg = Files.writeString(tmp.resolve("config.toml"), "[datasource.panda]\ntype = \"posix\"\npath = '" + src
                + "'\n[datasource.badger]\ntype = \"lustre\"\npath = '" + dst + "'\nwrite = true\n"
                + "lfs_path = '/nonexistent/lfs'\n");

        Pdm.Result missing = pdm("copy", cfg, "/sub");

        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("'badger'").contains("lfs").contains("/nonexistent/lfs");
        assertThat(dst).isEmptyDirectory();

        Path broken = tmp.resolve("broken-lfs");
        Files.writeString(broken, "#!/bin/sh\necho \"lfs: $3 is not on a Lustre filesystem\" >&2\nexit 1\n");
        broken.toFile().setExecutable(true);
        Files.writeString(cfg, Files.readString(cfg).replace("/nonexistent/lfs", broken.toString()));
        Pdm.Result notLustre = pdm("verify", cfg, "/sub");
        assertThat(notLustre.exit()).isEqualTo(2);
        assertThat(notLustre.err()).contains("is not on a Lustre filesystem");
        assertThat(dst).isEmptyDirectory();
    }
}

package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.lustre.LustreTarget;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.FakeLfs;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * A Lustre target in distributed mode: real worker processes on the real broker place files
 * and top-level directories through the recording stand-in lfs exactly as embedded mode does,
 * every worker choosing the same MDT for the same name, and a refused lfs call is one failed
 * file in the job's summary.
 */
class LustreDistributedIT {
    private static final List<String> USERS = List.of("ann", "ben", "cat", "dan", "eve", "fay");

    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void workersPlaceFilesAndDirectoriesAsThePolicySays() throws Exception {
        FakeLfs lfs = FakeLfs.install(tmp);
        String keys = """
                type = "lustre"
                lfs_path = "%s"
                stripe_thresholds = { "1K" = 2, "8K" = 3, "64K" = 4 }
                mds = 3
                """.formatted(lfs.script);
        try (Cluster c = new Cluster(tmp.resolve("c"), "files_per_task = 2", false, null, keys)) {
            for (String u : USERS) {
                Fx.write(c.src.resolve(u + "/small"), "s");
                Fx.write(c.src.resolve(u + "/two"), Fx.random(2_000, u.hashCode()));
                Fx.write(c.src.resolve(u + "/sub/three"), Fx.random(10_000, u.hashCode() + 1));
                Fx.write(c.src.resolve(u + "/sub/four"), Fx.random(100_000, u.hashCode() + 2));
            }
            c.startConnectedWorkers(2);

            Cluster.Run r = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            Map<String, FakeLfs.Call> made = createdBy(lfs, c.dst);
            assertThat(made).hasSize(3 * USERS.size());
            Set<Long> workers = c.workers().stream().map(Process::pid).collect(Collectors.toSet());
            for (String u : USERS) {
                assertThat(made.get(u + "/two").argv()).startsWith("setstripe", "-c", "2");
                assertThat(made.get(u + "/sub/three").argv()).startsWith("setstripe", "-c", "3");
                assertThat(made.get(u + "/sub/four").argv()).startsWith("setstripe", "-c", "4");
                assertThat(lfs.record(c.dst.resolve(u)).get("mdt").asInt()).as(u)
                        .isEqualTo(LustreTarget.mdtOf(u.getBytes(StandardCharsets.UTF_8), 3));
                assertThat(lfs.record(c.dst.resolve(u + "/sub")).has("mdt")).isFalse();
            }
            assertThat(lfs.calls("setstripe")).allSatisfy(call -> assertThat(workers)
                    .as("lfs was run by a worker, through its own descriptors")
                    .contains(Long.parseLong(call.argv().get(3).split("/")[2])));
            assertThat(lfs.calls("mkdir")).hasSize(USERS.size());

            Cluster.Run verify = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();

            lfs.setRecord(c.dst.resolve("ben/sub/four"), "layout", JsonNodeFactory.instance.arrayNode()
                    .add(JsonNodeFactory.instance.objectNode().put("count", 1).put("size", 1048576)));
            Cluster.Run differs = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(differs.exit()).isEqualTo(1);
            assertThat(differs.json().path("failures").toString()).contains("/ben/sub/four")
                    .contains("layout (stripe count 1, policy: 4)");

            lfs.failWhen("-c 4");
            Fx.write(c.src.resolve("ann/new-big"), Fx.random(70_000, 9));
            Fx.write(c.src.resolve("ann/new-mid"), Fx.random(9_000, 10));
            Cluster.Run failed = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(failed.exit()).as(failed.stderr()).isEqualTo(1);
            assertThat(failed.json().path("files_failed").asLong()).isEqualTo(1);
            assertThat(failed.json().path("failures").toString()).contains("/ann/new-big")
                    .contains("No space left on device");
            assertThat(c.dst.resolve("ann/new-mid")).exists();
            assertThat(c.dst.resolve("ann/new-big")).doesNotExist();
            try (Stream<Path> s = Files.list(c.dst.resolve("ann"))) {
                assertThat(s.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pdm-tmp-"));
            }
        }
    }

    @Test
    void workersKeepTheSourcesLayouts() throws Exception {
        FakeLfs lfs = FakeLfs.install(tmp);
        String lustre = "type = \"lustre\"\nlfs_path = \"" + lfs.script + "\"";
        try (Cluster c = new Cluster(tmp.resolve("c"), "files_per_task = 2", false, null, lustre,
                lustre + "\nstripe = \"source\"")) {
            for (String u : USERS) {
                Path dir = Files.createDirectories(c.src.resolve(u + "/wide"));
                lfs.run("setstripe", "-c", "6", "-S", "8M", dir.toString());
                Path f = dir.resolve("data");
                lfs.run("setstripe", "-E", "4M", "-c", "1", "-E", "-1", "-c", Integer.toString(u.length() + 2), "-p",
                        "flash", f.toString());
                Files.write(f, Fx.random(4_000, u.hashCode()), java.nio.file.StandardOpenOption.APPEND);
                Fx.write(c.src.resolve(u + "/plain"), u);
            }
            c.startConnectedWorkers(2);

            Cluster.Run r = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(r.exit()).as(r.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            for (String u : USERS) {
                assertThat(lfs.record(c.dst.resolve(u + "/wide/data")).get("layout"))
                        .isEqualTo(lfs.record(c.src.resolve(u + "/wide/data")).get("layout")).hasSize(2);
                assertThat(lfs.record(c.dst.resolve(u + "/wide")).get("default"))
                        .isEqualTo(lfs.record(c.src.resolve(u + "/wide")).get("default"));
            }
            assertThat(createdBy(lfs, c.dst)).hasSize(2 * USERS.size())
                    .allSatisfy((name, call) -> assertThat(call.argv().get(1)).startsWith("--copy=/proc/"));
            Cluster.Run verify = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();
        }
    }

    /** Each setstripe that created a file, by the name that file has now in the target. */
    private static Map<String, FakeLfs.Call> createdBy(FakeLfs lfs, Path dst) throws IOException {
        Map<Long, FakeLfs.Call> byIno = new HashMap<>();
        for (FakeLfs.Call call : lfs.calls("setstripe")) {
            if (call.createdIno() != null) {
                byIno.put(call.createdIno(), call);
            }
        }
        Map<String, FakeLfs.Call> out = new HashMap<>();
        try (Stream<Path> s = Files.walk(dst)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                FakeLfs.Call call = byIno.get(FakeLfs.ino(p));
                if (call != null) {
                    out.put(dst.relativize(p).toString(), call);
                }
            }
        }
        return out;
    }
}

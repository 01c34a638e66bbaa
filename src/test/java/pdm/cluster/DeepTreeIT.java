package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.DeepTree;

/**
 * A tree deeper than PATH_MAX ({@link DeepTree}) in distributed mode: task messages carry
 * relative paths of about 10,400 bytes, and the workers open them in pieces as the embedded
 * engine does.
 */
class DeepTreeIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void workersCopySyncAndVerifyATreeDeeperThanPathMax() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Files.delete(c.src);
            DeepTree.build(c.src);
            c.startConnectedWorkers(2);

            Cluster.Run copy = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(copy.exit()).as(copy.stderr()).isZero();
            assertThat(copy.json().path("files_copied").asLong()).isEqualTo(4);
            assertThat(DeepTree.snapshot(c.dst)).isEqualTo(DeepTree.snapshot(c.src));

            DeepTree.change(c.src);
            Cluster.Run sync = c.run("sync", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(sync.exit()).as(sync.stderr()).isZero();
            assertThat(sync.json().path("files_removed").asLong()).isEqualTo(2);
            assertThat(DeepTree.snapshot(c.dst)).isEqualTo(DeepTree.snapshot(c.src));

            Cluster.Run verify = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();
        } finally {
            DeepTree.remove(tmp.resolve("src"));
            DeepTree.remove(tmp.resolve("dst"));
        }
    }
}

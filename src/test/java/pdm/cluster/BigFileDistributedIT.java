package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.TreeComparer;

/**
 * Distributed mode today: the job's --split-size and --chunk-size travel to the worker, which
 * copies and verifies a big file as ranges on its own threads; the copy is exact, holes kept,
 * and verify by ranges finds one byte changed in the last range.
 */
class BigFileDistributedIT {
    private static final int CHUNK = 256 << 10;

    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void aWorkerCopiesAndVerifiesABigFileAsRanges() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("d/big"), Fx.random(9 * CHUNK + 333, 1));
            Fx.mkdirs(c.src.resolve("d"));
            try (RandomAccessFile f = new RandomAccessFile(c.src.resolve("d/sparse").toFile(), "rw")) {
                f.seek(5L * CHUNK + 10);
                f.write(Fx.random(5000, 2));
                f.setLength(12L * CHUNK);
            }
            Fx.write(c.src.resolve("small"), "small");
            c.startWorker();
            c.awaitConnected(1);
            String[] split = {"--split-size", "1M", "--chunk-size", "256K", "--wait", "--json"};

            Cluster.Run copy = c.run(args("copy", c, split));
            assertThat(copy.exit()).as(copy.stderr()).isZero();
            TreeComparer.assertSameTree(c.src, c.dst);
            assertThat(TreeComparer.dataExtents(c.dst.resolve("d/sparse")))
                    .isEqualTo(TreeComparer.dataExtents(c.src.resolve("d/sparse")));
            Cluster.Run same = c.run(args("verify", c, split));
            assertThat(same.exit()).as(same.stdout()).isZero();

            Path t = c.dst.resolve("d/big");
            long mtime = Fx.mtime(t);
            try (RandomAccessFile f = new RandomAccessFile(t.toFile(), "rw")) {
                f.seek(9L * CHUNK + 100);
                f.write(f.read() ^ 1);
            }
            Fx.mtime(t, mtime);
            Cluster.Run differs = c.run(args("verify", c, split));
            assertThat(differs.exit()).as(differs.stdout()).isEqualTo(1);
            assertThat(differs.stdout()).contains("/d/big").contains("differs: content");
        }
    }

    private static String[] args(String command, Cluster c, String... more) {
        String[] out = new String[4 + more.length];
        out[0] = command;
        out[1] = c.srcName;
        out[2] = c.tgtName;
        out[3] = "/";
        System.arraycopy(more, 0, out, 4, more.length);
        return out;
    }
}

package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;

/**
 * One big file verified by ranges on several worker processes (docs/distributed-design.md, "Big
 * files across workers"): two workers on two hosts share its verify range tasks; an identical
 * file is reported identical (exit 0), and one with one byte changed in one range is reported as
 * one difference naming that byte, whatever the number of ranges.
 */
class BigFileVerifyAcrossWorkersIT {
    private static final int CHUNK = 256 << 10;
    private static final String[] SPLIT = {"--split-size", "1M", "--chunk-size", "256K", "--wait", "--json"};

    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
    }

    @Test
    void twoWorkersOnTwoHostsVerifyOneFilesRangesAndReportOneDifferenceNamingItsByte() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Fx.write(c.src.resolve("d/big"), Fx.random(40 * CHUNK + 777, 7));
            c.startWorkerOnHost("pdm-vbig-1");
            c.startWorkerOnHost("pdm-vbig-2");
            c.awaitConnected(1);
            c.awaitConnected(2);
            Cluster.Run copy = finish(c, c.start(args("copy", c, SPLIT)));
            assertThat(copy.exit()).as(copy.stderr()).isZero();

            Instant start = Instant.now().minusSeconds(5);
            Cluster.Run same = finish(c, c.start(args("verify", c, SPLIT)));

            assertThat(same.exit()).as(same.stdout()).isZero();
            assertThat(same.json().path("files_skipped").asLong()).as(same.stdout()).isEqualTo(1);
            assertThat(same.json().path("bytes").asLong()).as("each byte compared, once").isEqualTo(40 * CHUNK + 777);
            assertThat(RangeHosts.of(same.json().path("job").asText(), start)).containsExactly("pdm-vbig-1", "pdm-vbig-2");

            // one byte changed in range 17 of 41, the target's mtime put back: only the content differs
            Path big = c.dst.resolve("d/big");
            FileTime mtime = Files.getLastModifiedTime(big);
            long at = 17L * CHUNK + 4321;
            try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
                f.seek(at);
                int b = f.read();
                f.seek(at);
                f.write(b ^ 0x5a);
            }
            Files.setLastModifiedTime(big, mtime);
            start = Instant.now().minusSeconds(5);
            Cluster.Run differs = finish(c, c.start(args("verify", c, SPLIT)));

            assertThat(differs.exit()).as(differs.stdout()).isEqualTo(1);
            String out = differs.stdout();
            assertThat(out).contains("d/big").contains("content (first difference at byte " + at + ")");
            assertThat(out.split("first difference", -1)).as(out).hasSize(2); // once, not once per range
            assertThat(differs.json().path("differences").asLong()).as(out).isEqualTo(1);
            assertThat(differs.json().path("files_skipped").asLong()).as(out).isZero();
            assertThat(differs.json().path("files_failed").asLong()).as(out).isZero();
            assertThat(RangeHosts.of(differs.json().path("job").asText(), start))
                    .containsExactly("pdm-vbig-1", "pdm-vbig-2");
        }
    }

    private static Cluster.Run finish(Cluster c, Process p) throws Exception {
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("the job ends").isTrue();
        return new Cluster.Run(p.exitValue(), c.stdout(p), c.stderr(p));
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

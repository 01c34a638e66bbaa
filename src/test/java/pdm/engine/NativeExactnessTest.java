package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * Exactness the JDK alone could not give (issue 9): nanosecond times on symlinks, fifos and
 * devices; holes exactly where the source has them, a trailing hole included, and written
 * zeros kept written. The whole tree is compared (type, mode, owner, ns times of every type,
 * data extents by SEEK_DATA, xattrs, link groups).
 */
class NativeExactnessTest {
    private static final long NS = 1_700_000_000_123_456_789L;

    @TempDir
    Path tmp;

    @Test
    void nanosecondTimesOnEveryTypeAndExactHoles() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.mkdirs(src);
        Path link = Files.createSymbolicLink(src.resolve("link"), Path.of("somewhere/else"));
        Fx.fifo(src.resolve("fifo"), 0640);
        Fx.charDevice(src.resolve("dev"), 0600, 1, 3);
        Path trailing = Files.write(src.resolve("trailing-hole"), new byte[]{1, 2, 3});
        try (RandomAccessFile f = new RandomAccessFile(trailing.toFile(), "rw")) {
            f.setLength(131073); // truncate -s 131073
        }
        Path zeros = src.resolve("written-zeros");
        try (RandomAccessFile f = new RandomAccessFile(zeros.toFile(), "rw")) {
            f.write(new byte[1 << 20]);
            f.seek(4L << 20);
            f.write(9);
        }
        for (Path p : new Path[]{link, src.resolve("fifo"), src.resolve("dev"), trailing, zeros}) {
            Fx.mtime(p, NS + p.getFileName().toString().length());
        }
        Fx.mtime(src, NS);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        for (String n : new String[]{"link", "fifo", "dev"}) {
            assertThat(Fx.mtime(dst.resolve(n))).as("mtime of " + n + " to the ns").isEqualTo(NS + n.length());
        }
        assertThat(Fx.allocatedBlocks(dst.resolve("trailing-hole"))).isEqualTo(Fx.allocatedBlocks(trailing));
        assertThat(TreeComparer.dataExtents(dst.resolve("written-zeros"))).startsWith("[0-")
                .isEqualTo(TreeComparer.dataExtents(zeros));
        TreeComparer.assertSameTree(src, dst);
        Pdm.Result again = Pdm.json("copy", src, dst);
        assertThat(again.count("files_copied")).as("nothing differs any more, to the ns").isZero();
        assertThat(again.count("meta_fixed")).isZero();
    }

    /** rsync -aH keeps hard links among fifos, devices and symlinks; so does pdm, and verify checks them. */
    @Test
    void hardLinksAmongFifosDevicesAndSymlinksAreKept() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.mkdirs(src.resolve("a"));
        Fx.mkdirs(src.resolve("b"));
        Fx.fifo(src.resolve("a/fifo"), 0640);
        Files.createLink(src.resolve("b/fifo-too"), src.resolve("a/fifo"));
        Fx.charDevice(src.resolve("a/dev"), 0600, 1, 3);
        Files.createLink(src.resolve("b/dev-too"), src.resolve("a/dev"));
        Files.createSymbolicLink(src.resolve("a/link"), Path.of("../b"));
        linkSymlink(src.resolve("a/link"), src.resolve("b/link-too"));

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Fx.inode(dst.resolve("b/fifo-too"))).isEqualTo(Fx.inode(dst.resolve("a/fifo")));
        assertThat(Fx.inode(dst.resolve("b/dev-too"))).isEqualTo(Fx.inode(dst.resolve("a/dev")));
        assertThat(Fx.inode(dst.resolve("b/link-too"))).isEqualTo(Fx.inode(dst.resolve("a/link")));
        TreeComparer.assertSameTree(src, dst);
        assertThat(Pdm.json("verify", src, dst).exit()).isZero();
        assertThat(Pdm.json("copy", src, dst).count("files_copied")).as("a second pass finds them linked").isZero();

        // a split link group is what verify reports, and what copy joins again
        Files.delete(dst.resolve("b/fifo-too"));
        Fx.fifo(dst.resolve("b/fifo-too"), 0640);
        Fx.mtime(dst.resolve("b/fifo-too"), Fx.mtime(src.resolve("a/fifo")));
        Pdm.Result verify = Pdm.json("verify", src, dst);
        assertThat(verify.exit()).isEqualTo(1);
        assertThat(verify.out()).contains("hard links");
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        assertThat(Fx.inode(dst.resolve("b/fifo-too"))).isEqualTo(Fx.inode(dst.resolve("a/fifo")));
    }

    /** link(2) of a symlink itself (Files.createLink would follow it). */
    private static void linkSymlink(Path existing, Path link) throws IOException {
        pdm.fs.linux.Sys.linkat(pdm.fs.linux.Sys.ARCH.atFdcwd(), pdm.fs.linux.NameBytes.bytes(existing.toAbsolutePath()),
                pdm.fs.linux.Sys.ARCH.atFdcwd(), pdm.fs.linux.NameBytes.bytes(link.toAbsolutePath()));
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/** Repeated copy passes copy only what changed; metadata-only changes never recopy data; --checksum. */
class IncrementalCopyTest {
    @TempDir
    Path tmp;
    Path src;
    Path dst;

    @BeforeEach
    void firstPass() throws IOException {
        src = tmp.resolve("src");
        dst = tmp.resolve("dst");
        RichTree.build(src, false);
        Pdm.Result first = Pdm.json("copy", src, dst);
        assertThat(first.exit()).as(first.toString()).isZero();
        assertThat(first.count("files_copied")).isGreaterThan(40);
    }

    @Test
    void secondCopyOfUnchangedTreeCopiesAndFixesNothing() throws IOException {
        var before = TreeComparer.snapshot(dst, true);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isZero();
        assertThat(r.count("meta_fixed")).isZero();
        assertThat(r.count("bytes")).isZero();
        assertThat(r.count("files_skipped")).isGreaterThan(40);
        assertThat(TreeComparer.snapshot(dst, true)).as("target untouched, inodes and ctimes included").isEqualTo(before);
    }

    @Test
    void modeChangeIsFixedWithoutCopyingData() throws IOException {
        Path s = src.resolve("a/file.txt");
        Path t = dst.resolve("a/file.txt");
        long ino = Fx.inode(t);
        Fx.chmod(s, 04750);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isZero();
        assertThat(r.count("meta_fixed")).isGreaterThanOrEqualTo(1);
        assertThat(Fx.inode(t)).as("same inode: data not rewritten").isEqualTo(ino);
        assertThat(Fx.mode(t)).isEqualTo(04750);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void ownerChangeIsFixedWithoutCopyingData() throws IOException {
        Path s = src.resolve("sizes/s65536");
        Path t = dst.resolve("sizes/s65536");
        long ino = Fx.inode(t);
        Fx.chown(s, 4242, 4343);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isZero();
        assertThat(r.count("meta_fixed")).isGreaterThanOrEqualTo(1);
        assertThat(Fx.inode(t)).isEqualTo(ino);
        assertThat(Fx.uid(t)).isEqualTo(4242);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void targetDriftInModeIsRepairedToo() throws IOException {
        Path t = dst.resolve("modes/setuid-prog");
        long ino = Fx.inode(t);
        Fx.chmod(t, 0755);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.count("files_copied")).isZero();
        assertThat(Fx.inode(t)).isEqualTo(ino);
        assertThat(Fx.mode(t)).isEqualTo(04755);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void changedContentAndMtimeIsCopied() throws IOException {
        Path s = src.resolve("a/b/c/nested.txt");
        long dirTime = Fx.mtime(s.getParent());
        Files.writeString(s, "changed, and longer than before\n");
        Fx.mtime(s, 1_700_000_000_000_000_001L);
        Fx.mtime(s.getParent(), dirTime);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("files_copied")).isEqualTo(1);
        assertThat(r.count("bytes")).isEqualTo(Files.size(s));
        assertThat(Files.readString(dst.resolve("a/b/c/nested.txt"))).isEqualTo("changed, and longer than before\n");
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void hardLinkBrokenOnSourceIsBrokenOnTargetToo() throws IOException {
        // the user replaces one name of a hard-linked pair by a copy: same content and mtime, own mode
        Path y = src.resolve("hard/one/h1-again");
        long m = Fx.mtime(y);
        long dm = Fx.mtime(y.getParent());
        Files.delete(y);
        Files.writeString(y, "shared inode\n");
        Fx.chmod(y, 0600);
        Fx.mtime(y, m);
        Fx.mtime(y.getParent(), dm);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Fx.inode(dst.resolve("hard/one/h1-again"))).isNotEqualTo(Fx.inode(dst.resolve("hard/one/h1")));
        assertThat(Fx.mode(dst.resolve("hard/one/h1"))).as("the other name keeps its own mode").isEqualTo(0644);
        TreeComparer.assertSameTree(src, dst);
        assertThat(Pdm.json("copy", src, dst).count("meta_fixed")).as("converged").isZero();
    }

    @Test
    void filesHardLinkedOnSourceSinceLastPassAreLinkedOnTarget() throws IOException {
        Path a = src.resolve("sizes/s4096");
        Path b = src.resolve("sizes/s4097");
        long dm = Fx.mtime(a.getParent());
        Files.delete(b);
        Files.createLink(b, a);
        Fx.mtime(a.getParent(), dm);

        Pdm.Result r = Pdm.json("copy", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(Fx.inode(dst.resolve("sizes/s4097"))).isEqualTo(Fx.inode(dst.resolve("sizes/s4096")));
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void checksumRecopiesContentChangedBehindSameSizeAndMtime() throws IOException {
        Path s = src.resolve("a/file.txt");
        Path t = dst.resolve("a/file.txt");
        long m = Fx.mtime(s);
        Files.writeString(s, "HELLO\n"); // same size
        Fx.mtime(s, m);

        Pdm.Result plain = Pdm.json("copy", src, dst);
        assertThat(plain.exit()).as(plain.toString()).isZero();
        assertThat(plain.count("files_copied")).as("size and mtime match: a plain copy trusts them").isZero();
        assertThat(Files.readString(t)).isEqualTo("hello\n");

        Pdm.Result sum = Pdm.json("copy", src, dst, "--checksum");
        assertThat(sum.exit()).as(sum.toString()).isZero();
        assertThat(sum.count("files_copied")).isEqualTo(1);
        assertThat(Files.readString(t)).isEqualTo("HELLO\n");
        TreeComparer.assertSameTree(src, dst);

        Pdm.Result again = Pdm.json("copy", src, dst, "--checksum");
        assertThat(again.count("files_copied")).as("equal content is not recopied with --checksum").isZero();
    }
}

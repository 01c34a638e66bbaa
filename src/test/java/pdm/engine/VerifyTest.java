package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.RichTree;
import pdm.testkit.TreeComparer;

/** verify: exit 0 on an exact copy; every difference listed with its path, exit 1; nothing changed. */
class VerifyTest {
    @TempDir
    Path tmp;
    Path src;
    Path dst;

    @BeforeEach
    void exactCopy() throws IOException {
        src = tmp.resolve("src");
        dst = tmp.resolve("dst");
        RichTree.build(src, false);
        Pdm.Result r = Pdm.json("copy", src, dst);
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    @Test
    void exactCopyVerifies() throws IOException {
        var before = TreeComparer.snapshot(dst, true);

        Pdm.Result r = Pdm.json("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(r.count("differences")).isZero();
        assertThat(r.failures()).isEmpty();
        assertThat(TreeComparer.snapshot(dst, true)).as("verify changes nothing").isEqualTo(before);
    }

    @Test
    void eachDifferenceIsSaidOnceInVerifysWords() throws IOException {
        Path t = dst.resolve("sizes/s4097");
        Fx.mtime(t, Fx.mtime(t) + 1_000_000_000L);

        Pdm.Result r = Pdm.run("verify", src.toString(), dst.toString());

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        String first = r.out().lines().findFirst().orElseThrow();
        assertThat(first).as(r.toString()).contains(" compared: ").contains(" identical, 1 differ, ")
                .doesNotContain("copied").doesNotContain("skipped");
        assertThat(r.out().lines().filter(l -> l.contains("/sizes/s4097"))).as(r.toString())
                .singleElement().asString()
                .matches("  /sizes/s4097: differs: mtime: source \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z, target [0-9T:.-]+Z");
        assertThat(r.err()).as("no WARN line repeats what the summary lists").doesNotContain("s4097");
    }

    @Test
    void changedUserXattrIsADifference() throws IOException {
        Path t = dst.resolve("sizes/s4097");
        long m = Fx.mtime(t);
        Files.getFileAttributeView(t, UserDefinedFileAttributeView.class)
                .write("pdm.test", ByteBuffer.wrap(new byte[]{1, 2, 3}));
        Fx.mtime(t, m);

        Pdm.Result r = Pdm.json("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/sizes/s4097");
            assertThat(f.error()).contains("xattr user.pdm.test");
        });
    }

    @Test
    void oneByteOfContentWithSameSizeAndMtime() throws IOException {
        Path t = dst.resolve("sizes/s4097");
        long m = Fx.mtime(t);
        byte[] b = Files.readAllBytes(t);
        b[2048] ^= 1;
        Files.write(t, b);
        Fx.mtime(t, m);

        Pdm.Result r = Pdm.json("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/sizes/s4097");
            assertThat(f.error()).contains("content");
        });
    }

    @Test
    void modeDifference() throws IOException {
        Fx.chmod(dst.resolve("modes/setuid-prog"), 0755);

        Pdm.Result r = Pdm.json("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/modes/setuid-prog");
            assertThat(f.error()).contains("mode");
        });
    }

    @Test
    void extraAndMissingFilesAndEachIsListed() throws IOException {
        Path dir = dst.resolve("a");
        long dm = Fx.mtime(dir);
        Files.writeString(dir.resolve("extra.txt"), "only on the target");
        Files.delete(dir.resolve("empty"));
        Fx.mtime(dir, dm);
        Path names = dst.resolve("names");
        long nm = Fx.mtime(names);
        Files.delete(Fx.child(names, RichTree.BAD));
        Fx.mtime(names, nm);

        Pdm.Result r = Pdm.json("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.count("differences")).isEqualTo(3);
        assertThat(r.failedPaths()).containsExactlyInAnyOrder("/a/extra.txt", "/a/empty", "/names/bad\\xff\\xfe");
    }

    @Test
    void ownerSymlinkTargetHardLinkAndDirTimeDifferences() throws IOException {
        Fx.chown(dst.resolve("owners/nameless"), 4242, 1);
        Path link = dst.resolve("links/dangling");
        long lm = Fx.mtime(link);
        Path links = link.getParent();
        long dm = Fx.mtime(links);
        Files.delete(link);
        Files.createSymbolicLink(link, Path.of("elsewhere"));
        Fx.mtime(link, lm);
        Fx.mtime(links, dm);
        Path h2 = dst.resolve("hard/two/h2");
        Path two = h2.getParent();
        long hm = Fx.mtime(h2);
        long tm = Fx.mtime(two);
        Files.delete(h2);
        Files.writeString(h2, "shared inode\n");
        Fx.chown(h2, Fx.uid(src.resolve("hard/two/h2")), 0);
        Fx.mtime(h2, hm);
        Fx.mtime(two, tm);
        Path deep = dst.resolve("deep/level-00");
        Fx.mtime(deep, Fx.mtime(deep) + 1);

        Pdm.Result r = Pdm.json("verify", src, dst);

        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.failedPaths()).contains("/owners/nameless", "/links/dangling", "/deep/level-00");
        assertThat(r.failures()).anySatisfy(f -> {
            assertThat(f.path()).startsWith("/hard/");
            assertThat(f.error()).contains("hard links");
        });
    }
}

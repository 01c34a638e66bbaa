package pdm.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparer is what most tests trust, so it is checked itself: a {@code cp -a} copy is
 * identical to it, and each kind of difference it claims to see is seen.
 */
class TreeComparerTest {
    @TempDir
    Path tmp;
    Path src;
    Path dst;

    @BeforeEach
    void copyWithCp() throws IOException {
        src = tmp.resolve("src");
        dst = tmp.resolve("dst");
        RichTree.build(src, false);
        assertThat(TreeComparer.run(List.of("cp", "-a", src.toString(), dst.toString()))).isEmpty();
    }

    @Test
    void cpDashAIsIdentical() throws IOException {
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void seesContentOfSameSizeAndMtime() throws IOException {
        Path f = dst.resolve("a/file.txt");
        long m = Fx.mtime(f);
        Files.writeString(f, "HELLO\n");
        Fx.mtime(f, m);
        assertThat(TreeComparer.differences(src, dst)).singleElement().asString().startsWith("/a/file.txt:").contains("sha256");
    }

    @Test
    void seesModeBitsOwnerGroupAndNanoseconds() throws IOException {
        Fx.chmod(dst.resolve("modes/setuid-prog"), 0755);
        Fx.chown(dst.resolve("owners/nameless"), 4242, 4344);
        Fx.chown(dst.resolve("owners/user1000"), 1001, 1000);
        Path f = dst.resolve("a/empty");
        Fx.mtime(f, Fx.mtime(f) + 1);
        Fx.chmod(dst.resolve("modes/sticky-dir"), 0777);
        Path d = dst.resolve("a/b");
        Fx.mtime(d, Fx.mtime(d) + 1);
        assertThat(TreeComparer.differences(src, dst)).hasSize(6).anySatisfy(s -> assertThat(s).startsWith("/modes/setuid-prog:"))
                .anySatisfy(s -> assertThat(s).startsWith("/owners/nameless:"))
                .anySatisfy(s -> assertThat(s).startsWith("/owners/user1000:"))
                .anySatisfy(s -> assertThat(s).startsWith("/a/empty:"))
                .anySatisfy(s -> assertThat(s).startsWith("/modes/sticky-dir:"))
                .anySatisfy(s -> assertThat(s).startsWith("/a/b:"));
    }

    @Test
    void seesSymlinkTargetsAndTypes() throws IOException {
        Path l = dst.resolve("links/dangling");
        Files.delete(l);
        Files.createSymbolicLink(l, Path.of("no/such/thing2"));
        Path f = dst.resolve("links/relative");
        Files.delete(f);
        Files.copy(dst.resolve("a/file.txt"), f);
        assertThat(TreeComparer.differences(src, dst)).hasSize(3) // the two entries and their dir's mtime
                .anySatisfy(s -> assertThat(s).startsWith("/links/dangling:"))
                .anySatisfy(s -> assertThat(s).startsWith("/links/relative:"));
    }

    @Test
    void seesBrokenHardLinksAndXattrs() throws IOException {
        Path h = dst.resolve("hard/two/h2");
        long m = Fx.mtime(h);
        long dm = Fx.mtime(h.getParent());
        Files.delete(h);
        Files.writeString(h, "shared inode\n");
        Fx.mtime(h, m);
        Fx.mtime(h.getParent(), dm);
        Fx.xattr(dst.resolve("xattr/file"), "user.text", Fx.bytes("other"));
        List<String> d = TreeComparer.differences(src, dst);
        assertThat(d).anySatisfy(s -> assertThat(s).startsWith("/hard/two/h2:").contains("links="));
        assertThat(d).anySatisfy(s -> assertThat(s).startsWith("/xattr/file:").contains("xattrs"));
    }

    @Test
    void seesExtraAndMissingEntriesWithExactNames() throws IOException {
        Files.delete(Fx.child(dst.resolve("names"), RichTree.LATIN1));
        Files.writeString(dst.resolve("names/extra"), "");
        List<String> d = TreeComparer.differences(src, dst);
        assertThat(d).anySatisfy(s -> assertThat(s).startsWith("/names/caf\\xe9: missing"));
        assertThat(d).anySatisfy(s -> assertThat(s).startsWith("/names/extra: only in"));
        assertThat(TreeComparer.rsyncItemize(src, dst)).isNotEmpty();
    }
}

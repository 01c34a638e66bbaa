package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.TreeComparer;

/**
 * A user.* xattr changed on a file or directory whose size, mtime, owner and mode did not
 * change (an xattr write moves no mtime): verify reports it, copy and sync copy it.
 */
class XattrOnlyChangeTest {
    @TempDir
    Path tmp;

    @Test
    void anXattrChangedWithNothingElseIsCopiedAndVerified() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Path file = Fx.write(src.resolve("d/f.txt"), "data");
        Path dirWithXattr = src.resolve("d");
        Fx.xattr(file, "tag", bytes("one"));
        Fx.xattr(dirWithXattr, "project", bytes("alpha"));
        Fx.write(src.resolve("d/plain.txt"), "no xattrs here");
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        long fileMtime = Fx.mtime(file);
        long dirMtime = Fx.mtime(dirWithXattr);

        Fx.xattr(file, "tag", bytes("two"));
        Fx.xattr(dirWithXattr, "project", bytes("beta"));
        assertThat(Fx.mtime(file)).as("an xattr write moves no mtime").isEqualTo(fileMtime);
        assertThat(Fx.mtime(dirWithXattr)).isEqualTo(dirMtime);

        Pdm.Result before = Pdm.json("verify", src, dst);
        assertThat(before.exit()).as(before.toString()).isEqualTo(1);
        assertThat(before.failures()).extracting(Pdm.Failure::path).containsExactlyInAnyOrder("/d", "/d/f.txt");
        assertThat(before.failures()).extracting(Pdm.Failure::error)
                .containsExactlyInAnyOrder("differs: xattr user.project", "differs: xattr user.tag");

        Pdm.Result dry = Pdm.json("copy", src, dst, "-n");
        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.count("meta_fixed")).as("the file and the directory").isEqualTo(2);
        assertThat(copy.count("files_copied")).as("no data copied for an xattr").isZero();
        assertThat(dry.count("meta_fixed")).isEqualTo(2);
        assertThat(read(dst.resolve("d/f.txt"), "tag")).isEqualTo("two");
        assertThat(read(dst.resolve("d"), "project")).isEqualTo("beta");
        assertThat(Pdm.json("verify", src, dst).exit()).isZero();
        TreeComparer.assertSameTree(src, dst);
        assertThat(Pdm.json("copy", src, dst).count("meta_fixed")).as("and then nothing more to do").isZero();
    }

    /**
     * The walk root is no entry of a listed directory, so it has its own path: an ACL or an xattr
     * set on it alone (nothing else changes) is reported by verify and carried by copy.
     */
    @Test
    void theWalkRootsOwnAclAndXattrsAreCopiedAndVerified() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.write(src.resolve("d/f.txt"), "data");
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();

        pdm.testkit.Tools.run("setfacl", "-m", "u:2001:r-x", "-m", "d:g:2002:rx", src.toString());
        Fx.xattr(src, "project", bytes("root"));
        Pdm.Result before = Pdm.json("verify", src, dst);
        assertThat(before.exit()).as(before.toString()).isEqualTo(1);
        assertThat(before.failures()).extracting(Pdm.Failure::path).containsExactly("/");
        assertThat(before.failures().getFirst().error()).contains("user.project").contains("acl");

        Pdm.Result copy = Pdm.json("copy", src, dst);
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.count("meta_fixed")).isEqualTo(1);
        assertThat(read(dst, "project")).isEqualTo("root");
        assertThat(pdm.testkit.Tools.run("getfacl", "-n", "-p", dst.toString()).replace(dst.toString(), "X"))
                .isEqualTo(pdm.testkit.Tools.run("getfacl", "-n", "-p", src.toString()).replace(src.toString(), "X"));
        assertThat(Pdm.json("verify", src, dst).exit()).isZero();
        assertThat(pdm.testkit.Tools.run("rsync", "-naiHAX", src + "/", dst + "/")).isEmpty();
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String read(Path p, String name) throws IOException {
        UserDefinedFileAttributeView v = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class);
        ByteBuffer b = ByteBuffer.allocate(v.size(name)); // (the JDK's view is the user. namespace)
        v.read(name, b);
        return new String(b.array(), StandardCharsets.UTF_8);
    }
}

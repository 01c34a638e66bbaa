package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Tools;
import pdm.testkit.TreeComparer;

/**
 * Empty files are copied without opening the source where it has nothing beyond owner, mode and
 * times (EmptySource); those that have more, and a target directory whose new files inherit an
 * ACL, still come out exactly as the source.
 */
class EmptyFilesTest {
    @TempDir
    Path tmp;

    @Test
    void emptyFilesWithAndWithoutAttributesAreCopiedExactly() throws IOException {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        for (int i = 0; i < 50; i++) {
            Fx.write(src.resolve("d/e" + i), new byte[0]);
            Fx.chmod(src.resolve("d/e" + i), i % 2 == 0 ? 0640 : 0755);
            Fx.mtime(src.resolve("d/e" + i), 1_600_000_000_123_456_789L + i);
        }
        Fx.xattr(src.resolve("d/e3"), "tag", Fx.bytes("three"));
        Fx.write(src.resolve("d/data"), "some data");
        boolean chattr = Tools.root() && Tools.has("chattr");
        if (chattr) {
            Tools.run("chattr", "+d", src.resolve("d/e4").toString());
        }

        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.count("files_copied")).isEqualTo(51);
        TreeComparer.assertSameTree(src, dst);
        assertThat(Files.size(dst.resolve("d/e7"))).isZero();
        assertThat(Tools.run("getfattr", "-n", "user.tag", "--only-values", dst.resolve("d/e3").toString()))
                .isEqualTo("three");
        if (chattr) {
            assertThat(Tools.run("lsattr", "-d", dst.resolve("d/e4").toString())).contains("d");
        }
        Pdm.Result verify = Pdm.json("verify", src, dst);
        assertThat(verify.exit()).as(verify.toString()).isZero();
    }

    @Test
    void anAclNewFilesInheritOnTheTargetIsRemovedWhereTheSourceHasNone() throws IOException {
        assumeTrue(Tools.has("setfacl"), "setfacl");
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        // The source directory's default ACL goes to the target's first, so new files there
        // inherit an access ACL that the source files (stripped with setfacl -b) do not have.
        Files.createDirectories(src.resolve("d"));
        Tools.run("setfacl", "-d", "-m", "u:nobody:rw", src.resolve("d").toString());
        for (int i = 0; i < 5; i++) {
            Fx.write(src.resolve("d/e" + i), new byte[0]);
            Tools.run("setfacl", "-b", src.resolve("d/e" + i).toString());
        }
        assertThat(Tools.run("getfacl", "-c", "-n", src.resolve("d/e0").toString())).doesNotContain("user:65534");

        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        for (int i = 0; i < 5; i++) {
            assertThat(Tools.run("getfacl", "-c", "-n", dst.resolve("d/e" + i).toString()))
                    .as("e" + i).doesNotContain("user:65534");
        }
        Pdm.Result verify = Pdm.json("verify", src, dst);
        assertThat(verify.exit()).as(verify.toString()).isZero();
    }
}

package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Tools;

/** Reading, comparing and writing attributes of real files, made and read back by the admin's tools. */
class AttrsTest {
    @TempDir
    Path tmp;

    private Attrs copy(AttrPolicy p) throws IOException {
        FsRoot root = new FsRoot("t", tmp, true);
        try (Dir d = root.open(Names.ROOT); FileHandle a = d.openRead(Path.of("a")); FileHandle b = d.openRead(Path.of("b"))) {
            Attrs s = Attrs.read(a, p, true);
            Attrs t = Attrs.read(b, p, true);
            Attrs.writeXattrs(b, s, t);
            Attrs.writeFlags(b, s, Attrs.read(b, p, true), "b");
            return s;
        }
    }

    @Test
    void lustresOwnNamesOnTheTargetAreLeftAloneAndTheRestMadeTheSources() throws IOException {
        assumeTrue(Tools.root(), "trusted.* needs root");
        Path a = Files.writeString(tmp.resolve("a"), "a");
        Path b = Files.writeString(tmp.resolve("b"), "b");
        Tools.run("setfattr", "-n", "trusted.t", "-v", "1", a.toString());
        Tools.run("setfattr", "-n", "trusted.lov", "-v", "0x0bd10bd0", b.toString());
        Tools.run("setfattr", "-n", "user.extra", "-v", "x", b.toString());

        Attrs s = copy(AttrPolicy.ALL);

        String after = Tools.run("getfattr", "-d", "-m", "-", b.toString());
        assertThat(after).contains("trusted.t=\"1\"").contains("trusted.lov").doesNotContain("user.extra");
        assertThat(s.skipped()).isZero();
    }

    @Test
    void aCapabilityIsSetAfterTheAclAndBothAreKept() throws IOException {
        assumeTrue(Tools.root() && Tools.has("setcap"), "capabilities need root and setcap");
        Path a = Files.writeString(tmp.resolve("a"), "a");
        Files.writeString(tmp.resolve("b"), "b");
        Tools.run("setfacl", "-m", "u:nobody:rw", a.toString());
        Tools.run("setcap", "cap_net_raw+ep", a.toString());

        copy(AttrPolicy.ALL);

        assertThat(Tools.run("getcap", tmp.resolve("b").toString())).contains("cap_net_raw=ep");
        assertThat(Tools.run("getfacl", "-n", "-p", tmp.resolve("b").toString())).contains("user:65534:rw-");
    }

    @Test
    void aScopeLeavesOutAndCountsWhatItDrops() throws IOException {
        assumeTrue(Tools.root(), "trusted.* needs root");
        Path a = Files.writeString(tmp.resolve("a"), "a");
        Files.writeString(tmp.resolve("b"), "b");
        Tools.run("setfattr", "-n", "trusted.t", "-v", "1", a.toString());
        Tools.run("setfattr", "-n", "user.u", "-v", "1", a.toString());
        Tools.run("setfacl", "-m", "u:nobody:rw", a.toString());

        Attrs s = copy(new AttrPolicy(XattrScope.USER, false, true));

        assertThat(s.skipped()).as("trusted.t and the ACL").isEqualTo(2);
        assertThat(Tools.run("getfattr", "-d", "-m", "-", tmp.resolve("b").toString())).contains("user.u")
                .doesNotContain("trusted.t").doesNotContain("posix_acl");
    }

    @Test
    void differencesAreNamedAsVerifyListsThem() throws IOException {
        assumeTrue(Tools.root() && Tools.has("setcap"), "capabilities need root and setcap");
        Path a = Files.writeString(tmp.resolve("a"), "a");
        Files.writeString(tmp.resolve("b"), "b");
        Tools.run("setfacl", "-m", "u:nobody:rw", a.toString());
        Tools.run("setcap", "cap_net_raw+ep", a.toString());
        Tools.run("chattr", "+d", a.toString());
        FsRoot root = new FsRoot("t", tmp, true);
        try (Dir d = root.open(Names.ROOT); FileHandle fa = d.openRead(Path.of("a")); FileHandle fb = d.openRead(Path.of("b"))) {
            assertThat(Attrs.read(fa, AttrPolicy.ALL, true).differences(Attrs.read(fb, AttrPolicy.ALL, true), false))
                    .containsExactly("acl", "xattr security.capability", "flags +d");
        }
    }

    @Test
    void aSourceFilesFlagsReadInOneIoctlAreTheSameAsReadInTwo() throws IOException {
        assumeTrue(Tools.root() && Tools.has("chattr"), "chattr +i needs root");
        Path a = Files.writeString(tmp.resolve("a"), "a");
        Files.writeString(tmp.resolve("plain"), "p");
        Tools.run("chattr", "+d", "+A", "+S", "+a", a.toString());
        try {
            FsRoot root = new FsRoot("t", tmp, true);
            try (Dir d = root.open(Names.ROOT)) {
                for (String name : new String[]{"a", "plain"}) {
                    try (FileHandle f = d.openRead(Path.of(name))) {
                        Attrs two = Attrs.read(f, AttrPolicy.ALL, true);
                        Attrs one = Attrs.readSource(f, AttrPolicy.ALL, true);
                        assertThat(one.copiedFlags(false)).as(name).isEqualTo(two.copiedFlags(false));
                        assertThat(one.projid()).as(name).isEqualTo(two.projid());
                        assertThat(one.xattrs()).as(name).isEqualTo(two.xattrs());
                        assertThat(one.skipped()).as(name).isEqualTo(two.skipped());
                    }
                }
                try (FileHandle f = d.openRead(Path.of("a"))) {
                    assertThat(InodeFlags.letters(Attrs.readSource(f, AttrPolicy.ALL, true).copiedFlags(false)))
                            .contains("a").contains("d").contains("A").contains("S");
                }
            }
        } finally {
            Tools.run("chattr", "-a", a.toString());
        }
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.AttrSnapshot;
import pdm.testkit.AttrTree;
import pdm.testkit.Fx;
import pdm.testkit.LoopImage;
import pdm.testkit.Pdm;
import pdm.testkit.Tools;
import pdm.testkit.TreeComparer;

/**
 * Issue 20's acceptance list in embedded mode: ACLs, default ACLs, capabilities with setuid,
 * every xattr namespace, inode flags and project IDs survive a copy exactly as the admin's own
 * tools and rsync -aHAX see them, the source's atimes stay, verify names each difference, a
 * target that cannot hold what the source has is refused, and the options drop what they say.
 */
class AttributesIT {
    @TempDir
    Path tmp;
    Path src;
    Path dst;

    @BeforeEach
    void tree() throws IOException {
        assumeTrue(Tools.root() || "true".equals(System.getenv("CI")), "the attributes of issue 20 need root");
        src = tmp.resolve("src");
        dst = tmp.resolve("dst");
        Files.createDirectories(src);
    }

    @AfterEach
    void unlock() {
        AttrSnapshot.unlock(tmp); // (else @TempDir cannot delete what is immutable)
    }

    @Test
    void everyAttributeIsKeptAndTheSourceLeftAsItWas() throws IOException {
        AttrTree.build(src);
        var entries = AttrTree.entries(src);
        AttrTree.ageAtimes(entries);
        var atimes = AttrTree.atimes(entries);

        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        // (first: the tools below read the source's directories, and that moves their atimes)
        assertThat(AttrTree.atimes(entries)).as("every source atime as it was").isEqualTo(atimes);
        assertThat(copy.count("attrs_not_kept")).isZero();
        AttrSnapshot.assertSame(src, dst);
        assertThat(Tools.run("getfacl", "-n", "-p", dst.resolve("f").toString()))
                .as("the owning group keeps r--; the mask holds rw-").contains("group::r--").contains("mask::rw-");
        assertThat(Fx.mode(dst.resolve("suid")) & 07777).as("setuid survives the chown").isEqualTo(04755);
        assertThat(Tools.run("getcap", dst.resolve("suid").toString())).as("the capability survives chown and write")
                .contains("cap_net_raw=ep");

        Pdm.Result verify = Pdm.json("verify", src, dst);
        assertThat(verify.exit()).as(verify.toString()).isZero();
        Pdm.Result again = Pdm.json("copy", src, dst);
        assertThat(again.count("files_copied") + again.count("meta_fixed")).as(again.toString()).isZero();
    }

    @Test
    void aTempFileAKilledRunLeftInAnAppendOnlyDirectoryGoesWithTheNextCopy() throws IOException {
        Fx.write(src.resolve("A/small"), "x");
        Tools.run("chattr", "+a", src.resolve("A").toString());
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        // what a kill -9 leaves while a file is replaced in it: its temp file
        Tools.run("chattr", "-a", dst.resolve("A").toString());
        Fx.write(dst.resolve("A/.pdm-tmp-k9x-1"), "part of a file");
        Tools.run("chattr", "+a", dst.resolve("A").toString());

        Pdm.Result copy = Pdm.json("copy", src, dst);

        // (it failed with EPERM on the unlink at every copy: only a delete pass took it away)
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(Fx.pdmTempFiles(dst)).isZero();
        assertThat(Tools.run("lsattr", "-d", dst.resolve("A").toString()).split("\\s+")[0]).as("locked again")
                .contains("a");
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void anAttributeChangedAloneIsNamedByVerifyAndCarriedByTheNextCopy() throws IOException {
        AttrTree.build(src);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();

        Tools.run("setfacl", "-m", "u:nobody:r", src.resolve("f").toString());
        Tools.run("setfacl", "-k", src.resolve("d").toString());
        Tools.run("setcap", "cap_sys_admin+ep", src.resolve("cap").toString());
        Tools.run("setfattr", "-n", "trusted.t", "-v", "changed", src.resolve("tr").toString());
        Tools.run("chattr", "+i", src.resolve("u").toString());
        Tools.run("chattr", "-d", src.resolve("flagged/plus-d").toString());
        Tools.run("setfattr", "-h", "-n", "trusted.sl", "-v", "changed", src.resolve("sl").toString());
        Tools.run("setfattr", "-x", "trusted.fifo", src.resolve("fifo").toString());
        Tools.run("chattr", "-D", src.resolve("flagged").toString());

        Pdm.Result verify = Pdm.json("verify", src, dst);
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.failures()).extracting(f -> f.path() + ": " + f.error()).containsExactlyInAnyOrder(
                "/f: differs: mode: source 0640, target 0660; acl",
                "/d: differs: default acl",
                "/cap: differs: xattr security.capability",
                "/tr: differs: xattr trusted.t",
                "/u: differs: flags +i",
                "/flagged/plus-d: differs: flags -d",
                "/sl: differs: xattr trusted.sl",
                "/fifo: differs: xattr trusted.fifo",
                "/flagged: differs: flags -D");

        Pdm.Result dry = Pdm.run("copy", "-n", src.toString(), dst.toString());
        Pdm.Result copy = Pdm.run("copy", "-i", src.toString(), dst.toString());
        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(itemized(dry.out())).as("the dry run lists what the copy then does").isEqualTo(itemized(copy.out()));
        // (-i names what changed, as verify does; a symlink or fifo is made anew with its xattrs, named too)
        assertThat(copy.out()).contains("meta         /f (acl)\n", "meta         /d (default acl)\n",
                "meta         /cap (xattr security.capability)\n", "meta         /tr (xattr trusted.t)\n",
                "meta         /u (flags +i)\n", "meta         /flagged/plus-d (flags -d)\n",
                "symlink      /sl (xattr trusted.sl)\n", "fifo         /fifo (xattr trusted.fifo)\n",
                "dirmeta      /flagged (flags -D)\n");
        AttrSnapshot.assertSame(src, dst);
        assertThat(Pdm.json("verify", src, dst).exit()).isZero();
    }

    @Test
    void aSymlinkMadeAnewForItsTargetNamesTheXattrsThatChangedToo() throws IOException {
        Path sl = Files.createSymbolicLink(src.resolve("sl"), Path.of("a"));
        Tools.run("setfattr", "-h", "-n", "trusted.x", "-v", "1", sl.toString());
        Path fifo = src.resolve("fifo");
        Fx.fifo(fifo, 0640);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Files.delete(sl);
        Files.createSymbolicLink(sl, Path.of("b"));
        Tools.run("setfattr", "-h", "-n", "trusted.x", "-v", "2", sl.toString());
        Tools.run("chmod", "600", fifo.toString());
        Tools.run("setfacl", "-m", "u:nobody:r", fifo.toString());

        Pdm.Result copy = Pdm.run("copy", "-i", src.toString(), dst.toString());

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.out()).contains("symlink      /sl (xattr trusted.x)\n", "fifo         /fifo (acl)\n");
        AttrSnapshot.assertSame(src, dst);
    }

    /** The -i lines of a pass's output, sorted (the summary line left out: it says "dry run"). */
    private static java.util.List<String> itemized(String out) {
        return out.lines().filter(l -> !l.startsWith("pdm ") && !l.startsWith("  ")).sorted().toList();
    }

    @Test
    void immutableAndAppendOnlyTargetsAreUnlockedToBeUpdatedAndLockedAgain() throws IOException {
        AttrTree.build(src);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Tools.run("chattr", "-i", src.resolve("imm").toString());
        Fx.write(src.resolve("imm"), "new content");
        Tools.run("chattr", "+i", src.resolve("imm").toString());
        Tools.run("chattr", "-a", src.resolve("app").toString());
        Tools.run("chmod", "600", src.resolve("app").toString());
        Tools.run("chattr", "+a", src.resolve("app").toString());
        Tools.run("chattr", "-i", src.resolve("locked").toString());
        Fx.write(src.resolve("locked/new"), "a new file in an immutable directory");
        Tools.run("chattr", "+i", src.resolve("locked").toString());

        Pdm.Result copy = Pdm.run("copy", "-i", "--json", src.toString(), dst.toString());

        assertThat(copy.exit()).as(copy.toString()).isZero();
        // (/locked twice: for the file made in it, and for its own times, set once the pass is done below it)
        assertThat(copy.count("unlocked")).as(copy.toString()).isEqualTo(4);
        // (/app's mode changed, not its flags: +a was cleared by pdm itself, and is not named)
        assertThat(copy.err()).contains("unlock       /imm", "copy         /imm", "unlock       /app", "meta         /app\n",
                "unlock       /locked\n", "copy         /locked/new", "dirmeta      /locked");
        assertThat(copy.err().lines().filter(l -> l.equals("unlock       /locked"))).hasSize(2);
        assertThat(Files.readString(dst.resolve("imm"))).isEqualTo("new content");
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void aNameTheSourceNoLongerHasGoesFromTheTargetWithoutFlagsToo() throws IOException {
        // (with --no-flags, whether to look is asked of the xattr names alone: the target's count too)
        Tools.run("setfattr", "-n", "user.x", "-v", "1", Fx.write(src.resolve("a"), "a").toString());
        assertThat(Pdm.json("copy", src, dst, "--no-flags").exit()).isZero();
        Tools.run("setfattr", "-x", "user.x", src.resolve("a").toString());

        Pdm.Result copy = Pdm.run("copy", "-i", "--no-flags", src.toString(), dst.toString());

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.out()).contains("meta         /a (xattr user.x)\n");
        assertThat(Tools.run("getfattr", "-d", "-m", "-", dst.resolve("a").toString())).doesNotContain("user.x");
        assertThat(Pdm.json("verify", src, dst, "--no-flags").exit()).isZero();
    }

    @Test
    void xfsOwnFormOfTheAclsIsNeitherCopiedNorRemoved() throws IOException {
        // XFS lists its on-disk ACLs to root as trusted.SGI_ACL_FILE and _DEFAULT beside the
        // kernel's system.posix_acl_*: copied, they are stray names elsewhere; removed from an XFS
        // target whose source lacks them, they take its ACLs with them
        Path f = Fx.write(src.resolve("f"), "acl");
        Fx.chmod(f, 0640);
        Tools.run("setfacl", "-m", "u:nobody:rw", f.toString());
        Path d = Fx.mkdirs(src.resolve("d"));
        Tools.run("setfacl", "-d", "-m", "g:users:rx", d.toString());
        try (LoopImage xfs = LoopImage.xfs(tmp)) {
            Path t = xfs.root().resolve("dst");
            assertThat(Pdm.json("copy", src, t).exit()).isZero();
            assertThat(Tools.run("getfattr", "-d", "-m", "-", t.resolve("f").toString()))
                    .as("XFS shows it in its own form too").contains("trusted.SGI_ACL_FILE");

            Pdm.Result again = Pdm.json("copy", src, t);

            assertThat(again.count("meta_fixed")).as(again.toString()).isZero();
            assertThat(Pdm.json("verify", src, t).exit()).isZero();
            assertThat(AttrSnapshot.of(t).byTool().get("getfacl")).as("the ACLs stay")
                    .isEqualTo(AttrSnapshot.of(src).byTool().get("getfacl"));

            Path back = tmp.resolve("back");
            Pdm.Result fromXfs = Pdm.json("copy", t, back);
            assertThat(fromXfs.exit()).as(fromXfs.toString()).isZero();
            assertThat(fromXfs.count("attrs_not_kept")).as("XFS's own names are not left out: they are not the user's")
                    .isZero();
            assertThat(Tools.run("getfattr", "-R", "-d", "-m", "-", back.toString())).doesNotContain("SGI_ACL");
            AttrSnapshot.assertSame(src, back);
        }
    }

    @Test
    void deleteUnlocksWhatItMustRemove() throws IOException {
        AttrTree.build(src);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Tools.run("chattr", "-i", src.resolve("imm").toString());
        Files.delete(src.resolve("imm"));
        Tools.run("chattr", "-i", src.resolve("locked").toString());
        Files.delete(src.resolve("locked/kept"));
        Tools.run("chattr", "+i", src.resolve("locked").toString());

        Pdm.Result dry = Pdm.run("delete", "-n", "-i", "--json", src.toString(), dst.toString());
        Pdm.Result delete = Pdm.run("delete", "-i", "--json", src.toString(), dst.toString());

        assertThat(delete.exit()).as(delete.toString()).isZero();
        assertThat(delete.count("files_removed")).isEqualTo(2);
        assertThat(delete.count("unlocked")).isEqualTo(2);
        assertThat(delete.err()).contains("unlock       /imm", "remove       /imm", "unlock       /locked\n",
                "remove       /locked/kept");
        // (the dry run reads the flags the real run meets: the same lines, the same counts)
        assertThat(dry.count("unlocked")).as(dry.toString()).isEqualTo(2);
        assertThat(changeLines(dry.err())).as(dry.toString()).isEqualTo(changeLines(delete.err()));
        assertThat(dst.resolve("imm")).doesNotExist();
        assertThat(Tools.run("lsattr", "-d", dst.resolve("locked").toString())).as("locked again")
                .startsWith("----i");
    }

    /**
     * The final pass (sync: copy, delete, dirtimes) over an immutable directory that lost an entry:
     * the delete moves its mtime, and the dirtimes pass unlocks it to set its times again, as the
     * copy pass does, and locks it again.
     */
    @Test
    void syncGivesAnImmutableDirectoryThatLostAnEntryItsTimesAndLocksItAgain() throws IOException {
        AttrTree.build(src);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Tools.run("chattr", "-i", src.resolve("locked").toString());
        Files.delete(src.resolve("locked/kept"));
        Tools.run("chattr", "+i", src.resolve("locked").toString());

        Pdm.Result sync = Pdm.json("sync", src, dst);

        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(Tools.run("lsattr", "-d", dst.resolve("locked").toString())).as("locked again")
                .startsWith("----i");
        AttrSnapshot.assertSame(src, dst);
        TreeComparer.assertSameTree(src, dst);
    }

    /**
     * An immutable directory whose source gained a flag and nothing else: its times are current,
     * so nothing failed to unlock it before; the flag must still reach it, and immutable come back.
     */
    @Test
    void aFlagAddedToAnImmutableDirectoryReachesItsCopy() throws IOException {
        AttrTree.build(src);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        // (ext4 changes no other flag of an immutable inode: cleared, flagged, locked again)
        Tools.run("chattr", "-i", src.resolve("locked").toString());
        Tools.run("chattr", "+d", src.resolve("locked").toString());
        Tools.run("chattr", "+i", src.resolve("locked").toString());

        Pdm.Result copy = Pdm.run("copy", "-i", "--json", src.toString(), dst.toString());

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(copy.err()).contains("unlock       /locked\n");
        assertThat(Tools.run("lsattr", "-d", dst.resolve("locked").toString())).as("locked again, no-dump added")
                .startsWith("----i-d");
        AttrSnapshot.assertSame(src, dst);
        TreeComparer.assertSameTree(src, dst);
    }

    @Test
    void projectIdsAreKeptOnXfs() throws IOException {
        try (LoopImage xfs = LoopImage.xfs(tmp)) {
            Path s = xfs.root().resolve("src");
            Path t = xfs.root().resolve("dst");
            Path p = Fx.mkdirs(s.resolve("p"));
            Tools.run("chattr", "+P", "-p", "77", p.toString());
            Fx.write(p.resolve("inherits"), "77 from its directory");
            Tools.run("chattr", "-p", "4242", Fx.write(p.resolve("q"), "its own").toString());
            Tools.run("chattr", "-p", "5", Fx.write(s.resolve("top"), "5").toString());

            Pdm.Result copy = Pdm.json("copy", s, t);

            assertThat(copy.exit()).as(copy.toString()).isZero();
            AttrSnapshot.assertSame(s, t);
            assertThat(Tools.run("lsattr", "-p", "-d", t.resolve("p/q").toString())).startsWith(" 4242 ");
            Tools.run("chattr", "-p", "4243", p.resolve("q").toString());
            Pdm.Result verify = Pdm.json("verify", s, t);
            assertThat(verify.failures()).extracting(f -> f.path() + ": " + f.error())
                    .containsExactly("/p/q: differs: project 4243 vs 4242");
            assertThat(Pdm.json("copy", s, t).count("meta_fixed")).isEqualTo(1);
            AttrSnapshot.assertSame(s, t);
        }
    }

    @Test
    void aTargetWithoutAclsIsRefusedAtStartUnlessTheyAreDropped() throws IOException {
        AttrTree.build(src);
        try (LoopImage btrfs = LoopImage.btrfsNoAcl(tmp)) {
            Path t = btrfs.root().resolve("dst");

            Pdm.Result refused = Pdm.json("copy", src, t);

            assertThat(refused.exit()).as(refused.toString()).isEqualTo(2);
            assertThat(refused.err()).contains("cannot hold POSIX ACLs").contains("--no-acls")
                    .contains("nothing was changed");
            assertThat(t).doesNotExist();

            Pdm.Result dropped = Pdm.json("copy", src, t, "--no-acls");
            assertThat(dropped.exit()).as(dropped.toString()).isZero();
            assertThat(dropped.count("attrs_not_kept")).as("f's and fifo's access ACLs, d's default ACL").isEqualTo(3);
            assertThat(Pdm.json("verify", src, t, "--no-acls").exit()).as("the ACLs are not compared").isZero();
            assertThat(Tools.run("getcap", t.resolve("cap").toString())).contains("cap_net_raw=ep");
        }
    }

    @Test
    void theTargetsXattrsKeyAndTheOptionThatWins() throws IOException {
        AttrTree.build(src);
        Files.createDirectories(dst);
        Path cfg = Pdm.config(tmp, src, "", dst, "xattrs = \"user\"");

        Pdm.Result user = Pdm.run("copy", "--json", "--config", cfg.toString(), "panda", "badger", "/");

        assertThat(user.exit()).as(user.toString()).isZero();
        assertThat(user.count("attrs_not_kept"))
                .as("trusted.t, security.s, two capabilities, and the trusted.* and security.* of sl, fifo and null")
                .isEqualTo(8);
        assertThat(Tools.run("getfattr", "-d", "-m", "-", dst.resolve("tr").toString())).doesNotContain("trusted.t");
        assertThat(Tools.run("getfattr", "-d", "-m", "-", dst.resolve("u").toString())).contains("user.u");
        assertThat(Tools.run("getfacl", "-n", "-p", dst.resolve("f").toString())).as("ACLs have their own switch")
                .contains("user:65534:rw-");

        Pdm.Result all = Pdm.run("copy", "--json", "--xattrs=all", "--config", cfg.toString(), "panda", "badger", "/");
        assertThat(all.exit()).as(all.toString()).isZero();
        AttrSnapshot.assertSame(src, dst);

        Pdm.Result wrong = Pdm.run("copy", "--xattrs=some", "--config", cfg.toString(), "panda", "badger", "/");
        assertThat(wrong.exit()).isEqualTo(2);
        assertThat(wrong.err()).contains("--xattrs: xattrs must be \"all\", \"user\" or \"none\", not \"some\"");
    }

    /** The -i lines of a run's stderr (its log lines left out). */
    private static java.util.List<String> changeLines(String err) {
        return err.lines().filter(l -> l.matches("^(unlock|remove|capped) +/.*")).toList();
    }
}

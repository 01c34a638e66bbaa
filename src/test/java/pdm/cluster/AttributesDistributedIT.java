package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.AttrSnapshot;
import pdm.testkit.AttrTree;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;
import pdm.testkit.Fx;
import pdm.testkit.LoopImage;
import pdm.testkit.Tools;
import pdm.testkit.TreeComparer;

/**
 * Issue 20 in distributed mode: worker processes keep every attribute as the embedded pass
 * does, verify compares them, and the options that drop some travel in the task message.
 */
class AttributesDistributedIT {
    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
        assumeTrue(Tools.root() || "true".equals(System.getenv("CI")), "the attributes of issue 20 need root");
    }

    @AfterEach
    void unlock() {
        AttrSnapshot.unlock(tmp);
    }

    @Test
    void workersKeepEveryAttributeAndTheOptionsTravel() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            AttrTree.build(c.src);
            var entries = AttrTree.entries(c.src);
            AttrTree.ageAtimes(entries);
            var atimes = AttrTree.atimes(entries);
            c.startConnectedWorkers(2);

            Cluster.Run copy = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(copy.exit()).as(copy.stderr()).isZero();
            // (first: the tools below read the source's directories, and that moves their atimes)
            assertThat(AttrTree.atimes(entries)).as("every source atime as it was").isEqualTo(atimes);
            AttrSnapshot.assertSame(c.src, c.dst);
            Cluster.Run verify = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(verify.exit()).as(verify.stdout() + verify.stderr()).isZero();

            Tools.run("setfattr", "-n", "trusted.t", "-v", "changed", c.src.resolve("tr").toString());
            Tools.run("setfacl", "-m", "u:nobody:r", c.src.resolve("f").toString());
            java.nio.file.Files.delete(c.dst.resolve("tr")); // (copied anew: what is left out is counted)
            Cluster.Run dropped = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json", "--xattrs=user",
                    "--no-acls");
            assertThat(dropped.exit()).as(dropped.stderr()).isZero();
            assertThat(dropped.json().path("attrs_not_kept").asLong()).as(dropped.stdout()).isPositive();
            assertThat(Tools.run("getfattr", "-d", "-m", "-", c.dst.resolve("tr").toString()))
                    .as("left out: the workers read --xattrs=user from the message").doesNotContain("trusted.t");

            Cluster.Run differs = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(differs.exit()).isEqualTo(1);
            assertThat(differs.stdout()).contains("xattr trusted.t").contains("acl");
        }
    }

    @Test
    void workersCarryAnAttributeChangedAloneAndUnlockWhatTheyMustUpdate() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            AttrTree.build(c.src);
            c.startConnectedWorkers(1);
            assertThat(c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json").exit()).isZero();
            Tools.run("setfacl", "-m", "u:nobody:r", c.src.resolve("f").toString()); // (an ACL alone)
            Tools.run("chattr", "+d", c.src.resolve("u").toString()); // (a flag alone)
            Tools.run("setfattr", "-n", "user.new", "-v", "n", c.src.resolve("tr").toString()); // (an xattr alone)
            Tools.run("setfattr", "-h", "-n", "trusted.sl", "-v", "changed", c.src.resolve("sl").toString());
            Tools.run("chattr", "-i", c.src.resolve("imm").toString());
            Fx.write(c.src.resolve("imm"), "new content");
            Tools.run("chattr", "+i", c.src.resolve("imm").toString());
            Tools.run("chattr", "-a", c.src.resolve("app").toString());
            Tools.run("chmod", "600", c.src.resolve("app").toString());
            Tools.run("chattr", "+a", c.src.resolve("app").toString());
            Tools.run("chattr", "-D", c.src.resolve("flagged").toString()); // (a directory's flag alone)
            Tools.run("chattr", "-i", c.src.resolve("locked").toString()); // (and an immutable one's)
            Tools.run("chattr", "+d", c.src.resolve("locked").toString());
            Tools.run("chattr", "+i", c.src.resolve("locked").toString());

            Cluster.Run copy = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(copy.exit()).as(copy.stdout() + copy.stderr()).isZero();
            assertThat(copy.json().path("unlocked").asLong()).as("imm, app and locked").isEqualTo(3);
            AttrSnapshot.assertSame(c.src, c.dst);
            assertThat(c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json").exit()).isZero();
        }
    }

    /**
     * The final pass on workers (sync: copy, delete, dirtimes) over an immutable directory that
     * lost an entry: the delete moves its mtime, and the dirtimes tasks unlock it to set its
     * times again and lock it again.
     */
    @Test
    void workersSyncAnImmutableDirectoryThatLostAnEntry() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            AttrTree.build(c.src);
            c.startConnectedWorkers(2);
            assertThat(c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json").exit()).isZero();
            Tools.run("chattr", "-i", c.src.resolve("locked").toString());
            Files.delete(c.src.resolve("locked/kept"));
            Tools.run("chattr", "+i", c.src.resolve("locked").toString());

            Cluster.Run sync = c.run("sync", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(sync.exit()).as(sync.stdout() + sync.stderr()).isZero();
            assertThat(Tools.run("lsattr", "-d", c.dst.resolve("locked").toString())).as("locked again")
                    .startsWith("----i");
            AttrSnapshot.assertSame(c.src, c.dst);
            TreeComparer.assertSameTree(c.src, c.dst);
        }
    }

    @Test
    void workersKeepProjectIdsOnXfs() throws Exception {
        try (LoopImage xfs = LoopImage.xfs(tmp); Cluster c = new Cluster(xfs.root().resolve("c"))) {
            Path p = Fx.mkdirs(c.src.resolve("p"));
            Tools.run("chattr", "+P", "-p", "77", p.toString());
            Fx.write(p.resolve("inherits"), "77 from its directory");
            Tools.run("chattr", "-p", "4242", Fx.write(p.resolve("q"), "its own").toString());
            c.startConnectedWorkers(1);

            assertThat(c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json").exit()).isZero();
            AttrSnapshot.assertSame(c.src, c.dst);
            Tools.run("chattr", "-p", "4243", p.resolve("q").toString());
            Cluster.Run verify = c.run("verify", c.srcName, c.tgtName, "/", "--wait", "--json");
            assertThat(verify.exit()).isEqualTo(1);
            assertThat(verify.stdout()).contains("project 4243 vs 4242");
            assertThat(c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json").exit()).isZero();
            AttrSnapshot.assertSame(c.src, c.dst);
        }
    }

    @Test
    void aTargetWithoutAclsIsRefusedAtStartUnlessTheyAreDropped() throws Exception {
        try (LoopImage btrfs = LoopImage.btrfsNoAcl(tmp); Cluster c = new Cluster(tmp, "", false, btrfs.root())) {
            AttrTree.build(c.src);
            c.startConnectedWorkers(1);

            Cluster.Run refused = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");

            assertThat(refused.exit()).as(refused.stdout() + refused.stderr()).isEqualTo(2);
            assertThat(refused.stdout() + refused.stderr()).contains("cannot hold POSIX ACLs").contains("--no-acls")
                    .contains("nothing was changed");
            Cluster.Run dropped = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json", "--no-acls");
            assertThat(dropped.exit()).as(dropped.stdout() + dropped.stderr()).isZero();
            assertThat(dropped.json().path("attrs_not_kept").asLong()).as("f's and fifo's ACLs, d's default ACL")
                    .isEqualTo(3);
        }
    }

    @Test
    void aFlagTheTargetCannotHoldFailsItsFileOnTheWorkerInEveryPass() throws Exception {
        try (LoopImage tmpfs = LoopImage.tmpfs(tmp, "t", "size=8M"); Cluster c = new Cluster(tmp, "", false,
                tmpfs.root())) {
            Tools.run("chattr", "+S", Fx.write(c.src.resolve("s"), "sync").toString());
            Fx.write(c.src.resolve("plain"), "copied");
            c.startConnectedWorkers(1);

            for (int pass = 1; pass <= 2; pass++) {
                Cluster.Run copy = c.run("copy", c.srcName, c.tgtName, "/", "--wait", "--json");
                assertThat(copy.exit()).as("pass " + pass + ": " + copy.stdout() + copy.stderr()).isEqualTo(1);
                assertThat(copy.json().path("failures").toString()).as("pass " + pass)
                        .contains("the target cannot hold inode flags +S (").contains("--no-flags copies without it");
            }
            assertThat(c.dst.resolve("plain")).hasContent("copied");
            assertThat(c.dst.resolve("s")).doesNotExist();
        }
    }
}

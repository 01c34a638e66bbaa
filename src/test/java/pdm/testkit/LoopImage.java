package pdm.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/**
 * A small filesystem of its own, made in a sparse image and loop-mounted: XFS (it keeps project
 * IDs without quotas), btrfs (no-COW), btrfs mounted {@code noacl} (a target that cannot hold
 * ACLs), or a tmpfs (no image: a target without project IDs and most flags). Where
 * this machine cannot (no loop devices, not root, no mkfs), the test is skipped with the reason,
 * unless {@code CI=true}: there it fails, since the CI machine must run it. Close it to unmount,
 * detach and delete it.
 */
public final class LoopImage implements AutoCloseable {
    private final Path image;
    private final Path mountpoint;
    private boolean mounted;

    private LoopImage(Path image, Path mountpoint) {
        this.image = image;
        this.mountpoint = mountpoint;
    }

    /** Where it is mounted. */
    public Path root() {
        return mountpoint;
    }

    /** A 32 MiB XFS (mkfs.xfs allows less than 300 MB only to its test suite: the three variables below). */
    public static LoopImage xfs(Path dir) {
        return make(dir, "xfs", List.of("env", "TEST_DIR=1", "TEST_DEV=1", "QA_CHECK_FS=1", "mkfs.xfs", "-q", "-f"),
                "mkfs.xfs", "loop");
    }

    /** A 32 MiB btrfs (mixed block groups: the smallest it takes) mounted without ACL support. */
    public static LoopImage btrfsNoAcl(Path dir) {
        return make(dir, "btrfs", List.of("mkfs.btrfs", "-q", "-f", "-M"), "mkfs.btrfs", "loop,noacl");
    }

    /** A 32 MiB btrfs with ACLs: a filesystem that takes no-COW (chattr +C) on an empty file. */
    public static LoopImage btrfs(Path dir) {
        return make(dir, "btrfs", List.of("mkfs.btrfs", "-q", "-f", "-M"), "mkfs.btrfs", "loop");
    }

    /**
     * A tmpfs mounted on {@code dir/name} with these options ({@code size=8M,nr_inodes=16}): no image, but the same
     * life. tmpfs holds xattrs and ACLs, the flags i, a, d and A, but not S, D, P or C, nor
     * project IDs, and with few inodes little room for xattrs.
     */
    public static LoopImage tmpfs(Path dir, String name, String options) {
        return memory(dir, name, "tmpfs", options);
    }

    /** A ramfs on {@code dir/name}: a filesystem with no xattrs, no ACLs and no inode flags at all. */
    public static LoopImage ramfs(Path dir, String name) {
        return memory(dir, name, "ramfs", "mode=0755");
    }

    private static LoopImage memory(Path dir, String name, String type, String options) {
        need(Tools.root(), "mounting a " + type + " needs root");
        try {
            Path mnt = Files.createDirectories(dir.resolve(name));
            LoopImage img = new LoopImage(null, mnt);
            Tools.Output m = Tools.exec(null, "mount", "-t", type, "-o", options, type, mnt.toString());
            need(m.exit() == 0, "cannot mount a " + type + ": " + m.err().strip());
            img.mounted = true;
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LoopImage make(Path dir, String kind, List<String> mkfs, String tool, String options) {
        need(Tools.root(), "loop mounts need root");
        need(Files.exists(Path.of("/dev/loop-control")), "this machine has no loop devices (/dev/loop-control)");
        need(Tools.has(tool), tool + " is not installed (.ci/run installs it)");
        try {
            Path image = dir.resolve(kind + ".img");
            Path mnt = Files.createDirectories(dir.resolve(kind + "-mnt"));
            Tools.run("truncate", "-s", "32M", image.toString());
            List<String> cmd = new ArrayList<>(mkfs);
            cmd.add(image.toString());
            Tools.run(cmd.toArray(String[]::new));
            LoopImage img = new LoopImage(image, mnt);
            Tools.Output m = Tools.exec(null, "mount", "-o", options, image.toString(), mnt.toString());
            need(m.exit() == 0, "cannot loop-mount a " + kind + " image: " + m.err().strip());
            img.mounted = true;
            return img;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void need(boolean ok, String why) {
        if (!ok) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("CI=true, and this test needs a loop-mounted image: " + why);
            }
            Assumptions.abort(why);
        }
    }

    @Override
    public void close() {
        if (mounted) {
            // (clears what a test left immutable or append-only first: umount does not mind, rm does)
            Tools.exec(null, "chattr", "-R", "-i", "-a", mountpoint.toString());
            Tools.run("umount", mountpoint.toString()); // (a mount -o loop detaches its device on umount)
            mounted = false;
        }
        try {
            if (image != null) {
                Files.deleteIfExists(image);
            }
            Files.deleteIfExists(mountpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

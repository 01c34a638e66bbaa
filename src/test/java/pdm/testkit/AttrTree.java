package pdm.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The tree of issue 20, every attribute made by the admin's own tools: an ACL that widens the
 * group's bits into a mask, a default ACL, file capabilities (one on a setuid file), trusted.*,
 * security.* and user.* xattrs, immutable, append-only, nodump, noatime, sync and dirsync flags,
 * and a fifo (trusted.* and an ACL), a symlink (trusted.*, security.*) and a device node
 * (trusted.*). Needs root (trusted.*, capabilities, i and a, mknod).
 */
public final class AttrTree {
    /** The atime every file and directory is given before a copy: a copy must leave it there. */
    public static final long OLD_ATIME_NS = 946_684_800_000_000_000L; // 2000-01-01

    private AttrTree() {
    }

    public static void build(Path src) throws IOException {
        Path d = Fx.mkdirs(src.resolve("d"));
        Fx.write(d.resolve("in"), "inside d");
        Path f = Fx.write(src.resolve("f"), "acl");
        Fx.chmod(f, 0640);
        Tools.run("setfacl", "-m", "u:nobody:rw", f.toString()); // (mode 640 -> 660: the group bits hold the mask)
        Tools.run("setfacl", "-d", "-m", "g:users:rx", d.toString());
        Path cap = Fx.write(src.resolve("cap"), "#!/bin/true\n");
        Fx.chmod(cap, 0755);
        Tools.run("setcap", "cap_net_raw+ep", cap.toString());
        Path suid = Fx.write(src.resolve("suid"), "#!/bin/true\n");
        Fx.chmod(suid, 04755);
        Tools.run("setcap", "cap_net_raw+ep", suid.toString());
        Tools.run("setfattr", "-n", "trusted.t", "-v", "tv", Fx.write(src.resolve("tr"), "t").toString());
        Tools.run("setfattr", "-n", "security.s", "-v", "sv", Fx.write(src.resolve("sec"), "s").toString());
        Tools.run("setfattr", "-n", "user.u", "-v", "uv", Fx.write(src.resolve("u"), "u").toString());
        Path flagged = Fx.mkdirs(src.resolve("flagged"));
        for (String flag : new String[]{"d", "A", "S"}) {
            Tools.run("chattr", "+" + flag, Fx.write(flagged.resolve("plus-" + flag), flag).toString());
        }
        Tools.run("chattr", "+D", flagged.toString());
        Tools.run("chattr", "+i", Fx.write(src.resolve("imm"), "immutable").toString());
        Tools.run("chattr", "+a", Fx.write(src.resolve("app"), "append-only").toString());
        Path lockedDir = Fx.mkdirs(src.resolve("locked"));
        Fx.write(lockedDir.resolve("kept"), "in an immutable dir");
        Tools.run("chattr", "+i", lockedDir.toString());
        // (a symlink holds trusted.* and security.*, a fifo or device node those and an access ACL; neither user.*)
        Path fifo = src.resolve("fifo");
        Fx.fifo(fifo, 0640);
        Tools.run("setfattr", "-n", "trusted.fifo", "-v", "fv", fifo.toString());
        Tools.run("setfacl", "-m", "u:nobody:r", fifo.toString());
        Path sl = Files.createSymbolicLink(src.resolve("sl"), Path.of("f"));
        Tools.run("setfattr", "-h", "-n", "trusted.sl", "-v", "slv", sl.toString());
        Tools.run("setfattr", "-h", "-n", "security.sl", "-v", "sv", sl.toString());
        Path dev = src.resolve("null");
        Fx.charDevice(dev, 0640, 1, 3);
        Tools.run("setfattr", "-n", "trusted.dev", "-v", "dv", dev.toString());
    }

    /**
     * Every file and directory of the tree (symlinks and fifos aside), deepest first: listed
     * once, since listing a directory moves its atime.
     */
    public static List<Path> entries(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, Fx.NOFOLLOW) || Files.isDirectory(p, Fx.NOFOLLOW))
                    .sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
        }
    }

    /** Sets the atime of each of {@code entries} to 2000-01-01. */
    public static void ageAtimes(List<Path> entries) throws IOException {
        // (touch -a works on an immutable entry only for root with the flag cleared: chattr it around)
        {
            for (Path p : entries) {
                {
                    String flags = Tools.run("lsattr", "-d", p.toString()).split(" ")[0];
                    boolean locked = flags.contains("i") || flags.contains("a");
                    if (locked) {
                        Tools.run("chattr", "-i", "-a", p.toString());
                    }
                    Tools.run("touch", "-a", "-h", "-d", "2000-01-01 00:00:00 UTC", p.toString());
                    if (locked) {
                        Tools.run("chattr", "+" + (flags.contains("i") ? "i" : "") + (flags.contains("a") ? "a" : ""),
                                p.toString());
                    }
                }
            }
        }
    }

    /** Path to atime (ns) of each of {@code entries}, by stat alone (no listing). */
    public static Map<Path, Long> atimes(List<Path> entries) throws IOException {
        Map<Path, Long> out = new HashMap<>();
        for (Path p : entries) {
            FileTime t = (FileTime) Files.getAttribute(p, "lastAccessTime", Fx.NOFOLLOW);
            out.put(p, t.to(java.util.concurrent.TimeUnit.NANOSECONDS));
        }
        return out;
    }
}

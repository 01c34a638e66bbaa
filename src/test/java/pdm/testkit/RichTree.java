package pdm.testkit;

import static pdm.testkit.Fx.bytes;
import static pdm.testkit.Fx.child;
import static pdm.testkit.Fx.chmod;
import static pdm.testkit.Fx.chown;
import static pdm.testkit.Fx.mkdirs;
import static pdm.testkit.Fx.mtime;
import static pdm.testkit.Fx.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pdm.fs.linux.NameBytes;

/**
 * A source tree with everything an exact copy must keep: nested and empty dirs, files of
 * many sizes, setuid/setgid/sticky modes, 0555 dirs with content, a 0000 file, owners with
 * and without names, ns mtimes, all kinds of symlinks, hard links across dirs, non-UTF-8,
 * newline and 255-byte names, a 60-level path, a fifo and a device, user xattrs and
 * (optionally) a 64 MiB sparse file.
 */
public final class RichTree {
    public static final long SPARSE_LENGTH = 64L << 20;
    public static final byte[] LATIN1 = {'c', 'a', 'f', (byte) 0xe9};
    public static final byte[] BAD = {'b', 'a', 'd', (byte) 0xff, (byte) 0xfe};
    public static final String LONG_NAME = "L".repeat(250) + ".long";
    public static final int DEEP = 60;

    private RichTree() {
    }

    public static void build(Path root, boolean withSparse) throws IOException {
        mkdirs(root);
        List<Path> files = new ArrayList<>();
        List<Path> links = new ArrayList<>();

        // plain content, nested dirs, empty dirs
        files.add(write(root.resolve("a/file.txt"), "hello\n"));
        files.add(write(root.resolve("a/empty"), new byte[0]));
        files.add(write(root.resolve("a/b/c/nested.txt"), "nested\n"));
        int[] sizes = {1, 4095, 4096, 4097, 65536, (1 << 20) + 3};
        for (int i = 0; i < sizes.length; i++) {
            files.add(write(root.resolve("sizes/s" + sizes[i]), Fx.random(sizes[i], i)));
        }
        // a file whose content has long zero runs: holes must not change its bytes
        byte[] zeros = new byte[3 * 4096 + 17];
        zeros[5000] = 7;
        zeros[zeros.length - 1] = 9;
        files.add(write(root.resolve("sizes/zeros-inside"), zeros));
        mkdirs(root.resolve("empty-dir"));
        mkdirs(root.resolve("empty-dir2/nested-empty"));

        // modes: setuid, setgid, sticky, read-only dir with content, 0000 file
        Path suid = write(root.resolve("modes/setuid-prog"), "#!/bin/sh\n");
        chown(suid, 1000, 1000);
        chmod(suid, 04755);
        Path sgidFile = write(root.resolve("modes/setgid-prog"), "x");
        chmod(sgidFile, 02711);
        Path zero = write(root.resolve("modes/nobody-reads"), "secret");
        chmod(zero, 0);
        Path sgid = mkdirs(root.resolve("modes/setgid-dir"));
        files.add(write(sgid.resolve("inside"), "g"));
        chown(sgid, 4242, 4343);
        chmod(sgid, 02775);
        Path sticky = mkdirs(root.resolve("modes/sticky-dir"));
        files.add(write(sticky.resolve("inside"), "t"));
        chmod(sticky, 01777);
        Path ro = mkdirs(root.resolve("modes/readonly-dir"));
        files.add(write(ro.resolve("one"), "1"));
        files.add(write(ro.resolve("sub/two"), "2"));
        chmod(ro.resolve("sub"), 0500);
        chmod(ro, 0555);
        files.add(suid);
        files.add(sgidFile);
        files.add(zero);

        // owners, with and without names
        Path o1 = write(root.resolve("owners/user1000"), "u");
        chown(o1, 1000, 1000);
        Path o2 = write(root.resolve("owners/nameless"), "n");
        chown(o2, 4242, 4343);
        Path od = mkdirs(root.resolve("owners/dir1000"));
        chown(od, 1000, 1000);
        Path ol = root.resolve("owners/link-nameless");
        Files.createSymbolicLink(ol, Path.of("user1000"));
        chown(ol, 4242, 4343);
        files.add(o1);
        files.add(o2);
        links.add(ol);

        // symlinks of every kind, copied as symlinks
        Path ln = mkdirs(root.resolve("links"));
        links.add(Files.createSymbolicLink(ln.resolve("relative"), Path.of("../a/file.txt")));
        links.add(Files.createSymbolicLink(ln.resolve("absolute"), Path.of("/etc/passwd")));
        links.add(Files.createSymbolicLink(ln.resolve("dangling"), Path.of("no/such/thing")));
        links.add(Files.createSymbolicLink(ln.resolve("to-dir"), Path.of("../a")));
        links.add(Files.createSymbolicLink(ln.resolve("up-chain"), Path.of("../../../../../../../etc")));
        links.add(Files.createSymbolicLink(ln.resolve("non-utf8-target"), NameBytes.path(LATIN1)));
        links.add(Files.createSymbolicLink(ln.resolve("to-self"), Path.of("to-self")));

        // hard links: same dir and across dirs (3 names), and a second pair
        Path h1 = write(root.resolve("hard/one/h1"), "shared inode\n");
        files.add(h1);
        Files.createLink(root.resolve("hard/one/h1-again"), h1);
        mkdirs(root.resolve("hard/two"));
        Files.createLink(root.resolve("hard/two/h2"), h1);
        Path p1 = write(root.resolve("hard/pair-a"), "pair\n");
        files.add(p1);
        Files.createLink(root.resolve("hard/two/pair-b"), p1);

        // names: non-UTF-8, newline, 255 bytes, spaces, leading dash, unicode
        Path names = mkdirs(root.resolve("names"));
        files.add(write(child(names, LATIN1), "latin1\n"));
        files.add(write(child(names, BAD), "bad\n"));
        files.add(write(child(names, bytes("new\nline")), "newline\n"));
        files.add(write(child(names, bytes("tab\tand space ")), "tab\n"));
        files.add(write(child(names, bytes("-rf")), "dash\n"));
        files.add(write(child(names, bytes("ünïcödé-文件-😀")), "utf8\n"));
        files.add(write(child(names, bytes("back\\slash")), "bs\n"));
        files.add(write(names.resolve(LONG_NAME), "long\n"));
        Path badDir = mkdirs(child(names, new byte[]{'d', (byte) 0xe9, 'j', (byte) 0xe0}));
        files.add(write(badDir.resolve("inside"), "in a non-UTF-8 dir\n"));
        Path longDir = mkdirs(names.resolve("D".repeat(255)));
        files.add(write(longDir.resolve("x"), "x"));

        // a 60-level path
        Path deep = root.resolve("deep");
        for (int i = 0; i < DEEP; i++) {
            deep = deep.resolve(String.format("level-%02d", i));
        }
        files.add(write(deep.resolve("leaf.txt"), "deep\n"));

        // specials
        Path sp = mkdirs(root.resolve("special"));
        Fx.fifo(sp.resolve("fifo"), 0640);
        Fx.charDevice(sp.resolve("null-like"), 0620, 1, 3);
        links.add(sp.resolve("fifo"));
        links.add(sp.resolve("null-like"));

        // user xattrs on a file and a dir
        Path xf = write(root.resolve("xattr/file"), "with xattrs\n");
        Fx.xattr(xf, "user.text", bytes("hello"));
        Fx.xattr(xf, "user.binary", new byte[]{0, 1, 2, (byte) 0xff});
        Fx.xattr(xf, "user.empty", new byte[0]);
        Fx.xattr(root.resolve("xattr"), "user.dir", bytes("on a dir"));
        files.add(xf);

        if (withSparse) {
            Path sparse = mkdirs(root.resolve("sparse")).resolve("big.sparse");
            Fx.sparse(sparse, SPARSE_LENGTH);
            files.add(sparse);
        }

        // times last: files and links with ns (links keep µs), then dirs deepest first
        long t = 1_234_567_890_123_456_789L;
        for (Path f : files) {
            t += 1_000_003_333L;
            mtime(f, t);
        }
        for (Path l : links) {
            t += 2_000_004_444L;
            mtime(l, t);
        }
        Fx.stampDirs(root, 1_500_000_000_987_654_321L);
    }
}

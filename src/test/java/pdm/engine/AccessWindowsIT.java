package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.AttrSnapshot;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Strace;
import pdm.testkit.Tools;

/**
 * Safety rule 10 (docs/spec.md): at no moment of a copy may anyone get access to a target entry
 * that the source denies them. Each case is a window a review found open (and showed with a
 * second user reading data it should not), checked here by the order of pdm's own system calls
 * on the entry, as strace records them with their times and descriptors' paths: a window is an
 * order, and an order does not depend on timing. Each case failed before the fix.
 */
class AccessWindowsIT {
    @TempDir
    Path tmp;
    Path src;
    Path dst;

    @BeforeEach
    void setUp() throws IOException {
        assumeTrue(Tools.root() || "true".equals(System.getenv("CI")), "owners, ACLs and device nodes need root");
        Strace.assumeUsable(false);
        Tools.run("setfacl", "--version");
        src = Fx.mkdirs(tmp.resolve("src"));
        dst = tmp.resolve("dst");
        Fx.chmod(src, 0755);
    }

    @Test
    void theTargetRootIsMadeOwnerOnlyWhateverTheUmask() throws Exception {
        Fx.chmod(Fx.write(src.resolve("f"), "x"), 0644);
        Fx.chown(src, 1001, 1001);
        Fx.chmod(src, 0700);

        List<String> calls = traced(true, "copy", src.toString(), dst.toString());

        assertThat(calls).as("the root made by mkdir").anySatisfy(l -> assertThat(l)
                .contains("mkdir(\"" + dst + "\", 0700)"));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void aNewFilesAclComesBeforeItsModeWhereItsDirectoryHasADefaultAcl() throws Exception {
        Path d = Fx.mkdirs(src.resolve("D"));
        Fx.chown(d, 1001, 1002);
        Fx.chmod(d, 0750);
        Tools.run("setfacl", "-m", "u:1003:rx", d.toString());
        Tools.run("setfacl", "-d", "-m", "u:1003:rwx", d.toString());
        // no ACL: the target's inherits one from D's default ACL, to be removed before the chmod
        // widens its mask to r-- for user 1003
        Path noAcl = Fx.write(d.resolve("no_acl"), "private");
        Tools.run("setfacl", "-b", noAcl.toString());
        Fx.chown(noAcl, 1001, 1002);
        Fx.chmod(noAcl, 0640);
        // an ACL that denies the owning group: set before the chmod gives that group r--
        Path groupDenied = Fx.write(d.resolve("group_denied"), "not for 1002");
        Fx.chown(groupDenied, 1001, 1002);
        Tools.run("setfacl", "-b", groupDenied.toString());
        Tools.run("setfacl", "-m", "u:1001:r,g::-,m::r", groupDenied.toString());

        List<String> calls = traced(false, "copy", src.toString(), dst.toString());

        Path t = dst.resolve("D");
        assertBefore(calls, call("fchown", t.resolve("no_acl")), call("fremovexattr", t.resolve("no_acl")));
        assertBefore(calls, call("fremovexattr", t.resolve("no_acl")), call("fchmod", t.resolve("no_acl")));
        assertBefore(calls, call("fchown", t.resolve("group_denied")), call("fsetxattr", t.resolve("group_denied")));
        assertBefore(calls, call("fsetxattr", t.resolve("group_denied")), call("fchmod", t.resolve("group_denied")));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void aSpecialFileIsMadeOwnerOnlyAndGetsItsModeAfterItsAcl() throws Exception {
        Path d = Fx.mkdirs(src.resolve("D"));
        Tools.run("setfacl", "-d", "-m", "u:1003:rwx", d.toString());
        Path fifo = d.resolve("fifo");
        Fx.fifo(fifo, 0640);
        Tools.run("setfacl", "-b", fifo.toString());
        Fx.chown(fifo, 1001, 1002);
        Fx.chmod(fifo, 0640);

        List<String> calls = traced(false, "copy", src.toString(), dst.toString());

        String made = first(calls, "mknodat(", "S_IFIFO");
        assertThat(made).as("made owner-only").contains("S_IFIFO|0600");
        String tempName = made.replaceAll(".*, \"([^\"]+)\", S_IFIFO.*", "$1");
        assertBefore(calls, atCall("fchownat", tempName), acl("lremovexattr", tempName));
        assertBefore(calls, acl("lremovexattr", tempName), atCall("fchmodat", tempName));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void aNewDirectoryGetsItsAccessAclWithItsOwnerNotBefore() throws Exception {
        Path dd = Fx.mkdirs(src.resolve("dd"));
        Fx.chmod(Fx.write(dd.resolve("f"), "x"), 0640);
        Fx.chown(dd.resolve("f"), 1001, 1002);
        Fx.chown(dd, 1001, 1002);
        Fx.chmod(dd, 0750);
        Tools.run("setfacl", "-m", "u:1003:rx", dd.toString());

        List<String> calls = traced(false, "copy", src.toString(), dst.toString());

        // (set on a directory still root:root, its group:: entry would serve root's group)
        assertBefore(calls, call("fchown", dst.resolve("dd")), call("fsetxattr", dst.resolve("dd")));
        assertBefore(calls, call("fsetxattr", dst.resolve("dd")), call("fchmod", dst.resolve("dd")));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void anUpdateRemovesAnOldAclBeforeTheChmodThatWouldReviveItsMaskedEntry() throws Exception {
        Path w = Fx.mkdirs(src.resolve("W"));
        Path f = Fx.write(w.resolve("f"), "secret");
        Fx.chown(f, 1001, 1002);
        Tools.run("setfacl", "-m", "u:1003:rw", f.toString());
        Fx.chmod(f, 0600); // (mask ---: user 1003 has nothing)
        copied();
        Tools.run("setfacl", "-b", f.toString());
        Fx.chmod(f, 0660);

        List<String> calls = traced(false, "copy", src.toString(), dst.toString());

        Path t = dst.resolve("W/f");
        assertBefore(calls, call("fremovexattr", t), call("fchmod", t, "0660"));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void anExistingFileLosesItsGroupBitsBeforeItsGroupChanges() throws Exception {
        Path f = Fx.write(src.resolve("f"), "for group 1002 only");
        Fx.chown(f, 1001, 1002);
        Fx.chmod(f, 0640);
        copied();
        Fx.chown(f, 1001, 1003);
        Fx.chmod(f, 0600);

        List<String> calls = traced(false, "copy", src.toString(), dst.toString());

        // (chowned first, group 1003 would hold the old mode's r-- until the chmod)
        assertBefore(calls, call("fchmod", dst.resolve("f"), "0600"), call("fchown", dst.resolve("f")));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void aDirectoryClosedOnTheSourceIsNarrowedBeforeAnythingNewGoesIn() throws Exception {
        Path e = Fx.mkdirs(src.resolve("E"));
        Fx.chmod(Fx.write(e.resolve("old"), "e"), 0644);
        Fx.chmod(e, 0755);
        copied();
        Fx.chmod(e, 0700);
        Fx.chmod(Fx.write(e.resolve("new"), "now private"), 0644);

        List<String> calls = traced(false, "copy", src.toString(), dst.toString());

        Path t = dst.resolve("E");
        assertBefore(calls, call("fchmod", t, "0700"), first(calls, "openat(", t + ">, \"new\"", "O_CREAT"));
        AttrSnapshot.assertSame(src, dst);
    }

    @Test
    void anImmutableDirectoryClosedOnTheSourceIsNarrowedBeforeAnythingNewGoesIn() throws Exception {
        Path e = Fx.mkdirs(src.resolve("E"));
        Path t = dst.resolve("E");
        Fx.chmod(Fx.write(e.resolve("old"), "e"), 0644);
        Fx.chmod(e, 0755);
        Tools.run("chattr", "+i", e.toString());
        try {
            copied();
            Tools.run("chattr", "-i", e.toString());
            Fx.chmod(e, 0700);
            Fx.chmod(Fx.write(e.resolve("new"), "now private"), 0644);
            Tools.run("chattr", "+i", e.toString());

            List<String> calls = traced(false, "copy", src.toString(), dst.toString());

            // (the chmod refused on the immutable directory does not count: the one that took)
            String[] narrowed = {" fchmod(", "<" + t + ">, 0700) = 0"};
            assertBefore(calls, narrowed, first(calls, "openat(", t + ">, \"new\"", "O_CREAT"));
            AttrSnapshot.assertSame(src, dst);
        } finally {
            Tools.run("chattr", "-R", "-i", tmp.toString()); // (else @TempDir cannot remove them)
        }
    }

    // ---

    /** A first copy, untraced: what the traced pass updates. */
    private void copied() {
        Pdm.Result r = Pdm.run("copy", src.toString(), dst.toString());
        assertThat(r.exit()).as(r.toString()).isZero();
    }

    private static final String CALLS = "mkdir,mkdirat,openat,mknodat,fchown,fchownat,fchmod,fchmodat,fsetxattr,"
            + "fremovexattr,lsetxattr,lremovexattr,setxattr,removexattr,utimensat,renameat2";

    /** The traced calls of {@code pdm ARGS}, in the order they were made over all threads. */
    private List<String> traced(boolean umask000, String... args) throws IOException, InterruptedException {
        Strace strace = Strace.trace(CALLS).timed();
        if (umask000) {
            strace.under(List.of("sh", "-c", "umask 000; exec \"$@\"", "sh"));
        }
        Strace.Run run = strace.pdm(tmp, args);
        assertThat(run.exit()).as(run.toString()).isZero();
        return run.trace().lines().toList();
    }

    /** A call on a descriptor of {@code path} (as strace -y shows it), its other arguments starting with {@code more}. */
    private static String[] call(String name, Path path, String... more) {
        List<String> parts = new ArrayList<>(List.of(" " + name + "(", "<" + path + ">"));
        for (String m : more) {
            parts.add(">, " + m);
        }
        return parts.toArray(String[]::new);
    }

    /** A call by name below a directory descriptor: {@code fchmodat(DIR, "NAME", ...)}. */
    private static String[] atCall(String name, String entry) {
        return new String[]{" " + name + "(", ", \"" + entry + "\""};
    }

    /** An access ACL call by path ({@code /proc/self/fd/N/NAME}, as pdm names an entry it does not open). */
    private static String[] acl(String name, String entry) {
        return new String[]{" " + name + "(", "/" + entry + "\"", "system.posix_acl_access"};
    }

    private static String first(List<String> calls, String... parts) {
        return calls.stream().filter(l -> Stream.of(parts).allMatch(l::contains)).findFirst()
                .orElseThrow(() -> new AssertionError("no call with " + List.of(parts) + " in\n" + String.join("\n", calls)));
    }

    private static void assertBefore(List<String> calls, String[] earlier, String[] later) {
        assertBefore(calls, earlier, first(calls, later));
    }

    private static void assertBefore(List<String> calls, String[] earlier, String later) {
        String e = first(calls, earlier);
        assertThat(calls.indexOf(e)).as("%s\nbefore\n%s", e, later).isLessThan(calls.indexOf(later));
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;
import pdm.testkit.Seccomp;
import pdm.testkit.Strace;
import pdm.testkit.Tools;
import pdm.testkit.TreeComparer;

/**
 * Read, write and listing failures that real files cannot be made to give, injected into the
 * real pdm process at the system-call layer (strace: see {@link Strace}) and aimed at one file
 * or directory. Each run must name the file and the errno, exit 1, leave no partial file under
 * a real name and no temp file, and the same command run again without the fault must make
 * the target exact. Each test also proves that its fault fired.
 *
 * <p>On these paths pdm moves data with copy_file_range (one call reads the source and writes
 * the target) and falls back to pread64/pwrite64 where the filesystems refuse it, so a read
 * fault is aimed at the source file and a write fault at the target's temp files; a listing is
 * getdents64.
 */
class InjectedFaultsIT {
    /** Temp files pdm may make in one target directory of these small trees: more than any test uses. */
    private static final int TEMP_NAMES = 16;

    @TempDir
    Path tmp;

    private Path src;
    private Path dst;

    private void trees() {
        src = tmp.resolve("src");
        dst = tmp.resolve("dst");
    }

    @Test
    void aSourceReadFailsThatFileAndTheRestIsCopied() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/a"), Fx.random(256 << 10, 1));
        Fx.write(src.resolve("d/b"), Fx.random(1000, 2));
        Fx.write(src.resolve("e/c"), Fx.random(1000, 3));

        Strace.Run run = Strace.inject("copy_file_range,pread64", "EIO").at(src.resolve("d/a"))
                .pdm(tmp, "copy", "--json", src.toString(), dst.toString());

        assertThat(run.injected()).as(run.toString()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains(src.resolve("d/a") + ">"));
        // (copy_file_range cannot say which side failed; the chunk read again says it)
        assertFailed(run, "/d/a", "reading the source: pread: EIO");
        assertThat(dst.resolve("d/a")).doesNotExist();
        assertThat(dst.resolve("d/b")).hasBinaryContent(Fx.random(1000, 2));
        assertThat(dst.resolve("e/c")).hasBinaryContent(Fx.random(1000, 3));
        assertTheRerunIsExact("copy");
    }

    @Test
    void aTargetWriteFailsThatFileAndTheRestIsCopied() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/a"), Fx.random(256 << 10, 1));
        Fx.write(src.resolve("e/b"), Fx.random(1000, 2));
        Fx.write(src.resolve("e/c"), Fx.random(1000, 3));

        // (a file the target does not have is written under its own name: safety rule 3)
        Strace.Run run = Strace.inject("copy_file_range,pwrite64", "EIO").at(dst.resolve("d/a"))
                .pdm(tmp, "copy", "--json", src.toString(), dst.toString());

        assertThat(run.injected()).as(run.toString()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains(dst.resolve("d/a") + ">"));
        assertFailed(run, "/d/a", "writing the target: pwrite: EIO");
        assertThat(dst.resolve("d/a")).doesNotExist();
        assertThat(dst.resolve("e/b")).hasBinaryContent(Fx.random(1000, 2));
        assertTheRerunIsExact("copy");
    }

    /**
     * Across filesystems (the source in tmpfs) copy_file_range is refused and sendfile moves the data:
     * a read error there is retried with pread, which says the source failed, as on one filesystem.
     */
    @Test
    void acrossFilesystemsASourceReadFailsThatFileAndTheRestIsCopied() throws Exception {
        acrossFilesystemsOneFileFails("sendfile,pread64", "EIO", false, "reading the source: pread: EIO");
    }

    /** Across filesystems, a full target met by sendfile fails the file as a full target met by pwrite does. */
    @Test
    void acrossFilesystemsAFullTargetFailsThatFile() throws Exception {
        acrossFilesystemsOneFileFails("sendfile,pwrite64", "ENOSPC", true, "writing the target: sendfile: ENOSPC");
    }

    /**
     * Copies d/a (256 KiB) and e/b from tmpfs with {@code calls} failing with {@code errno} on d/a's
     * source or ({@code onTarget}) its copy: sendfile among the calls failed, d/a failed with
     * {@code reason} and not left half made, e/b copied, and the rerun exact.
     */
    private void acrossFilesystemsOneFileFails(String calls, String errno, boolean onTarget, String reason)
            throws Exception {
        Strace.assumeUsable(false);
        trees();
        src = sourceInTmpfs();
        try {
            Fx.write(src.resolve("d/a"), Fx.random(256 << 10, 1));
            Fx.write(src.resolve("e/b"), Fx.random(1000, 2));
            Path aim = (onTarget ? dst : src).resolve("d/a");

            Strace.Run run = Strace.inject(calls, errno).at(aim).pdm(tmp, "copy", "--json", src.toString(),
                    dst.toString());

            assertThat(run.injected()).as(run.toString()).anySatisfy(l -> assertThat(l).startsWith("sendfile("))
                    .allSatisfy(l -> assertThat(l).contains(aim + ">"));
            assertFailed(run, "/d/a", reason);
            assertThat(dst.resolve("d/a")).doesNotExist();
            assertThat(dst.resolve("e/b")).hasBinaryContent(Fx.random(1000, 2));
            assertTheRerunIsExact("copy");
        } finally {
            Fx.deleteTree(src);
        }
    }

    /** A source directory in /dev/shm: another filesystem than the test's temp dir, where the target goes. */
    private Path sourceInTmpfs() throws IOException {
        Path shm = Path.of("/dev/shm");
        assumeTrue(Files.isDirectory(shm) && !Files.getFileStore(shm).equals(Files.getFileStore(tmp)),
                "needs /dev/shm on another filesystem than " + tmp);
        return Files.createTempDirectory(shm, "pdm-fault-src");
    }

    @Test
    void aWriteErrorReportedByFsyncFailsThatFile() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/a"), Fx.random(256 << 10, 1));
        Fx.write(src.resolve("e/b"), Fx.random(1000, 2));

        // (a write-back error of the target's disk: the data calls succeeded, the flush did not)
        Strace.Run run = Strace.inject("fsync,fdatasync", "EIO").at(dst.resolve("d/a"))
                .pdm(tmp, "copy", "--json", "--fsync", src.toString(), dst.toString());

        assertThat(run.injected()).as(run.toString()).singleElement()
                .satisfies(l -> assertThat(l).contains(dst.resolve("d/a") + ">"));
        assertFailed(run, "/d/a", "EIO");
        assertThat(dst.resolve("d/a")).doesNotExist();
        assertThat(dst.resolve("e/b")).hasBinaryContent(Fx.random(1000, 2));
        assertTheRerunIsExact("copy");
    }

    @Test
    void noSpaceForSeveralFilesFailsEachOfThemAndTheRestIsCopied() throws Exception {
        Strace.assumeUsable(false);
        trees();
        for (String f : List.of("a", "b", "c")) {
            Fx.write(src.resolve("full/" + f), Fx.random(64 << 10, f.charAt(0)));
        }
        Fx.write(src.resolve("roomy/ok"), Fx.random(1000, 4));

        Path full = dst.resolve("full");
        Strace.Run run = Strace.inject("copy_file_range,pwrite64", "ENOSPC")
                .at(full.resolve("a"), full.resolve("b"), full.resolve("c"))
                .pdm(tmp, "copy", "--json", src.toString(), dst.toString());

        // one failed write per file, each on the file it makes
        assertThat(run.injected()).as(run.toString()).hasSize(3);
        for (String f : List.of("a", "b", "c")) {
            assertThat(run.injected()).as(run.toString()).filteredOn(l -> l.contains(full.resolve(f) + ">")).hasSize(1);
        }
        assertFailed(run, "/full/a", "ENOSPC");
        assertFailed(run, "/full/b", "ENOSPC");
        assertFailed(run, "/full/c", "ENOSPC");
        assertThat(run.result().count("files_failed")).isEqualTo(3);
        assertThat(run.result().count("files_copied")).isEqualTo(1);
        assertThat(Fx.count(dst.resolve("full"))).as("entries in /full").isZero();
        assertThat(dst.resolve("roomy/ok")).hasBinaryContent(Fx.random(1000, 4));
        assertTheRerunIsExact("copy");
    }

    @Test
    void anUpdateWhoseWriteFailsHalfWayKeepsTheOldCopy() throws Exception {
        Strace.assumeUsable(true);
        trees();
        // Two data extents with a hole between: two copy_file_range calls, and the second fails
        // after the first has written its part into the temp file.
        Path a = Fx.mkdirs(src.resolve("d")).resolve("a");
        try (RandomAccessFile f = new RandomAccessFile(a.toFile(), "rw")) {
            f.write(Fx.random(128 << 10, 1));
            f.seek(2 << 20);
            f.write(Fx.random(128 << 10, 2));
        }
        Path old = Fx.write(dst.resolve("d/a"), "the old copy");
        Fx.chmod(old, 0640);
        Fx.mtime(old, 1_600_000_000_123_456_789L);
        SortedMap<String, String> before = below(dst.resolve("d"));

        Strace.Run run = Strace.inject("copy_file_range,pwrite64", "EIO").when("2").at(tempNames(dst.resolve("d")))
                .asPid1().pdm(tmp, "copy", "--json", src.toString(), dst.toString());

        assertThat(run.injected()).as(run.toString()).singleElement()
                .satisfies(l -> assertThat(l).contains(dst.resolve("d").resolve(TempNames.PREFIX) + "1-"));
        String temp = tempName(run.injected().getFirst());
        assertThat(run.trace().lines().filter(l -> l.contains("/" + temp + ">") && l.matches(".*\\) = [1-9]\\d*$")))
                .as("the first part was written into %s before the failure: %s", temp, run).isNotEmpty();
        assertFailed(run, "/d/a", "EIO");
        assertThat(below(dst.resolve("d"))).as("the old copy, untouched").isEqualTo(before);
        assertThat(old).hasContent("the old copy");
        assertTheRerunIsExact("copy");
    }

    /**
     * Longer than the clock-skew margin of FileMeta.mayHaveChangedSince: a copy whose ctime is
     * this much newer than its source's is trusted to have the source's xattrs by later passes.
     */
    private static final long PAST_THE_MARGIN_MS = 6_000;

    @Test
    void aCrashBeforeANewFilesXattrIsWrittenLeavesWhatTheNextPassFinishes() throws Exception {
        Strace.assumeUsable(false);
        trees();
        // (empty and new: made under its own name, no temp file and no rename to commit it)
        Path empty = Fx.write(src.resolve("d/empty"), "");
        setfattr(empty, "kept");
        Fx.mtime(empty, 1_600_000_000_123_456_789L);
        copyKilledAtFirst("fsetxattr", "d/empty>", "\"user.pdm\"");
        assertThat(dst.resolve("d/empty")).as("made under its own name before the crash").exists();
        assertTheRerunIsExact("copy");
    }

    @Test
    void aCrashWhileAnXattrIsFixedInPlaceLeavesWhatTheNextPassFinishes() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Path f = Fx.write(src.resolve("d/f"), Fx.random(4096, 3));
        Fx.mtime(f, 1_600_000_000_123_456_789L);
        Pdm.Result first = Pdm.json("copy", src, dst);
        assertThat(first.exit()).as(first.toString()).isZero();
        setfattr(f, "new"); // (moves the ctime alone: the next pass fixes the copy in place)
        copyKilledAtFirst("fsetxattr", "d/f>", "\"user.pdm\"");
        assertTheRerunIsExact("copy");
    }

    @Test
    void aCrashBeforeANewDirectorysXattrIsWrittenLeavesWhatTheNextPassFinishes() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/sub/f"), "f");
        setfattr(src.resolve("d/sub"), "kept");
        Fx.mtime(src.resolve("d/sub"), 1_600_000_000_123_456_789L);
        copyKilledAtFirst("fsetxattr", "d/sub>", "\"user.pdm\"");
        assertThat(dst.resolve("d/sub")).as("made before the crash").isDirectory();
        assertTheRerunIsExact("copy");
    }

    @Test
    void aCrashBeforeANewEmptyFileLosesTheAclItInheritedLeavesWhatTheNextPassFinishes() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Path empty = Fx.write(src.resolve("d/empty"), "");
        Fx.mtime(empty, 1_600_000_000_123_456_789L);
        // (the copy of d passes this on to what is made in it: the new file must lose it again)
        assertThat(TreeComparer.run(List.of("setfacl", "-d", "-m", "u:nobody:rwx", src.resolve("d").toString())))
                .isEmpty();
        copyKilledAtFirst("fremovexattr", "d/empty>", "posix_acl_access");
        assertTheRerunIsExact("copy");
        assertThat(TreeComparer.run(List.of("getfacl", "-c", dst.resolve("d/empty").toString())))
                .isEqualTo(TreeComparer.run(List.of("getfacl", "-c", empty.toString())));
    }

    /**
     * The state a crash between a file's rename (or a directory's times) and its immutable flag
     * leaves: the copy current in all but the flag, its ctime well past the source's. Made here
     * with chattr on the target rather than a kill: which ioctl of the file's is the flag's own
     * is not something a path and an ordinal aim at. The next pass must see it from the listing.
     */
    @Test
    void aCopyLeftWithoutItsImmutableFlagGetsItFromTheNextPass() throws Exception {
        assumeTrue(Tools.root() && Tools.has("chattr"), "chattr +i needs root");
        trees();
        Fx.write(src.resolve("d/sub/f"), "locked");
        Fx.mtime(src.resolve("d/sub/f"), 1_600_000_000_123_456_789L);
        try {
            Tools.run("chattr", "+i", src.resolve("d/sub/f").toString());
            Tools.run("chattr", "+a", src.resolve("d/sub").toString());
            Pdm.Result first = Pdm.json("copy", src, dst);
            assertThat(first.exit()).as(first.toString()).isZero();
            assertThat(lsattr(dst.resolve("d/sub/f"))).contains("i");
            Thread.sleep(PAST_THE_MARGIN_MS);
            Tools.run("chattr", "-i", dst.resolve("d/sub/f").toString());
            Tools.run("chattr", "-a", dst.resolve("d/sub").toString());

            Pdm.Result again = Pdm.json("copy", src, dst);

            assertThat(again.exit()).as(again.toString()).isZero();
            assertThat(lsattr(dst.resolve("d/sub/f"))).as(again.toString()).contains("i");
            assertThat(lsattr(dst.resolve("d/sub"))).as(again.toString()).contains("a");
            TreeComparer.assertSameTree(src, dst);
        } finally {
            Tools.exec(null, "chattr", "-R", "-i", "-a", tmp.toString()); // (or the temp directory stays)
        }
    }

    /** The flags lsattr shows for the entry itself (a directory's, not its entries'). */
    private static String lsattr(Path p) {
        return Tools.run("lsattr", "-d", p.toString()).split(" ")[0];
    }

    /**
     * Waits out the margin, then runs a copy that strace kills as it enters its first {@code call}
     * (before the kernel runs it), and proves the kill hit that call on {@code target} (the end of
     * the descriptor's path) with {@code argument}: a call that never returned ("= ?"), and strace
     * exiting as its child was killed.
     */
    private void copyKilledAtFirst(String call, String target, String argument) throws Exception {
        Thread.sleep(PAST_THE_MARGIN_MS);
        // (only pdm sets and removes xattrs: aimed by call, not by path)
        Strace.Run run = Strace.killAt(call).when("1").anywhere().pdm(tmp, "copy", src.toString(), dst.toString());
        assertThat(run.trace().lines().filter(l -> l.startsWith(call + "(")).toList()).as(run.toString())
                .singleElement().satisfies(l -> assertThat(l).contains(target).contains(argument).endsWith("= ?"));
        assertThat(run.exit()).as(run.toString()).isEqualTo(128 + 9);
    }

    /**
     * A file the target does not have is written under its own name, its mtime last (safety rule
     * 3): killed while its data is written, pdm leaves it there with the time it was made, which
     * verify reports and the next pass copies again.
     */
    @Test
    void aCrashWhileANewFilesDataIsWrittenLeavesAFileTheNextPassCopiesAgain() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Path a = Fx.write(src.resolve("d/a"), Fx.random(256 << 10, 1));
        Fx.mtime(a, 1_600_000_000_123_456_789L);
        Fx.write(src.resolve("e/b"), Fx.random(1000, 2));

        // (the one file written under this name: its data calls go through a descriptor of it)
        Strace.Run run = Strace.killAt("copy_file_range,sendfile,pwrite64").when("1").at(dst.resolve("d/a"))
                .pdm(tmp, "copy", src.toString(), dst.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(128 + 9);
        assertThat(run.trace().lines().filter(l -> l.matches("(copy_file_range|sendfile|pwrite64)\\(.*")).toList())
                .as(run.toString()).singleElement()
                .satisfies(l -> assertThat(l).contains(dst.resolve("d/a") + ">").endsWith("= ?"));
        assertThat(dst.resolve("d/a")).as("made under its own name before the crash").exists();
        assertThat(Fx.mtime(dst.resolve("d/a"))).as("the time it was made, not the source's")
                .isNotEqualTo(Fx.mtime(a));
        assertThat(Files.size(dst.resolve("d/a"))).isLessThan(256 << 10);
        Pdm.Result verify = Pdm.json("verify", src, dst);
        assertThat(verify.exit()).as(verify.toString()).isEqualTo(1);
        assertThat(verify.out()).as(verify.toString()).contains("/d/a");
        assertTheRerunIsExact("copy");
        assertThat(Pdm.json("verify", src, dst).exit()).isZero();
    }

    /**
     * Killed between two of an existing directory's xattrs: xattrs move only the ctime, and later
     * passes trust a directory whose ctime is newer than its source's (beyond the clocks' skew,
     * 5 s, waited out first) and whose mtime is the source's. So the mtime is put off before the
     * first xattr, and the next pass compares the directory's xattrs again and sets the one missing.
     */
    @Test
    void aCrashBetweenTwoOfADirectorysXattrsLeavesItForTheNextPass() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Path d = Files.createDirectories(src.resolve("d"));
        Fx.write(d.resolve("f"), "x");
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        Fx.xattr(d, "user.a", Fx.bytes("1"));
        Fx.xattr(d, "user.b", Fx.bytes("2"));
        Thread.sleep(5_500);

        Strace.Run run = Strace.killAt("fsetxattr").when("2").at(dst.resolve("d"))
                .pdm(tmp, "copy", src.toString(), dst.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(128 + 9);
        assertThat(run.trace().lines().filter(l -> l.startsWith("fsetxattr(")).toList()).as(run.toString())
                .hasSize(2).last().satisfies(l -> assertThat(l).contains(dst.resolve("d") + ">").endsWith("= ?"));
        assertThat(Tools.run("getfattr", "--absolute-names", "-d", dst.resolve("d").toString()))
                .as("one of the two set before the crash").contains("user.a").doesNotContain("user.b");
        assertTheRerunIsExact("copy");
        assertThat(Tools.run("getfattr", "--absolute-names", "-d", dst.resolve("d").toString())).contains("user.b");
    }

    /**
     * Killed after an existing directory's new owner and before its new access ACL (which waits
     * for the owner: safety rule 10), with its mode and mtime already the source's: the chown
     * moved its ctime past the source's, so the next pass would trust it, ACL missing, for ever.
     * Its mtime is put off before the chown.
     */
    @Test
    void aCrashBetweenADirectorysOwnerAndItsAclLeavesItForTheNextPass() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Path d = Files.createDirectories(src.resolve("d"));
        Fx.write(d.resolve("f"), "x");
        Fx.chown(d, 1001, 1001);
        Fx.chmod(d, 0700);
        assertThat(Pdm.json("copy", src, dst).exit()).isZero();
        long mtime = Fx.mtime(d);
        Fx.chown(d, 1002, 1002);
        Tools.run("setfacl", "-m", "u:1003:rx", d.toString());
        Fx.chmod(d, 0700); // (mask ---: the mode stays 0700, as the target's)
        Fx.mtime(d, mtime);
        Thread.sleep(PAST_THE_MARGIN_MS);

        Strace.Run run = Strace.killAt("fsetxattr").when("1").at(dst.resolve("d"))
                .pdm(tmp, "copy", src.toString(), dst.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(128 + 9);
        assertThat(run.trace().lines().filter(l -> l.startsWith("fsetxattr(")).toList()).as(run.toString())
                .singleElement().satisfies(l -> assertThat(l).contains(dst.resolve("d") + ">")
                        .contains("system.posix_acl_access").endsWith("= ?"));
        assertThat(Fx.uid(dst.resolve("d"))).as("chowned before the crash").isEqualTo(1002);
        assertTheRerunIsExact("copy");
        assertThat(Tools.run("getfacl", "-n", "-p", dst.resolve("d").toString())).contains("user:1003:r-x");
    }

    /**
     * A new file's making fails after its name was taken over (a task run twice, on another worker,
     * put its own copy there): the rollback removes the file it made, never what now has the name.
     */
    @Test
    void aFailedNewFileLeavesAloneWhatTookItsNameMeanwhile() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/a"), Fx.random(4096, 1));
        Files.createDirectories(dst.resolve("d"));

        // (its chmod, after the data, waits 3 s and then fails: time for the name to be taken over)
        Strace strace = Strace.delayThenFail("fchmod", "3s", "EIO").at(dst.resolve("d/a"));
        Thread run = new Thread(() -> {
            try {
                result = strace.pdm(tmp, "copy", "--json", src.toString(), dst.toString());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        run.start();
        Path other = Fx.write(tmp.resolve("other"), "another copy of a");
        for (int i = 0; i < 600 && !Files.exists(dst.resolve("d/a")); i++) {
            Thread.sleep(10);
        }
        assertThat(dst.resolve("d/a")).as("made under its own name").exists();
        Files.move(other, dst.resolve("d/a"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        run.join();

        assertThat(result.injected()).as(result.toString()).singleElement()
                .satisfies(l -> assertThat(l).startsWith("fchmod(").contains(dst.resolve("d/a") + ">"));
        assertFailed(result, "/d/a", "EIO");
        assertThat(dst.resolve("d/a")).as("what took the name, untouched").hasContent("another copy of a");
        assertTheRerunIsExact("copy");
    }

    private volatile Strace.Run result;

    /**
     * A kernel without listxattrat (before Linux 6.13; a seccomp filter answers ENOSYS for it here):
     * the xattrs of a file pdm does not open (a new empty file's, asked by name) are listed through
     * the directory's /proc/self/fd link instead, and the copy is as exact.
     */
    @Test
    void withoutListxattratTheXattrsOfANewEmptyFileAreCopiedAllTheSame() throws Exception {
        // (465: listxattrat on x86_64 and arm64, unknown to strace 6.1; 38: ENOSYS)
        newEmptyFilesCopiedUnder(Seccomp.failing(tmp, "465", 38));
    }

    /**
     * A container whose seccomp profile is older than the calls answers EPERM for them, as Docker's
     * default profile does: listxattrat (465) and file_getattr (468, Linux 6.17) refused, the xattrs
     * and flags of new empty files are read the older ways, and the copy is as exact.
     */
    @Test
    void underASeccompProfileThatRefusesNewCallsWithEpermTheCopyIsAsExact() throws Exception {
        newEmptyFilesCopiedUnder(Seccomp.failing(tmp, "465,468", 1));
    }

    /** Copies two new empty files, one with an xattr, under {@code wrapper}: the /proc way asked, the copy exact. */
    private void newEmptyFilesCopiedUnder(List<String> wrapper) throws Exception {
        Strace.assumeUsable(false);
        trees();
        Path tagged = Fx.write(src.resolve("d/tagged"), "");
        setfattr(tagged, "kept");
        Path plain = Fx.write(src.resolve("d/plain"), "");
        boolean flags = Tools.root() && Tools.has("chattr");
        if (flags) {
            Tools.run("chattr", "+d", plain.toString()); // (no-dump: read by file_getattr, else by an ioctl)
        }

        Strace.Run run = Strace.trace("llistxattr").under(wrapper)
                .pdm(tmp, "copy", "--json", src.toString(), dst.toString());

        assertThat(run.trace().lines().filter(l -> l.startsWith("llistxattr(\"/proc/self/fd/")).toList())
                .as("the fallback asked about both files: " + run).anySatisfy(l -> assertThat(l).contains("/tagged\""))
                .anySatisfy(l -> assertThat(l).contains("/plain\""));
        assertThat(run.exit()).as(run.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
        assertThat(Tools.run("getfattr", "--absolute-names", "-n", "user.pdm", "--only-values",
                dst.resolve("d/tagged").toString())).isEqualTo("kept");
        if (flags) {
            assertThat(lsattr(dst.resolve("d/plain"))).contains("d");
        }
    }

    @Test
    void anUpdateWhoseRenameFailsKeepsTheOldCopy() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/a"), Fx.random(64 << 10, 1));
        Path old = Fx.write(dst.resolve("d/a"), "the old copy");
        Fx.mtime(old, 1_600_000_000_123_456_789L);
        SortedMap<String, String> before = below(dst.resolve("d"));

        // (the rename names the temp file and the file relative to the directory's descriptor,
        // which -P matches; glibc's renameat2 without flags is the renameat call)
        Strace.Run run = Strace.inject("renameat,renameat2", "EIO").at(dst.resolve("d"))
                .pdm(tmp, "copy", "--json", src.toString(), dst.toString());

        assertThat(run.injected()).as(run.toString()).singleElement()
                .satisfies(l -> assertThat(l).contains(TempNames.PREFIX).contains("\"a\""));
        assertFailed(run, "/d/a", "EIO");
        assertThat(below(dst.resolve("d"))).as("the old copy, untouched").isEqualTo(before);
        assertTheRerunIsExact("copy");
    }

    @Test
    void aFailedListingUnderSyncDeletesNothingBelowIt() throws Exception {
        Strace.assumeUsable(false);
        trees();
        Fx.write(src.resolve("d/a"), "a");
        Fx.write(src.resolve("d/b"), "b");
        Fx.write(src.resolve("d/sub/c"), "c");
        Fx.write(src.resolve("e/f"), "f");
        Pdm.Result first = Pdm.json("sync", src, dst);
        assertThat(first.exit()).as(first.toString()).isZero();
        // What a sync would delete: a file gone from the source and entries only the target has.
        Files.delete(src.resolve("d/b"));
        Fx.write(dst.resolve("d/stale"), "stale");
        Fx.write(dst.resolve("d/sub/stale"), "stale");
        Fx.write(dst.resolve("e/stale"), "stale");
        List<String> below = new ArrayList<>(TreeComparer.snapshot(dst.resolve("d"), false).keySet());

        // strace counts per thread: the first getdents64 of each thread on /d reads its entries
        // and every later one fails, so each listing of /d breaks off after reading entries
        // (had pdm trusted them, /d/b and /d/stale would be gone) or at once.
        Strace.Run run = Strace.inject("getdents64", "EIO").when("2+").at(src.resolve("d"))
                .pdm(tmp, "sync", "--json", src.toString(), dst.toString());

        assertThat(run.injected()).as(run.toString()).isNotEmpty()
                .allSatisfy(l -> assertThat(l).contains(src.resolve("d") + ">"));
        assertThat(run.trace().lines().filter(l -> l.startsWith("getdents64(") && l.matches(".*\\) = [1-9]\\d*$")))
                .as("a listing that read entries before it failed: " + run).isNotEmpty();
        assertFailed(run, "/d", "EIO");
        assertThat(TreeComparer.snapshot(dst.resolve("d"), false).keySet()).as("nothing below /d deleted")
                .containsExactlyElementsOf(below);
        assertThat(dst.resolve("d/b")).hasContent("b");
        assertThat(dst.resolve("e/stale")).as("the rest of the sync is done").doesNotExist();
        assertTheRerunIsExact("sync");
    }

    /** The names of the temp files pdm, run as pid 1, makes in {@code dir}: .pdm-tmp-1-1, -2, ... */
    private static Path[] tempNames(Path dir) {
        Path[] out = new Path[TEMP_NAMES];
        for (int n = 1; n <= TEMP_NAMES; n++) {
            out[n - 1] = dir.resolve(TempNames.PREFIX + "1-" + Long.toString(n, 36));
        }
        return out;
    }

    /** Every entry below {@code dir} (not itself: its times move when a temp file comes and goes), inode and ctime too. */
    private static SortedMap<String, String> below(Path dir) throws IOException {
        SortedMap<String, String> all = TreeComparer.snapshot(dir, true);
        all.remove("");
        return all;
    }

    /** The temp file a traced call was on. */
    private static String tempName(String traceLine) {
        Matcher m = Pattern.compile(Pattern.quote(TempNames.PREFIX) + "1-[0-9a-z]+").matcher(traceLine);
        assertThat(m.find()).as("a temp file in " + traceLine).isTrue();
        return m.group();
    }

    private static void setfattr(Path p, String value) throws IOException {
        assertThat(TreeComparer.run(List.of("setfattr", "-n", "user.pdm", "-v", value, p.toString()))).isEmpty();
    }

    /** Exit 1, the file named with the errno, and nothing half done left in the target. */
    private void assertFailed(Strace.Run run, String path, String errno) throws IOException {
        assertThat(run.exit()).as(run.toString()).isEqualTo(1);
        assertThat(run.result().failures()).as(run.toString())
                .anySatisfy(f -> {
                    assertThat(f.path()).isEqualTo(path);
                    assertThat(f.error()).contains(errno);
                });
        assertThat(Fx.names(dst)).as("temp files left").noneMatch(n -> n.startsWith(TempNames.PREFIX));
    }

    private void assertTheRerunIsExact(String command) throws IOException {
        Pdm.Result again = Pdm.json(command, src, dst);
        assertThat(again.exit()).as(again.toString()).isZero();
        TreeComparer.assertSameTree(src, dst);
    }
}

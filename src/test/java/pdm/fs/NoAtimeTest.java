package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/**
 * Reading leaves atimes alone: the files and directories pdm reads are opened with O_NOATIME
 * (pdm runs as root here, which the kernel always allows it to). The mount is relatime, which
 * updates an atime older than a day on the next read, so every atime is first made old with
 * {@code touch -a -d}: a read without O_NOATIME moves it (the control file shows that it does).
 * The atimes are read by stat of known names, never by listing a directory, which would move
 * the directory's own.
 */
class NoAtimeTest {
    private static final String OLD = "2001-02-03 04:05:06.123456789";

    /** Every entry of the source, by name: "" is the root. */
    private static final String[] ENTRIES = {"", "top.txt", "a", "a/one.txt", "a/b", "a/b/two.txt", "a/empty",
            "a/new.txt"};

    @TempDir
    Path tmp;

    @Test
    void copySyncVerifyAndChecksumLeaveTheAtimesTheyRead() throws Exception {
        Path src = tmp.resolve("src");
        Path dst = tmp.resolve("dst");
        Fx.write(src.resolve("top.txt"), "top");
        Fx.write(src.resolve("a/one.txt"), "one");
        Fx.write(src.resolve("a/b/two.txt"), Fx.random(300_000, 7));
        Fx.mkdirs(src.resolve("a/empty"));
        Path control = Fx.write(tmp.resolve("control.txt"), "read me");
        makeOld(src);
        makeOld(control);
        Map<String, FileTime> before = atimes(src);

        FileTime old = atime(control);
        Files.readAllBytes(control);
        assertThat(atime(control)).as("this mount updates an old atime on a plain read").isNotEqualTo(old);

        Pdm.Result copy = Pdm.json("copy", src, dst);

        assertThat(copy.exit()).as(copy.toString()).isZero();
        assertThat(atimes(src)).as("source atimes after copy").isEqualTo(before);

        Fx.write(src.resolve("a/new.txt"), "new");
        makeOld(src);
        before = atimes(src);
        Pdm.Result sync = Pdm.json("sync", src, dst);

        assertThat(sync.exit()).as(sync.toString()).isZero();
        assertThat(atimes(src)).as("source atimes after sync").isEqualTo(before);
        Map<String, FileTime> target = atimes(dst);
        assertThat(target).as("sync gave the target the source's (old) atimes").isEqualTo(before);

        Pdm.Result verify = Pdm.json("verify", src, dst);

        assertThat(verify.exit()).as(verify.toString()).isZero();
        assertThat(atimes(src)).as("source atimes after verify").isEqualTo(before);
        assertThat(atimes(dst)).as("target atimes after verify").isEqualTo(target);

        Pdm.Result checksum = Pdm.json("copy", src, dst, "--checksum");

        assertThat(checksum.exit()).as(checksum.toString()).isZero();
        assertThat(atimes(src)).as("source atimes after copy --checksum").isEqualTo(before);
        assertThat(atimes(dst)).as("target atimes after copy --checksum").isEqualTo(target);
    }

    /** touch -a -d OLD on every entry below and including {@code p}. */
    private static void makeOld(Path p) throws IOException, InterruptedException {
        Process t = new ProcessBuilder("find", p.toString(), "-exec", "touch", "-a", "-h", "-d", OLD, "{}", "+")
                .inheritIO().start();
        assertThat(t.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(t.exitValue()).isZero();
    }

    private static FileTime atime(Path p) throws IOException {
        return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).lastAccessTime();
    }

    /** Name to atime of each of {@link #ENTRIES} that exists below {@code root}. */
    private static Map<String, FileTime> atimes(Path root) throws IOException {
        Map<String, FileTime> out = new TreeMap<>();
        for (String e : ENTRIES) {
            Path p = root.resolve(e);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                out.put(e, atime(p));
            }
        }
        return out;
    }
}

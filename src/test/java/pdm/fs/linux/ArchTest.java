package pdm.fs.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The constants tables against the kernel's UAPI headers: the ones installed here
 * (linux-libc-dev: asm-generic, linux/fcntl.h, linux/openat2.h, errno) where they are, and
 * arm64's own fcntl.h, which only an arm64 system installs, as the kernel writes it.
 */
class ArchTest {
    /** arch/arm64/include/uapi/asm/fcntl.h: the four flags arm64 defines before including asm-generic. */
    private static final String ARM64_FCNTL = """
            #define O_DIRECTORY	 040000	/* must be a directory */
            #define O_NOFOLLOW	0100000	/* don't follow links */
            #define O_DIRECT	0200000	/* direct disk access hint - currently ignored */
            #define O_LARGEFILE	0400000
            """;

    /** asm-generic/fcntl.h, for a machine without the headers installed (the values pdm's table must match). */
    private static final String GENERIC_FCNTL = """
            #define O_WRONLY	00000001
            #define O_CREAT		00000100
            #define O_EXCL		00000200
            #define O_NONBLOCK	00004000
            #define O_DIRECT	00040000
            #define O_LARGEFILE	00100000
            #define O_DIRECTORY	00200000
            #define O_NOFOLLOW	00400000
            #define O_CLOEXEC	02000000
            #define O_PATH		010000000
            #define O_NOATIME	01000000
            """;

    private static final Pattern DEFINE = Pattern.compile("#define\\s+(\\w+)\\s+(-?(?:0x[0-9a-fA-F]+|\\d+))");

    private static Map<String, Long> defines(String text) {
        Map<String, Long> out = new HashMap<>();
        Matcher m = DEFINE.matcher(text);
        while (m.find()) {
            String v = m.group(2);
            boolean neg = v.startsWith("-");
            String d = neg ? v.substring(1) : v;
            long n = d.startsWith("0x") ? Long.parseLong(d.substring(2), 16)
                    : d.length() > 1 && d.startsWith("0") ? Long.parseLong(d.substring(1), 8) : Long.parseLong(d);
            out.putIfAbsent(m.group(1), neg ? -n : n);
        }
        return out;
    }

    private static String header(String path, String fallback) throws IOException {
        Path p = Path.of("/usr/include", path);
        return Files.isReadable(p) ? Files.readString(p) : fallback;
    }

    private static void assertOpenFlags(Arch a, Map<String, Long> h) {
        assertThat((long) a.oWronly()).as(a.name() + " O_WRONLY").isEqualTo(h.get("O_WRONLY"));
        assertThat((long) a.oCreat()).as(a.name() + " O_CREAT").isEqualTo(h.get("O_CREAT"));
        assertThat((long) a.oExcl()).as(a.name() + " O_EXCL").isEqualTo(h.get("O_EXCL"));
        assertThat((long) a.oNonblock()).as(a.name() + " O_NONBLOCK").isEqualTo(h.get("O_NONBLOCK"));
        assertThat((long) a.oDirectory()).as(a.name() + " O_DIRECTORY").isEqualTo(h.get("O_DIRECTORY"));
        assertThat((long) a.oNofollow()).as(a.name() + " O_NOFOLLOW").isEqualTo(h.get("O_NOFOLLOW"));
        assertThat((long) a.oDirect()).as(a.name() + " O_DIRECT").isEqualTo(h.get("O_DIRECT"));
        assertThat((long) a.oLargefile()).as(a.name() + " O_LARGEFILE").isEqualTo(h.get("O_LARGEFILE"));
        assertThat((long) a.oCloexec()).as(a.name() + " O_CLOEXEC").isEqualTo(h.get("O_CLOEXEC"));
        assertThat((long) a.oPath()).as(a.name() + " O_PATH").isEqualTo(h.get("O_PATH"));
        assertThat((long) a.oNoatime()).as(a.name() + " O_NOATIME").isEqualTo(h.get("O_NOATIME"));
    }

    @Test
    void x86_64TakesTheGenericOpenFlags() throws IOException {
        assertOpenFlags(Arch.X86_64, defines(header("asm-generic/fcntl.h", GENERIC_FCNTL)));
    }

    @Test
    void aarch64OverridesFourOfThem() throws IOException {
        Map<String, Long> h = defines(ARM64_FCNTL); // its own first, as the header includes asm-generic after
        defines(header("asm-generic/fcntl.h", GENERIC_FCNTL)).forEach(h::putIfAbsent);
        assertOpenFlags(Arch.AARCH64, h);
        assertThat(Arch.AARCH64.oNofollow()).as("on arm64 the x86 O_NOFOLLOW bit is O_LARGEFILE")
                .isEqualTo(0100000).isNotEqualTo(Arch.X86_64.oNofollow());
    }

    @Test
    void atFlagsResolveFlagsAndSeekAsTheHeadersSay() throws IOException {
        Map<String, Long> h = defines(header("linux/fcntl.h", "") + header("linux/openat2.h", "")
                + header("linux/fs.h", ""));
        for (Arch a : new Arch[]{Arch.X86_64, Arch.AARCH64}) {
            if (h.containsKey("AT_FDCWD")) {
                assertThat((long) a.atFdcwd()).isEqualTo(h.get("AT_FDCWD"));
                assertThat((long) a.atSymlinkNofollow()).isEqualTo(h.get("AT_SYMLINK_NOFOLLOW"));
                assertThat((long) a.atRemovedir()).isEqualTo(h.get("AT_REMOVEDIR"));
                assertThat((long) a.atEmptyPath()).isEqualTo(h.get("AT_EMPTY_PATH"));
            }
            if (h.containsKey("RESOLVE_BENEATH")) {
                assertThat(a.resolveBeneath()).isEqualTo(h.get("RESOLVE_BENEATH"));
                assertThat(a.resolveNoSymlinks()).isEqualTo(h.get("RESOLVE_NO_SYMLINKS"));
                assertThat(a.resolveNoMagiclinks()).isEqualTo(h.get("RESOLVE_NO_MAGICLINKS"));
            }
            if (h.containsKey("SEEK_DATA")) {
                assertThat((long) a.seekData()).isEqualTo(h.get("SEEK_DATA"));
                assertThat((long) a.seekHole()).isEqualTo(h.get("SEEK_HOLE"));
            }
        }
    }

    @Test
    void errnoValuesAreTheGenericOnes() throws IOException {
        Map<String, Long> h = defines(header("asm-generic/errno-base.h", "") + header("asm-generic/errno.h", ""));
        if (h.isEmpty()) {
            return; // (no headers: the values are the table's own)
        }
        for (Errno e : Errno.values()) {
            if (e != Errno.OTHER) {
                assertThat((long) e.number()).as(e.name()).isEqualTo(h.get(e.name()));
                assertThat(Errno.of(e.number())).isSameAs(e);
            }
        }
        assertThat(Errno.of(200)).isSameAs(Errno.OTHER);
    }

    @Test
    void otherArchitecturesAndSystemsAreRefused() {
        assertThatThrownBy(() -> Arch.of("Linux", "riscv64")).isInstanceOf(UnsupportedPlatformException.class)
                .hasMessageContaining("riscv64").hasMessageContaining("x86_64 and aarch64");
        assertThatThrownBy(() -> Arch.of("Mac OS X", "aarch64")).isInstanceOf(UnsupportedPlatformException.class)
                .hasMessageContaining("Linux only");
        assertThat(Arch.of("Linux", "amd64")).isSameAs(Arch.X86_64);
        assertThat(Arch.of("Linux", "aarch64")).isSameAs(Arch.AARCH64);
    }
}

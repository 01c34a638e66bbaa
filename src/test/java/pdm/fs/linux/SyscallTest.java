package pdm.fs.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import pdm.fs.linux.Syscall.Nr;

/**
 * The one downcall every system call goes through: its numbers against the kernel's UAPI headers
 * installed here (linux-libc-dev: x86_64's unistd_64.h, and asm-generic/unistd.h, which is arm64's
 * table), and a wrong number, argument or pointer answered as the kernel answers it.
 */
class SyscallTest {
    private static final Pattern DEFINE = Pattern.compile("#define\\s+__NR(?:3264)?_(\\w+)\\s+(\\d+)");

    private static Map<String, Long> numbers(String header) throws IOException {
        Path p = Path.of("/usr/include", header);
        if (!Files.isReadable(p)) {
            assertThat(System.getenv("CI")).as(p + " is missing: install linux-libc-dev").isNotEqualTo("true");
            assumeTrue(false, p + " is missing: install linux-libc-dev");
        }
        Map<String, Long> out = new HashMap<>();
        Matcher m = DEFINE.matcher(Files.readString(p));
        while (m.find()) {
            out.putIfAbsent(m.group(1), Long.parseLong(m.group(2)));
        }
        return out;
    }

    @Test
    void everyNumberIsTheHeadersOnBothArchitectures() throws IOException {
        Map<String, Long> x86 = numbers("x86_64-linux-gnu/asm/unistd_64.h");
        Map<String, Long> generic = numbers("asm-generic/unistd.h");
        int checked = 0;
        // Calls newer than these headers (linux-libc-dev 6.1 here), with the number the kernel's
        // scripts/syscall.tbl gives both architectures: listxattrat (Linux 6.13), file_getattr (6.17)
        Map<Nr, Long> newer = Map.of(Nr.LISTXATTRAT, 465L, Nr.FILE_GETATTR, 468L);
        for (Nr nr : Nr.values()) {
            if (newer.containsKey(nr) && !x86.containsKey(nr.call)) {
                assertThat(nr.x86_64).as(nr.call).isEqualTo(newer.get(nr)).isEqualTo(nr.aarch64);
                continue;
            }
            assertThat(x86.get(nr.call)).as("x86_64 __NR_" + nr.call).isEqualTo(nr.x86_64);
            assertThat(generic.get(nr.call)).as("arm64 __NR_" + nr.call).isEqualTo(nr.aarch64);
            checked++;
        }
        assertThat(checked).isGreaterThanOrEqualTo(Nr.values().length - newer.size());
    }

    @Test
    void aFailedCallLeavesItsErrnoAndTheNextSucceeds() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment cap = a.allocate(Syscall.CAPTURE);
            assertThat(Syscall.invoke(cap, Nr.CLOSE, -1, 0, 0, 0)).isEqualTo(-1);
            assertThat(Syscall.errno(cap)).isEqualTo(Errno.EBADF.number());
            MemorySegment buf = a.allocate(256, 8);
            assertThat(Syscall.invoke(cap, Nr.STATFS, Syscall.ptr(a.allocateFrom("/nonexistent/x")), Syscall.ptr(buf),
                    0, 0)).isEqualTo(-1);
            assertThat(Syscall.errno(cap)).isEqualTo(Errno.ENOENT.number());
            assertThat(Syscall.invoke(cap, Nr.STATFS, Syscall.ptr(a.allocateFrom("/")), Syscall.ptr(buf), 0, 0))
                    .isZero();
        }
    }

    @Test
    void aHeapSegmentIsNoPointer() {
        assertThatThrownBy(() -> Syscall.ptr(MemorySegment.ofArray(new byte[8])))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heap");
        assertThat(Syscall.ptr(MemorySegment.NULL)).isZero();
    }
}

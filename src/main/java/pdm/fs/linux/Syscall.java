package pdm.fs.linux;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The one downcall behind every system call of this package: glibc's {@code long syscall(long
 * number, ...)} with six register-wide arguments, errno captured by the linker. java.lang.foreign
 * spins a class for each distinct function shape, at every start (about 8 ms each here; the 23
 * shapes of the typed C wrappers were a fifth of a second and a third of a start's CPU), so one
 * shape for every call means one stub. The kernel takes unused argument registers as they are, and
 * narrows each argument to its declared C type (an int from the low 32 bits), so every argument is
 * passed as a long: a pointer as the address of a native segment ({@link #ptr}).
 */
final class Syscall {
    private static final Linker LINKER = Linker.nativeLinker();
    static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final long ERRNO = CAPTURE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(
                    () -> new UnsupportedPlatformException("the C library has no syscall(2)")),
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG),
            Linker.Option.firstVariadicArg(1), Linker.Option.captureCallState("errno"));

    /**
     * The system calls pdm makes and their numbers on x86_64 (arch/x86/entry/syscalls/syscall_64.tbl)
     * and arm64 (asm-generic/unistd.h); the name is what an error message says.
     */
    enum Nr {
        READ(0, 63), CLOSE(3, 57), LSEEK(8, 62), IOCTL(16, 29), PREAD64(17, 67), PWRITE64(18, 68),
        FCNTL(72, 25), FSYNC(74, 82), FTRUNCATE(77, 46), FCHMOD(91, 52), FCHOWN(93, 55), STATFS(137, 43), FSTATFS(138, 44),
        LSETXATTR(189, 6), FSETXATTR(190, 7), LGETXATTR(192, 9), FGETXATTR(193, 10), LLISTXATTR(195, 12),
        FLISTXATTR(196, 13), LREMOVEXATTR(198, 15), FREMOVEXATTR(199, 16), GETDENTS64(217, 61),
        FADVISE64(221, 223), OPENAT(257, 56), MKDIRAT(258, 34), MKNODAT(259, 33), FCHOWNAT(260, 54),
        UNLINKAT(263, 35), LINKAT(265, 37), SYMLINKAT(266, 36), READLINKAT(267, 78), FCHMODAT(268, 53),
        UTIMENSAT(280, 88), FANOTIFY_INIT(300, 262), FANOTIFY_MARK(301, 263), OPEN_BY_HANDLE_AT(304, 265),
        SENDFILE(40, 71), RENAMEAT2(316, 276), COPY_FILE_RANGE(326, 285), STATX(332, 291), OPENAT2(437, 437),
        LISTXATTRAT(465, 465), FILE_GETATTR(468, 468);

        /** The call's number on x86_64, on arm64, and on this machine. */
        final long x86_64;
        final long aarch64;
        final long number;
        /** The call's name as its manual page spells it. */
        final String call;

        Nr(long x86_64, long aarch64) {
            this.x86_64 = x86_64;
            this.aarch64 = aarch64;
            this.number = Arch.current() == Arch.X86_64 ? x86_64 : aarch64;
            this.call = name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private Syscall() {
    }

    /** System call {@code nr}; what the kernel returned, or -1 with the errno in {@code capture}. */
    static long invoke(MemorySegment capture, Nr nr, long a, long b, long c, long d, long e, long f) {
        try {
            return (long) SYSCALL.invokeExact(capture, nr.number, a, b, c, d, e, f);
        } catch (Throwable t) {
            throw new IllegalStateException("the " + nr.call + " downcall failed: " + t, t);
        }
    }

    static long invoke(MemorySegment capture, Nr nr, long a, long b, long c, long d) {
        return invoke(capture, nr, a, b, c, d, 0, 0);
    }

    /** The errno a failed {@link #invoke} left in {@code capture}. */
    static int errno(MemorySegment capture) {
        return capture.get(JAVA_INT, ERRNO);
    }

    /**
     * The address of a native segment, to pass as a pointer ({@link MemorySegment#NULL} is 0).
     * The caller keeps the segment reachable until the call returns (a scratch buffer of the
     * thread, a confined arena still open, or a {@link java.lang.ref.Reference#reachabilityFence}).
     */
    static long ptr(MemorySegment s) {
        if (!s.isNative()) {
            throw new IllegalArgumentException("a system call takes native memory, not a heap segment");
        }
        return s.address();
    }
}

package pdm.fs.linux;

import java.util.Locale;
import java.util.Map;

/**
 * The constants pdm passes to the kernel, per architecture, from the kernel's UAPI headers
 * (asm-generic/fcntl.h and arch/arm64/include/uapi/asm/fcntl.h, linux/fcntl.h, linux/openat2.h,
 * asm-generic/errno-base.h and errno.h). x86_64 takes the generic open flags; arm64 swaps
 * four of them, so "never follow a symlink" is a different bit there. One table is chosen at
 * start; any other architecture is refused.
 */
public record Arch(String name, int oRdonly, int oWronly, int oCreat, int oExcl, int oNonblock, int oDirectory,
                   int oNofollow, int oCloexec, int oPath, int oDirect, int oLargefile, int atFdcwd,
                   int atSymlinkNofollow, int atRemovedir, int atEmptyPath, long resolveNoMagiclinks,
                   long resolveNoSymlinks, long resolveBeneath, long sysOpenat2, int seekData, int seekHole,
                   Map<String, Integer> errno) {

    /** errno values: the same asm-generic numbers on both architectures. */
    private static final Map<String, Integer> GENERIC_ERRNO = Map.ofEntries(
            Map.entry("EPERM", 1), Map.entry("ENOENT", 2), Map.entry("EINTR", 4), Map.entry("EIO", 5),
            Map.entry("EBADF", 9), Map.entry("EAGAIN", 11), Map.entry("ENOMEM", 12), Map.entry("EACCES", 13),
            Map.entry("EBUSY", 16), Map.entry("EEXIST", 17), Map.entry("EXDEV", 18), Map.entry("ENODEV", 19),
            Map.entry("ENOTDIR", 20), Map.entry("EISDIR", 21), Map.entry("EINVAL", 22), Map.entry("ENFILE", 23),
            Map.entry("EMFILE", 24), Map.entry("ETXTBSY", 26), Map.entry("EFBIG", 27), Map.entry("ENOSPC", 28),
            Map.entry("ESPIPE", 29), Map.entry("EROFS", 30), Map.entry("EMLINK", 31), Map.entry("ERANGE", 34),
            Map.entry("ENAMETOOLONG", 36), Map.entry("ENOSYS", 38), Map.entry("ENOTEMPTY", 39),
            Map.entry("ELOOP", 40), Map.entry("ENODATA", 61), Map.entry("EOPNOTSUPP", 95),
            Map.entry("ESTALE", 116), Map.entry("EDQUOT", 122));

    public static final Arch X86_64 = new Arch("x86_64", 0, 01, 0100, 0200, 04000, 0200000, 0400000, 02000000,
            010000000, 040000, 0100000, -100, 0x100, 0x200, 0x1000, 0x02, 0x04, 0x08, 437, 3, 4, GENERIC_ERRNO);

    /** arm64: O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE are its own; the rest is generic. */
    public static final Arch AARCH64 = new Arch("aarch64", 0, 01, 0100, 0200, 04000, 040000, 0100000, 02000000,
            010000000, 0200000, 0400000, -100, 0x100, 0x200, 0x1000, 0x02, 0x04, 0x08, 437, 3, 4, GENERIC_ERRNO);

    /** The table of the architecture this JVM runs on. */
    public static Arch current() {
        return of(System.getProperty("os.name"), System.getProperty("os.arch"));
    }

    static Arch of(String os, String arch) {
        if (!"Linux".equals(os)) {
            throw new UnsupportedPlatformException("pdm runs on Linux only, not on " + os);
        }
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "amd64", "x86_64" -> X86_64;
            case "aarch64", "arm64" -> AARCH64;
            default -> throw new UnsupportedPlatformException("pdm knows the system call constants of x86_64 and "
                    + "aarch64 only, not of " + arch + "; guessing them could make \"never follow a symlink\" "
                    + "mean something else");
        };
    }

    int errno(String name) {
        return errno.get(name);
    }
}

package pdm.fs.linux;

import java.util.Locale;

/**
 * The constants pdm passes to the kernel, per architecture, from the kernel's UAPI headers
 * (asm-generic/fcntl.h and arch/arm64/include/uapi/asm/fcntl.h, linux/fcntl.h, linux/openat2.h;
 * errno values are the same on both: {@link Errno}). x86_64 takes the generic open flags; arm64 swaps
 * four of them, so "never follow a symlink" is a different bit there. One table is chosen at
 * start; any other architecture is refused. System call numbers are {@link Syscall.Nr}'s.
 */
public record Arch(String name, int oRdonly, int oWronly, int oCreat, int oExcl, int oNonblock, int oDirectory,
                   int oNofollow, int oCloexec, int oPath, int oDirect, int oLargefile, int oNoatime, int atFdcwd,
                   int atSymlinkNofollow, int atRemovedir, int atEmptyPath, long resolveNoMagiclinks,
                   long resolveNoSymlinks, long resolveBeneath, int seekData, int seekHole) {

    public static final Arch X86_64 = new Arch("x86_64", 0, 01, 0100, 0200, 04000, 0200000, 0400000, 02000000,
            010000000, 040000, 0100000, 01000000, -100, 0x100, 0x200, 0x1000, 0x02, 0x04, 0x08, 3, 4);

    /** arm64: O_DIRECTORY, O_NOFOLLOW, O_DIRECT and O_LARGEFILE are its own; the rest is generic. */
    public static final Arch AARCH64 = new Arch("aarch64", 0, 01, 0100, 0200, 04000, 040000, 0100000, 02000000,
            010000000, 0200000, 0400000, 01000000, -100, 0x100, 0x200, 0x1000, 0x02, 0x04, 0x08, 3, 4);

    /**
     * O_TMPFILE: __O_TMPFILE (020000000, the same on x86_64 and arm64) with this architecture's
     * O_DIRECTORY, as linux/fcntl.h defines it.
     */
    public int oTmpfile() {
        return 020000000 | oDirectory;
    }

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
}

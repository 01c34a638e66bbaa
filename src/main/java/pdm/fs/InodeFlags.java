package pdm.fs;

/**
 * Which inode flags ({@code chattr}) a copy carries, and how it writes them: merged into what
 * the target has, since the filesystem manages some bits itself (ext4 refuses to clear its
 * extents flag: EPERM), and immutable and append-only last of all, since after them the entry
 * takes no other change. Values from linux/fs.h.
 */
public final class InodeFlags {
    public static final int SYNC = 0x8;
    public static final int IMMUTABLE = 0x10;
    public static final int APPEND = 0x20;
    public static final int NODUMP = 0x40;
    public static final int NOATIME = 0x80;
    public static final int DIRSYNC = 0x10000;
    public static final int PROJINHERIT = 0x20000000;
    public static final int NOCOW = 0x800000;

    /**
     * The flags a user sets and a copy keeps: S i a d A D P C. Every other bit is either managed
     * by the filesystem (extents, inline data, encrypted, verity, casefold, index...), needs a
     * capability root lacks here (data journalling), or is a hint no filesystem acts on.
     */
    public static final int COPIED = SYNC | IMMUTABLE | APPEND | NODUMP | NOATIME | DIRSYNC | PROJINHERIT | NOCOW;
    /** The flags after which the entry takes no other change: set last, cleared first. */
    public static final int LOCKING = IMMUTABLE | APPEND;
    /** Only directories take these (a file: EOPNOTSUPP on ext4). */
    public static final int DIR_ONLY = DIRSYNC | PROJINHERIT;
    /** FS_XFLAG_PROJINHERIT of struct fsxattr: the same bit as PROJINHERIT, in the other interface. */
    public static final int XFLAG_PROJINHERIT = 0x200;
    /**
     * The copied flags as struct fsxattr's xflags say them (FS_XFLAG_SYNC, IMMUTABLE, APPEND,
     * NODUMP, NOATIME, PROJINHERIT; the kernel maps each to its inode flag): no-COW and dirsync
     * have no xflag.
     */
    public static final long XFLAGS_COPIED = 0x20 | 0x8 | 0x10 | 0x80 | 0x40 | XFLAG_PROJINHERIT;

    private static final int[] BITS = {SYNC, IMMUTABLE, APPEND, NODUMP, NOATIME, DIRSYNC, PROJINHERIT, NOCOW};
    private static final char[] LETTERS = {'S', 'i', 'a', 'd', 'A', 'D', 'P', 'C'};

    private InodeFlags() {
    }

    /** The copied flags of {@code flags} that an entry of this kind can take. */
    public static int copied(int flags, boolean dir) {
        return flags & COPIED & (dir ? ~0 : ~DIR_ONLY);
    }

    /** The target's flags with the copied ones made the source's, its own bits left as they are. */
    public static int merge(int target, int source, boolean dir) {
        int mask = COPIED & (dir ? ~0 : ~DIR_ONLY);
        return (target & ~mask) | (source & mask);
    }

    /** "+i -d": the copied flags the target lacks (+) or has beyond the source (-), in chattr's letters. */
    public static String difference(int source, int target) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < BITS.length; k++) {
            boolean s = (source & BITS[k]) != 0;
            boolean t = (target & BITS[k]) != 0;
            if (s != t) {
                b.append(b.isEmpty() ? "" : " ").append(s ? '+' : '-').append(LETTERS[k]);
            }
        }
        return b.toString();
    }

    /** The letters of the copied flags set, as lsattr shows them ("ia"), or "" for none. */
    public static String letters(int flags) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < BITS.length; k++) {
            if ((flags & BITS[k]) != 0) {
                b.append(LETTERS[k]);
            }
        }
        return b.toString();
    }
}

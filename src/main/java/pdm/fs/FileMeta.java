package pdm.fs;

import pdm.fs.linux.Sys;
/**
 * What lstat says about one entry, with times in nanoseconds since the epoch.
 * {@code perms} holds the 12 permission bits (setuid, setgid, sticky and rwx);
 * {@code ctimeNs} is {@link #UNKNOWN_CTIME} where the filesystem (or an older peer's
 * message) did not say.
 */
public record FileMeta(FileType type, int perms, int uid, int gid, long size,
                       long mtimeNs, long atimeNs, long dev, long ino, int nlink, long rdev, long ctimeNs,
                       int locks) {

    public static final long UNKNOWN_CTIME = Long.MAX_VALUE;
    /** {@code locks} where the filesystem (or a message) does not say whether the entry is immutable or append-only. */
    public static final int UNKNOWN_LOCKS = -1;

    /** An entry whose immutable and append-only bits are not known. */
    public FileMeta(FileType type, int perms, int uid, int gid, long size, long mtimeNs, long atimeNs, long dev,
                    long ino, int nlink, long rdev, long ctimeNs) {
        this(type, perms, uid, gid, size, mtimeNs, atimeNs, dev, ino, nlink, rdev, ctimeNs, UNKNOWN_LOCKS);
    }

    /** The mtime of a target entry whose stamp is not to be believed (the journal saw the source written). */
    private static final long STAMP_NOT_BELIEVED = Long.MIN_VALUE;

    /**
     * This target entry with a stamp no source matches: the change journal saw the source file
     * written, and a same-size write whose mtime was set back looks current by size and mtime.
     */
    public FileMeta stampNotBelieved() {
        return new FileMeta(type, perms, uid, gid, size, STAMP_NOT_BELIEVED, atimeNs, dev, ino, nlink, rdev, ctimeNs,
                locks);
    }

    /** Whether {@link #stampNotBelieved} made this; a second look at the target keeps it so. */
    public boolean stampBelieved() {
        return mtimeNs != STAMP_NOT_BELIEVED;
    }

    /**
     * How far apart the clocks that stamp the source's and the target's ctimes may be (the
     * servers, or on Lustre the clients, that change them) for {@link #mayHaveChangedSince} to
     * stay right: NTP keeps them within milliseconds. A wider margin would cost a look at the
     * xattrs of every entry copied within that long of its last change, in every later pass.
     */
    static final long CLOCK_SKEW_NS = 5_000_000_000L;

    public boolean isDir() {
        return type == FileType.DIR;
    }

    public boolean isFile() {
        return type == FileType.FILE;
    }

    public boolean isSymlink() {
        return type == FileType.SYMLINK;
    }

    /**
     * Whether this source entry may have changed in a way that moves no mtime (a user xattr
     * written) since {@code copy}, its target entry, was last written: its ctime is not clearly
     * older than the copy's. Every change of an inode moves its ctime, and nobody can set a
     * ctime; the copy's ctime is the moment pdm last wrote it (a copy re-checks the source's
     * ctime after it has read the xattrs, see CopyPass). An unknown ctime on either side
     * answers yes.
     */
    public boolean mayHaveChangedSince(FileMeta copy) {
        if (ctimeNs == UNKNOWN_CTIME || copy.ctimeNs == UNKNOWN_CTIME || ctimeNs <= 0 || copy.ctimeNs <= 0) {
            return true;
        }
        return ctimeNs > copy.ctimeNs - CLOCK_SKEW_NS;
    }

    /**
     * Whether this source entry surely changed after {@code copy} was last written: both ctimes
     * known, and this one the later. No margin for the servers' clocks, unlike
     * {@link #mayHaveChangedSince}: for a check whose yes costs a copy of the data, where a no
     * leaves rsync's quick check, not a miss.
     */
    public boolean changedAfter(FileMeta copy) {
        return ctimeNs != UNKNOWN_CTIME && copy.ctimeNs != UNKNOWN_CTIME && ctimeNs > 0 && copy.ctimeNs > 0
                && ctimeNs > copy.ctimeNs;
    }

    /**
     * Whether statx says this source entry is immutable or append-only and its copy {@code tgt}
     * not (or the other way): those flags are set last of all, after the times, which such an
     * entry no longer takes, so a copy that a crash left without them has a current stamp and a
     * ctime newer than the source's ({@link #mayHaveChangedSince} says no). Seen here from the
     * listing's statx alone, at no cost; false where either filesystem does not say.
     */
    public boolean locksDiffer(FileMeta tgt) {
        return locks != UNKNOWN_LOCKS && tgt.locks != UNKNOWN_LOCKS && locks != tgt.locks;
    }

    /** The quick check of rsync and sdsc/pdm: same type, size and mtime (to the ns). */
    public boolean sameContentStamp(FileMeta o) {
        return type == o.type && size == o.size && mtimeNs == o.mtimeNs;
    }

    /** What statx said. */
    static FileMeta of(Sys.Stat s) {
        return new FileMeta(FileType.ofMode(s.mode()), s.mode() & 07777, s.uid(), s.gid(), s.size(), s.mtimeNs(),
                s.atimeNs(), s.dev(), s.ino(), s.nlink(), s.rdev(), s.ctimeNs(), s.locks());
    }
}

package pdm.fs;

/**
 * What lstat says about one entry, with times in nanoseconds since the epoch.
 * {@code perms} holds the 12 permission bits (setuid, setgid, sticky and rwx).
 */
public record FileMeta(FileType type, int perms, int uid, int gid, long size,
                       long mtimeNs, long atimeNs, long dev, long ino, int nlink, long rdev) {

    public boolean isDir() {
        return type == FileType.DIR;
    }

    public boolean isFile() {
        return type == FileType.FILE;
    }

    public boolean isSymlink() {
        return type == FileType.SYMLINK;
    }

    /** The quick check of rsync and the seed: same type, size and mtime (to the ns). */
    public boolean sameContentStamp(FileMeta o) {
        return type == o.type && size == o.size && mtimeNs == o.mtimeNs;
    }
}

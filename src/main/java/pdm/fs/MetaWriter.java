package pdm.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Puts a source entry's owner, mode and times on a target entry, in the only order that
 * works: chown first (it clears setuid/setgid), then chmod, then times, to the nanosecond for
 * every type (utimensat with AT_SYMLINK_NOFOLLOW for symlinks and special files).
 */
public final class MetaWriter {
    private final boolean setOwner;

    /** @param setOwner false when not running as root: like rsync, pdm then keeps its own uid. */
    public MetaWriter(boolean setOwner) {
        this.setOwner = setOwner;
    }

    /** On the entry {@code name} of {@code dir}, never following it if it is a symlink. */
    public void apply(Dir dir, Path name, FileMeta src) throws IOException {
        dir.setMeta(name, src, setOwner);
    }

    /** The same on a file this process holds open. */
    public void apply(FileHandle file, FileMeta src) throws IOException {
        file.setMeta(src, setOwner);
    }

    /**
     * Owner and mode alone, on a file whose times come last ({@link #applyTimes}): a file's xattrs
     * go between, so that its times, the mark later passes trust, say it is done only once it is.
     */
    public void applyOwnerMode(FileHandle file, FileMeta src) throws IOException {
        file.setOwnerMode(src, setOwner);
    }

    public void applyTimes(FileHandle file, FileMeta src) throws IOException {
        file.setTimes(src);
    }
}

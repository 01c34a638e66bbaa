package pdm.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributeView;

/**
 * Puts a source entry's owner, mode, times and user xattrs on a target path, in the only
 * order that works: chown first (it clears setuid/setgid), then chmod, then times.
 */
public final class MetaWriter {
    private final boolean setOwner;

    /** @param setOwner false when not running as root: like rsync, pdm then keeps its own uid. */
    public MetaWriter(boolean setOwner) {
        this.setOwner = setOwner;
    }

    public void apply(Path target, FileMeta src) throws IOException {
        if (setOwner) {
            Unix.lchown(target, src.uid(), src.gid());
        }
        if (!src.isSymlink()) {
            // chmod(2) by path: the entry is known not to be a symlink, and unlike the JDK's
            // NOFOLLOW variant it does not open the file (which blocks on a fifo).
            Files.setAttribute(target, "unix:mode", src.perms());
        }
        setTimes(target, src);
    }

    /** The same on a file this process holds open. */
    public void apply(int fd, FileMeta src) throws IOException {
        Unix.setMeta(fd, src, setOwner);
    }

    public void setTimes(Path target, FileMeta src) throws IOException {
        if (src.isFile() || src.isDir()) {
            Files.getFileAttributeView(target, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(Unix.fileTime(src.mtimeNs()), Unix.fileTime(src.atimeNs()), null);
        } else {
            // Symlinks and special files: lutimes(2), microseconds (the JDK 17 limit).
            Unix.lutimes(target, src.atimeNs() / 1000, src.mtimeNs() / 1000);
        }
    }
}

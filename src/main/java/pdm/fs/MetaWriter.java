package pdm.fs;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Puts a source entry's owner, mode and times on a target entry, in the only order that grants
 * nobody more than the source does at any moment: the owner first (a chown clears setuid, setgid
 * and capabilities), then the entry's xattrs and ACLs (by the caller, where it keeps them), then
 * the mode, then the times, to the nanosecond for every type (utimensat with AT_SYMLINK_NOFOLLOW
 * for symlinks and special files).
 *
 * <p>Why the mode after the ACLs: a chmod sets an ACL's mask from the group bits, which would
 * give a named user of an ACL still to be removed (one inherited from a default ACL, or the
 * copy's old one) what the mask then allows; and the owning group of an ACL still to be set
 * would get the group bits where its {@code group::} entry gives less. Set first, an ACL gives
 * exactly the source's permissions (its mode agrees with it), and the chmod after only adds
 * setuid, setgid and sticky bits. Where no ACL changes, owner then mode is the same order as
 * before.
 *
 * <p>An entry pdm made itself is owner-only and root's until then (files 0600, directories 0700,
 * special files 0600). An entry that already existed may give its group or others something: before
 * its owner or group changes, or an ACL is written, those bits are taken away
 * ({@link #guardMode}), so the new group never holds the old group's bits, nor a named user of a
 * changing ACL a widened mask. The owner keeps their bits: an owner may chmod their own entry anyway.
 */
public final class MetaWriter {
    private final boolean setOwner;

    /** @param setOwner false when not running as root: like rsync, pdm then keeps its own uid. */
    public MetaWriter(boolean setOwner) {
        this.setOwner = setOwner;
    }

    /**
     * The mode to give an existing entry before its owner changes or an ACL is written on it, or
     * -1 when none is needed: its owner's bits alone, where it gives its group or others anything.
     *
     * @param current the target entry as it is (null: pdm made it owner-only)
     * @param acls    whether its xattrs, ACLs among them, may be written before its mode
     */
    public static int guardMode(FileMeta current, FileMeta src, boolean setOwner, boolean acls) {
        if (current == null || current.isSymlink() || (current.perms() & 077) == 0) {
            return -1;
        }
        boolean owner = setOwner && (current.uid() != src.uid() || current.gid() != src.gid());
        return owner || acls ? current.perms() & 0700 : -1;
    }

    /** Owner, mode and times of the entry {@code name} of {@code dir}, never following it if it is a symlink. */
    public void apply(Dir dir, Path name, FileMeta src) throws IOException {
        dir.setMeta(name, src, setOwner);
    }

    /** Owner, mode and times of a file this process holds open, which is {@code current} ({@link #guardMode}). */
    public void apply(FileHandle file, FileMeta src, FileMeta current) throws IOException {
        applyOwner(file, src, current, false);
        applyMode(file, src);
        applyTimes(file, src);
    }

    /**
     * The owner alone, first: the caller writes the xattrs next, then {@link #applyMode}, then
     * {@link #applyTimes} (the times are the mark later passes trust: they say the file is done).
     *
     * @param current the file as it is before (null: made by pdm, owner-only), see {@link #guardMode}
     * @param acls    whether xattrs, ACLs among them, may be written between this and the mode
     */
    public void applyOwner(FileHandle file, FileMeta src, FileMeta current, boolean acls) throws IOException {
        // (the guard's chmod where needed, then the chown, as for a directory below; written out
        // twice rather than passed as lambdas: this runs once per file, and under C1 each
        // capturing lambda made is a call into the VM, bench/README "ninth")
        int guard = guardMode(current, src, setOwner, acls);
        if (guard >= 0) {
            file.setMode(guard);
        }
        if (setOwner) {
            file.setOwner(src);
        }
    }

    public void applyMode(FileHandle file, FileMeta src) throws IOException {
        file.setMode(src.perms());
    }

    public void applyTimes(FileHandle file, FileMeta src) throws IOException {
        file.setTimes(src);
    }

    /** The owner of the entry {@code name} of {@code dir} pdm made owner-only (a special file or symlink), first. */
    public void applyOwner(Dir dir, Path name, FileMeta src) throws IOException {
        if (setOwner) {
            dir.setOwner(name, src);
        }
    }

    /** Then, after its xattrs, its mode and times. */
    public void applyModeTimes(Dir dir, Path name, FileMeta src) throws IOException {
        dir.setModeTimes(name, src);
    }

    /**
     * A directory's own owner, guarded as a file's ({@link #applyOwner(FileHandle, FileMeta, FileMeta, boolean)}):
     * its access ACL goes between this and {@link #applyMode(Dir, FileMeta)}.
     */
    public void applyOwner(Dir dir, FileMeta src, FileMeta current, boolean acls) throws IOException {
        int guard = guardMode(current, src, setOwner, acls);
        if (guard >= 0) {
            dir.setMode(guard);
        }
        if (setOwner) {
            dir.setOwner(src);
        }
    }

    public void applyMode(Dir dir, FileMeta src) throws IOException {
        dir.setMode(src.perms());
    }
}

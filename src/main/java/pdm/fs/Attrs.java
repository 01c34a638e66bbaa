package pdm.fs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pdm.fs.linux.Errno;
import pdm.fs.linux.InodeAttrs;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;
import pdm.fs.linux.SysException;

/**
 * What an open file or directory has beyond owner, mode and times, as far as a policy keeps
 * it: xattrs of the kept namespaces (POSIX ACLs and capabilities included, as the kernel's
 * values), inode flags and project ID. Read from one side, written to the other in the order
 * the kernel requires:
 * <ol>
 * <li>after chown and before chmod (a chown clears security.capability and setuid; a chmod
 *     sets an ACL's mask from the group bits, which must not widen an ACL still to be removed or
 *     set: see {@link MetaWriter}), {@link #writeXattrs}: plain names, then the ACLs, then
 *     security.capability last (a data write clears it too, so all data is written by then; a
 *     chmod leaves it); a directory's access ACL waits for its owner, set once its subtree is done;</li>
 * <li>before the times, {@link #writeEarlyFlags}: the flags but immutable and append-only, and
 *     the project ID, except on a file still to be renamed into place (a rename into a
 *     project-inherit directory of a file with another ID fails with EXDEV): that one takes
 *     it after the rename, and its times after it;</li>
 * <li>last, {@link #writeFlags}: immutable and append-only, which would refuse the times, so
 *     nothing else needs to change the entry after.</li>
 * </ol>
 * None of these moves atime or mtime; each moves the ctime, after which later passes trust the
 * entry. So the mtime, which they do compare, is set after all of them but immutable and
 * append-only (which statx shows): a crash half way leaves an entry the next pass sees differ.
 *
 * @param xattrs name to value, of the names the policy keeps (and the caller may set)
 * @param flags  the inode flags, or {@link InodeAttrs#NONE} where there are none (or the policy drops them)
 * @param projid the project ID, or -1 where there is none (or the policy drops it)
 * @param skipped names on the entry the policy or the caller's privileges leave out (a filesystem's own,
 *                {@link XattrScope#managed}, not counted),
 *                and, without root, its immutable or append-only flag
 */
public record Attrs(Map<String, Xattrs.Value> xattrs, long flags, long projid, int skipped) {
    /** Nothing: an entry with no attributes, or one whose attributes were not read. */
    public static final Attrs NONE = new Attrs(Map.of(), InodeAttrs.NONE, -1, 0);
    /** What a directory just made has, as a dry run assumes: no flags, project 0. */
    public static final Attrs NEW_DIR = new Attrs(Map.of(), 0, 0, 0);
    private static final String CAPABILITY = "security.capability";

    /** Whether the xattr {@code name} can be set by a caller that is (not) root: trusted.* and security.* need root. */
    public static boolean settable(String name, boolean root) {
        return root || !(name.startsWith("trusted.") || name.startsWith("security."));
    }

    public static Attrs read(FileHandle f, AttrPolicy p, boolean root) throws IOException {
        return read(f.fd(), p, root, false);
    }

    /**
     * A regular file's attributes as a copy reads them from its source: as {@link #read}, but
     * where the filesystem shows every copied flag of a file in its fsxattr
     * ({@link InodeAttrs#xflagsEnough}), flags and project ID come from that one ioctl. The flags
     * are then the copied ones only: good for a source, never for a target whose own bits must stay.
     */
    public static Attrs readSource(FileHandle f, AttrPolicy p, boolean root) throws IOException {
        if (!p.flags() || !f.xflagsEnough()) {
            return read(f.fd(), p, root, false);
        }
        Attrs x = read(f.fd(), new AttrPolicy(p.xattrs(), p.acls(), false), root, false);
        InodeAttrs.FsXattr fsx = InodeAttrs.fsxattr(f.fd());
        if (fsx == null) {
            return read(f.fd(), p, root, false);
        }
        long flags = InodeAttrs.flagsOfXflags(fsx.xflags());
        int skipped = x.skipped();
        if (!root && (flags & InodeFlags.LOCKING) != 0) {
            flags &= ~InodeFlags.LOCKING; // (as read does: not kept without root, and counted)
            skipped++;
        }
        return new Attrs(x.xattrs(), flags, Integer.toUnsignedLong(fsx.projid()), skipped);
    }

    /** The xattrs only: the flags of a new file are its directory's, not worth the ioctls unless the source has some. */
    public static Attrs readXattrs(FileHandle f, AttrPolicy p, boolean root) throws IOException {
        return read(f.fd(), new AttrPolicy(p.xattrs(), p.acls(), false), root, false);
    }

    public static Attrs read(Dir d, AttrPolicy p, boolean root) throws IOException {
        return read(d.fd(), p, root, true);
    }

    /**
     * The xattrs of an entry pdm does not open (a symlink, fifo, socket or device node), by name:
     * no flags or project ID (those need an open descriptor; lsattr shows none for them either).
     * A symlink can hold trusted.* and security.* names, a fifo or device node those and an
     * access ACL; user.* only files and directories.
     */
    public static Attrs readEntry(Dir d, java.nio.file.Path name, AttrPolicy p, boolean root) throws IOException {
        return xattrsOf(XattrIo.of(d.fd(), NameBytes.bytes(name)), p, root, InodeAttrs.NONE, -1, 0);
    }

    private static Attrs read(int fd, AttrPolicy p, boolean root, boolean dir) throws IOException {
        long flags = InodeAttrs.NONE;
        long projid = -1;
        int skipped = 0;
        if (p.flags()) {
            flags = InodeAttrs.flags(fd);
            if (!root && flags != InodeAttrs.NONE && (flags & InodeFlags.LOCKING) != 0) {
                // (immutable and append-only need CAP_LINUX_IMMUTABLE: not kept, and counted, without root)
                flags &= ~InodeFlags.LOCKING;
                skipped++;
            }
            InodeAttrs.FsXattr fsx = flags == InodeAttrs.NONE ? null : InodeAttrs.fsxattr(fd);
            projid = fsx == null ? -1 : Integer.toUnsignedLong(fsx.projid());
        }
        // (names are listed even when none is kept: the summary counts what the policy left out)
        return xattrsOf(XattrIo.of(fd), p, root, flags, projid, skipped);
    }

    private static Attrs xattrsOf(XattrIo io, AttrPolicy p, boolean root, long flags, long projid, int skipped)
            throws IOException {
        Map<String, Xattrs.Value> x = new TreeMap<>();
        int left = skipped;
        for (String name : io.list()) {
            if (p.keeps(name) && settable(name, root)) {
                byte[] v = io.get(name);
                if (v != null) {
                    x.put(name, new Xattrs.Value(v));
                }
            } else if (!XattrScope.managed(name)) {
                left++;
            }
        }
        return new Attrs(x, flags, projid, left);
    }

    /**
     * The same without the access ACL: what a directory takes before its owner, whose access ACL
     * waits for it (see {@link MetaWriter}: set on a directory still root's, its {@code group::}
     * entry would be root's group's).
     */
    public Attrs withoutAccessAcl() {
        if (!xattrs.containsKey(Acl.ACCESS)) {
            return this;
        }
        Map<String, Xattrs.Value> x = new TreeMap<>(xattrs);
        x.remove(Acl.ACCESS);
        return new Attrs(x, flags, projid, skipped);
    }

    /** The access ACL alone (none where there is none), without flags or project ID. */
    public Attrs accessAclOnly() {
        Xattrs.Value acl = xattrs.get(Acl.ACCESS);
        return new Attrs(acl == null ? Map.of() : Map.of(Acl.ACCESS, acl), InodeAttrs.NONE, -1, 0);
    }

    /** The same with these inode flags (what the target has once {@link #writeEarlyFlags} set them). */
    public Attrs withFlags(long f) {
        return new Attrs(xattrs, f, projid, skipped);
    }

    /** The same with the immutable or append-only {@code bits} set again (those {@link #unlock} cleared). */
    public Attrs withLocked(int bits) {
        return bits == 0 || flags == InodeAttrs.NONE ? this : withFlags(flags | (bits & InodeFlags.LOCKING));
    }

    /**
     * Where xattrs are read and written: an open descriptor, or an entry by name below an open
     * directory (which pdm never opens: a symlink, fifo, socket or device node).
     */
    private interface XattrIo {
        java.util.List<String> list() throws IOException;

        byte[] get(String name) throws IOException;

        void set(String name, byte[] value) throws IOException;

        void remove(String name) throws IOException;

        static XattrIo of(int fd) {
            return new XattrIo() {
                public java.util.List<String> list() throws IOException {
                    return Sys.listXattrs(fd);
                }

                public byte[] get(String name) throws IOException {
                    return Sys.getXattr(fd, name);
                }

                public void set(String name, byte[] value) throws IOException {
                    Sys.setXattr(fd, name, value);
                }

                public void remove(String name) throws IOException {
                    Sys.removeXattr(fd, name);
                }
            };
        }

        static XattrIo of(int dirFd, byte[] entry) {
            return new XattrIo() {
                public java.util.List<String> list() throws IOException {
                    return Sys.listXattrs(dirFd, entry);
                }

                public byte[] get(String name) throws IOException {
                    return Sys.getXattr(dirFd, entry, name);
                }

                public void set(String name, byte[] value) throws IOException {
                    Sys.setXattr(dirFd, entry, name, value);
                }

                public void remove(String name) throws IOException {
                    Sys.removeXattr(dirFd, entry, name);
                }
            };
        }
    }

    /** The copied inode flags, 0 where there are none. */
    public int copiedFlags(boolean dir) {
        return flags == InodeAttrs.NONE ? 0 : InodeFlags.copied((int) flags, dir);
    }

    /** Whether writeFlags has anything to do on a target that has {@code tgt}. */
    public boolean flagsDiffer(Attrs tgt, boolean dir) {
        return copiedFlags(dir) != tgt.copiedFlags(dir) || projid > 0 && projid != tgt.projid
                || projid == 0 && tgt.projid > 0;
    }

    /** Whether the xattrs (ACLs compared as ACLs: none and a minimal one are the same) are the same. */
    public boolean sameXattrs(Attrs o) {
        return differingXattrs(o).isEmpty();
    }

    /** The names whose values differ between this (the source) and {@code tgt}, sorted. */
    public List<String> differingXattrs(Attrs tgt) {
        List<String> out = new ArrayList<>();
        for (var e : xattrs.entrySet()) {
            Xattrs.Value t = tgt.xattrs.get(e.getKey());
            if (!same(e.getKey(), e.getValue(), t)) {
                out.add(e.getKey());
            }
        }
        for (var e : tgt.xattrs.entrySet()) {
            if (!xattrs.containsKey(e.getKey()) && !same(e.getKey(), null, e.getValue())) {
                out.add(e.getKey());
            }
        }
        out.sort(null);
        return out;
    }

    /**
     * What differs from {@code tgt}, each named as verify lists it: "acl", "default acl",
     * "xattr security.capability", "flags +i", "project 4242 vs 0".
     */
    public List<String> differences(Attrs tgt, boolean dir) {
        List<String> out = xattrDifferences(tgt);
        String f = InodeFlags.difference(copiedFlags(dir), tgt.copiedFlags(dir));
        if (!f.isEmpty()) {
            out.add("flags " + f);
        }
        if (projid >= 0 && tgt.projid >= 0 && projid != tgt.projid) {
            out.add("project " + projid + " vs " + tgt.projid);
        }
        return out;
    }

    /** The xattrs (ACLs among them) that differ from {@code tgt}, named as {@link #differences} names them. */
    public List<String> xattrDifferences(Attrs tgt) {
        List<String> out = new ArrayList<>();
        List<String> names = differingXattrs(tgt);
        for (String acl : List.of(Acl.ACCESS, Acl.DEFAULT)) {
            if (names.contains(acl)) {
                out.add(acl.equals(Acl.ACCESS) ? "acl" : "default acl");
            }
        }
        for (String name : names) {
            if (!Acl.isAclName(name)) {
                out.add("xattr " + name);
            }
        }
        return out;
    }

    private static boolean same(String name, Xattrs.Value a, Xattrs.Value b) {
        if (Acl.isAclName(name)) {
            return Acl.same(name, a == null ? null : a.bytes(), b == null ? null : b.bytes());
        }
        return a != null && a.equals(b);
    }

    public static void writeXattrs(FileHandle to, Attrs src, Attrs tgt) throws IOException {
        writeXattrs(XattrIo.of(to.fd()), src, tgt);
    }

    public static void writeXattrs(Dir to, Attrs src, Attrs tgt) throws IOException {
        writeXattrs(XattrIo.of(to.fd()), src, tgt);
    }

    /** The xattrs of the entry {@code name} of {@code to}, which pdm does not open (see {@link #readEntry}). */
    public static void writeXattrs(Dir to, java.nio.file.Path name, Attrs src, Attrs tgt) throws IOException {
        writeXattrs(XattrIo.of(to.fd(), NameBytes.bytes(name)), src, tgt);
    }

    /**
     * Makes the kept xattrs of the target (read as {@code tgt}) those of {@code src}: removes what
     * the source lacks (an ACL a new entry inherited from its directory's default ACL too), then
     * sets plain names, the ACLs and security.capability, in that order, where they differ.
     */
    private static void writeXattrs(XattrIo io, Attrs src, Attrs tgt) throws IOException {
        for (String name : tgt.xattrs.keySet()) {
            if (!src.xattrs.containsKey(name)) {
                io.remove(name);
            }
        }
        List<String> order = new ArrayList<>();
        for (String name : src.xattrs.keySet()) {
            if (!Acl.isAclName(name) && !name.equals(CAPABILITY)) {
                order.add(name);
            }
        }
        for (String name : List.of(Acl.ACCESS, Acl.DEFAULT, CAPABILITY)) {
            if (src.xattrs.containsKey(name)) {
                order.add(name);
            }
        }
        for (String name : order) {
            Xattrs.Value v = src.xattrs.get(name);
            if (!v.equals(tgt.xattrs.get(name))) {
                try {
                    io.set(name, v.bytes());
                } catch (SysException e) {
                    throw cannotHold(e, name);
                }
            }
        }
    }

    /**
     * A target that refuses an attribute the source has: said with the attribute, what the
     * kernel answered and the option that leaves it out (never a silent loss; the entry fails).
     * Any other failure is passed on as it is.
     */
    private static IOException cannotHold(SysException e, String name) {
        if (!SysException.is(e, Errno.EOPNOTSUPP, Errno.EPERM, Errno.ENOSPC, Errno.E2BIG, Errno.ERANGE,
                Errno.EINVAL)) {
            return e;
        }
        String what = Acl.isAclName(name) ? (name.equals(Acl.ACCESS) ? "its ACL" : "its default ACL")
                : "xattr " + name;
        String option = Acl.isAclName(name) ? "--no-acls"
                : name.startsWith("user.") ? "--xattrs=none" : "--xattrs=user";
        return lost(e, "the target cannot hold " + what, option);
    }

    private static IOException lost(SysException e, String what, String option) {
        IOException out = new java.nio.file.FileSystemException(null, null, what + " (" + e.getReason() + "); "
                + option + " copies without it");
        out.initCause(e);
        return out;
    }

    public static void writeFlags(FileHandle to, Attrs src, Attrs tgt, String what) throws IOException {
        writeFlags(to.fd(), src, tgt, false, what);
    }

    public static void writeFlags(Dir to, Attrs src, Attrs tgt, String what) throws IOException {
        writeFlags(to.fd(), src, tgt, true, what);
    }

    /**
     * The project ID, then the inode flags merged into the target's own (the bits the filesystem
     * manages stay as they are): both skipped where already as the source has them.
     */
    private static void writeFlags(int fd, Attrs src, Attrs tgt, boolean dir, String what) throws IOException {
        if (src.projid >= 0 && tgt.projid >= 0 && src.projid != tgt.projid) {
            InodeAttrs.FsXattr fsx = InodeAttrs.fsxattr(fd);
            if (fsx != null) {
                try {
                    InodeAttrs.setFsxattr(fd, fsx.withProjid((int) src.projid), what);
                } catch (SysException e) {
                    throw SysException.is(e, Errno.EOPNOTSUPP, Errno.EINVAL, Errno.ENOTTY)
                            ? lost(e, "the target cannot hold project ID " + src.projid, "--no-flags") : e;
                }
            }
        }
        if (tgt.flags == InodeAttrs.NONE) {
            return;
        }
        int want = InodeFlags.merge((int) tgt.flags, src.copiedFlags(dir), dir);
        if (want != (int) tgt.flags) {
            try {
                InodeAttrs.setFlags(fd, want, what);
            } catch (SysException e) {
                throw SysException.is(e, Errno.EOPNOTSUPP, Errno.EINVAL, Errno.ENOTTY)
                        ? lost(e, "the target cannot hold inode flags " + InodeFlags.difference(
                                InodeFlags.copied(want, dir), tgt.copiedFlags(dir)), "--no-flags") : e;
            }
        }
    }

    /**
     * Before the times, and on a new file before its rename into place: the source's flags other
     * than immutable and append-only (which would refuse the times and the rename; the target's own
     * stay as they are), so that a target that cannot hold one fails the file before it takes the
     * name; and, where {@code projid}, the source's project ID. A project ID moves only the ctime,
     * after which later passes trust the entry: set before the mtime, a crash in between leaves
     * an entry the next pass sees differ. A file to be renamed takes it after the rename instead
     * (a project-inherit directory refuses a file of another project with EXDEV). Returns what
     * the target has then.
     */
    public static Attrs writeEarlyFlags(FileHandle to, Attrs src, Attrs tgt, boolean projid, String what)
            throws IOException {
        return writeEarlyFlags(to.fd(), src, tgt, false, projid, what);
    }

    /** The same for a directory, its project ID included: its children are done, no rename follows. */
    public static Attrs writeEarlyFlags(Dir to, Attrs src, Attrs tgt, String what) throws IOException {
        return writeEarlyFlags(to.fd(), src, tgt, true, true, what);
    }

    private static Attrs writeEarlyFlags(int fd, Attrs src, Attrs tgt, boolean dir, boolean projid, String what)
            throws IOException {
        boolean flags = tgt.flags != InodeAttrs.NONE && src.flags != InodeAttrs.NONE;
        long id = projid && src.projid >= 0 && tgt.projid >= 0 ? src.projid : -1;
        if (!flags && (id < 0 || id == tgt.projid)) {
            return tgt;
        }
        long earlyFlags = flags ? src.flags & ~InodeFlags.LOCKING | tgt.flags & InodeFlags.LOCKING : tgt.flags;
        Attrs early = new Attrs(Map.of(), earlyFlags, id, 0);
        writeFlags(fd, early, tgt, dir, what);
        long now = flags ? InodeFlags.merge((int) tgt.flags, early.copiedFlags(dir), dir) & 0xffffffffL : tgt.flags;
        return new Attrs(tgt.xattrs, now, id >= 0 ? id : tgt.projid, tgt.skipped);
    }

    /**
     * Puts an entry's mtime one second off, so that the next pass sees it differ and works on it
     * again: for an entry placed but whose flags or project ID could not be set (a second, not a
     * nanosecond: some filesystems keep whole seconds).
     */
    public static void markUnfinished(FileHandle f) throws IOException {
        markUnfinished(f.fd());
    }

    public static void markUnfinished(Dir d) throws IOException {
        markUnfinished(d.fd());
    }

    private static void markUnfinished(int fd) throws IOException {
        Sys.Stat st = Sys.fstat(fd);
        Sys.futimens(fd, st.atimeNs(), st.mtimeNs() - 1_000_000_000L);
    }

    /** Changes to an entry's attributes that must not be seen half done ({@link #unfinishedWhile}). */
    @FunctionalInterface
    public interface Change {
        void run() throws IOException;
    }

    /**
     * Runs {@code change} on a directory with its mtime put one second off, then puts its times
     * back: attribute writes move only the ctime, after which later passes trust the entry, so a
     * crash between two of them must leave it looking unfinished. Should {@code change} fail, the
     * mtime stays off: the next pass looks again.
     */
    public static void unfinishedWhile(Dir d, Change change) throws IOException {
        Sys.Stat st = Sys.fstat(d.fd());
        Sys.futimens(d.fd(), st.atimeNs(), st.mtimeNs() - 1_000_000_000L);
        change.run();
        Sys.futimens(d.fd(), st.atimeNs(), st.mtimeNs());
    }

    /** Sets NOCOW on a new, still empty file when the source has it: a filesystem takes it only then. */
    public static void writeNoCow(FileHandle to, Attrs src, String what) throws IOException {
        if ((src.copiedFlags(false) & InodeFlags.NOCOW) != 0) {
            long have = InodeAttrs.flags(to.fd());
            if (have != InodeAttrs.NONE && (have & InodeFlags.NOCOW) == 0) {
                InodeAttrs.setFlags(to.fd(), (int) have | InodeFlags.NOCOW, what);
            }
        }
    }

    /** Reads only the flags and project ID of an open entry (for the target side after a rename). */
    public static Attrs flagsOf(FileHandle f, AttrPolicy p) throws IOException {
        return p.flags() ? read(f.fd(), new AttrPolicy(XattrScope.NONE, false, true), true, false) : NONE;
    }

    public static Attrs flagsOf(Dir d, AttrPolicy p) throws IOException {
        return p.flags() ? read(d.fd(), new AttrPolicy(XattrScope.NONE, false, true), true, true) : NONE;
    }

    /**
     * Clears immutable and append-only of an open entry, so it can be changed, renamed over or
     * removed; returns the bits it cleared (0: it had none, nothing done) for {@link #relock}.
     */
    public static int unlock(FileHandle f, String what) throws IOException {
        return unlock(f.fd(), what);
    }

    public static int unlock(Dir d, String what) throws IOException {
        return unlock(d.fd(), what);
    }

    private static int unlock(int fd, String what) throws IOException {
        long flags = InodeAttrs.flags(fd);
        if (flags == InodeAttrs.NONE || (flags & InodeFlags.LOCKING) == 0) {
            return 0;
        }
        InodeAttrs.setFlags(fd, (int) flags & ~InodeFlags.LOCKING, what);
        return (int) flags & InodeFlags.LOCKING;
    }

    /** Sets again the bits {@link #unlock} cleared. */
    public static void relock(Dir d, int bits, String what) throws IOException {
        long flags = InodeAttrs.flags(d.fd());
        if (bits != 0 && flags != InodeAttrs.NONE) {
            InodeAttrs.setFlags(d.fd(), (int) flags | bits, what);
        }
    }

    public static void relock(FileHandle f, int bits, String what) throws IOException {
        long flags = InodeAttrs.flags(f.fd());
        if (bits != 0 && flags != InodeAttrs.NONE) {
            InodeAttrs.setFlags(f.fd(), (int) flags | bits, what);
        }
    }

    /**
     * What a filesystem can hold, asked of one of its directories without changing anything:
     * reading an xattr it cannot hold says EOPNOTSUPP, one it can ENODATA.
     */
    public record Holds(boolean xattrs, boolean acls, boolean flags) {
    }

    public static Holds holds(Dir d) throws IOException {
        return new Holds(InodeAttrs.holdsXattr(d.fd(), "user.pdm-probe"), InodeAttrs.holdsXattr(d.fd(), Acl.ACCESS),
                InodeAttrs.flags(d.fd()) != InodeAttrs.NONE);
    }

    /**
     * The namespaces among trusted.* and security.* that the open directory has names of (a
     * filesystem's own, {@link XattrScope#managed}, left out), in that order: what a copy of it
     * must find the target take.
     */
    public static List<String> rootNamespaces(Dir d) throws IOException {
        List<String> out = new ArrayList<>();
        List<String> names = Sys.listXattrs(d.fd());
        for (String ns : List.of("trusted", "security")) {
            if (names.stream().anyMatch(n -> n.startsWith(ns + ".") && !XattrScope.managed(n))) {
                out.add(ns);
            }
        }
        return out;
    }

    /** The project ID of an open directory, or -1 where it has none. */
    public static long projid(Dir d) throws IOException {
        InodeAttrs.FsXattr x = InodeAttrs.fsxattr(d.fd());
        return x == null ? -1 : Integer.toUnsignedLong(x.projid());
    }

    /**
     * Whether a new file in the open directory can take a project ID: one is tried on a file made
     * for the purpose and removed (a filesystem without project IDs refuses any but 0).
     */
    public static boolean takesProjectIds(Dir d, java.nio.file.Path probeName) throws IOException {
        try (FileHandle f = d.create(probeName)) {
            InodeAttrs.FsXattr x = InodeAttrs.fsxattr(f.fd());
            if (x == null) {
                return false;
            }
            try {
                InodeAttrs.setFsxattr(f.fd(), x.withProjid(x.projid() == 1 ? 2 : 1), "probe");
                return true;
            } catch (java.nio.file.FileSystemException e) {
                return false;
            }
        } finally {
            d.deleteFile(probeName);
        }
    }
}

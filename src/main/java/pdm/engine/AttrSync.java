package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import pdm.engine.ChangeList.Change;
import pdm.fs.AttrPolicy;
import pdm.fs.Attrs;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.InodeFlags;
import pdm.fs.Names;

/**
 * The one place a copy keeps what an entry has beyond owner, mode and times (xattrs of the
 * job's policy, POSIX ACLs, capabilities, inode flags, project IDs), in the order
 * {@link Attrs} gives: xattrs after the owner and before the mode (a directory's access ACL with
 * its owner, once its subtree is done), then flags and project ID, the times, and
 * immutable and append-only last; a symlink, fifo or device node's xattrs and ACL by name. Also where a target
 * entry that is immutable or append-only is unlocked to be updated, counted and listed
 * ({@code unlock}), and locked again; and where an attribute the target refuses never becomes a
 * silent loss: the entry is not placed, or is left looking unfinished to the next pass.
 */
final class AttrSync {
    private final PassContext ctx;
    private final AttrPolicy policy;
    private final boolean root;

    AttrSync(PassContext ctx) {
        this.ctx = ctx;
        this.policy = ctx.options().attrs();
        this.root = Privileges.isRoot();
    }

    /**
     * Whether an unchanged-looking entry is worth a look at its attributes: only where its ctime
     * says it may have changed since the copy (every attribute change moves the ctime), so a
     * pass over unchanged entries makes no call for them.
     */
    boolean worthALook(DirPair dir, Pair p) throws IOException {
        return p.src().mayHaveChangedSince(p.tgt()) && dir.tgt() != null
                && dir.src().mayDifferInAttrs(p.name(), dir.tgt(), policy);
    }

    /**
     * Whether a copy whose stamp is current lacks the source's immutable or append-only flag (or
     * has one the source lacks), as the listing's statx says ({@link FileMeta#locksDiffer}).
     */
    boolean locksDiffer(FileMeta src, FileMeta tgt) {
        return policy.flags() && src.locksDiffer(tgt);
    }

    Attrs read(FileHandle f) throws IOException {
        return Attrs.read(f, policy, root);
    }

    /** A copy's source file: its flags and project ID in one ioctl where they can be ({@link Attrs#readSource}). */
    Attrs readSource(FileHandle f) throws IOException {
        return Attrs.readSource(f, policy, root);
    }

    Attrs read(Dir d) throws IOException {
        return Attrs.read(d, policy, root);
    }

    /** Before any data: a flag a filesystem takes only on an empty file (no-COW). */
    void beforeData(FileHandle out, Attrs src, DirPair dir, Path name) throws IOException {
        if (policy.flags() && (src.copiedFlags(false) & InodeFlags.NOCOW) != 0) {
            Attrs.writeNoCow(out, src, dir.display(name));
        }
    }

    /**
     * After the owner and before the mode and times, on the open target file: its xattrs made the
     * source's (what it inherited from its directory's default ACL removed), and its flags other
     * than immutable and append-only. Returns what the target has, for {@link #afterPlace}. For
     * a file just created in {@code createdIn} (null: not known to be new): where an
     * earlier new file there came with no kept xattrs, neither does this one (what a new file gets
     * is its directory's: a default ACL, a security label), so its xattrs are not listed. Where
     * {@code projid}, the source's project ID too (a file made under its own name: no rename
     * follows that a project-inherit directory could refuse).
     */
    Attrs afterMeta(FileHandle out, Attrs src, pdm.fs.Dir createdIn, boolean projid) throws IOException {
        // (a new file's flags are those its directory passes on, which the source's got too: read
        // only where the source has flags or a project ID to give it)
        boolean flags = src.copiedFlags(false) != 0 || src.projid() > 0;
        Attrs tgt;
        if (flags) {
            tgt = Attrs.read(out, policy, root);
        } else if (createdIn != null && Boolean.TRUE.equals(createdIn.bareNewFiles())) {
            tgt = Attrs.NONE;
        } else {
            tgt = Attrs.readXattrs(out, policy, root);
            if (createdIn != null && createdIn.bareNewFiles() == null) {
                createdIn.bareNewFiles(tgt.xattrs().isEmpty());
            }
        }
        Attrs.writeXattrs(out, src, tgt);
        ctx.stats().attrsNotKept.add(src.skipped());
        // (the flags that allow a rename now: a target that cannot hold one fails the file before it is placed)
        return flags && policy.flags() ? Attrs.writeEarlyFlags(out, src, tgt, projid, String.valueOf(out.createdAs()))
                : tgt;
    }

    /**
     * Whether a file to be renamed into place must take its times after the rename: where it
     * is to get another project ID than it has. The ID can only follow the rename (see
     * {@link Attrs#writeEarlyFlags}), and the mtime, which later passes go by, must come after it.
     */
    static boolean timesAfterPlace(Attrs src, Attrs tgt) {
        return src.projid() >= 0 && tgt.projid() >= 0 && src.projid() != tgt.projid();
    }

    /**
     * After the rename into place: the project ID, then the times where they were put off for it
     * ({@code timesLater}, else null), then the flags (immutable, append-only), each where it
     * differs from what the target has. Should the target refuse one, the file's mtime is put off
     * so that the next pass copies it, and fails it, again: never a silent loss.
     */
    void afterPlace(DirPair dir, Path name, Attrs src, Attrs tgt, FileMeta timesLater) throws IOException {
        boolean flags = policy.flags() && src.flagsDiffer(tgt, false);
        if (!flags && timesLater == null) {
            return;
        }
        try (FileHandle f = dir.tgt().openRead(name)) {
            try {
                Attrs have = flags ? Attrs.flagsOf(f, policy) : tgt;
                if (timesLater != null) {
                    have = flags ? Attrs.writeEarlyFlags(f, src, have, true, dir.display(name)) : have;
                    ctx.metaWriter().applyTimes(f, timesLater);
                }
                if (flags) {
                    Attrs.writeFlags(f, src, have, dir.display(name));
                }
            } catch (IOException e) {
                unfinished(f, e);
                throw e;
            }
        }
    }

    /**
     * A file whose data is current: its attributes made the source's, in place (after its owner
     * and mode): xattrs, flags but immutable and append-only, project ID, then {@code beforeFlags}
     * (the times), then immutable and append-only. Should the target refuse one, its mtime is put
     * off as in {@link #afterPlace}.
     */
    void fixInPlace(FileHandle from, FileHandle to, String what, BeforeFlags beforeFlags) throws IOException {
        Attrs s = read(from);
        Attrs t = read(to);
        try {
            Attrs.writeXattrs(to, s, t);
            ctx.stats().attrsNotKept.add(s.skipped());
            // (the project ID before the times: a crash after the times would leave it unseen)
            Attrs now = policy.flags() ? Attrs.writeEarlyFlags(to, s, t, true, what) : t;
            beforeFlags.run();
            Attrs.writeFlags(to, s, now, what);
        } catch (IOException e) {
            unfinished(to, e);
            throw e;
        }
    }

    /** What a fix does once the xattrs are right and before the flags (the times: an immutable file takes none). */
    @FunctionalInterface
    interface BeforeFlags {
        void run() throws IOException;
    }

    private static void unfinished(FileHandle f, IOException why) {
        try {
            Attrs.markUnfinished(f);
        } catch (IOException e) {
            why.addSuppressed(e);
        }
    }

    /**
     * What differs in the kept attributes of two open files, named as verify and {@code -i} name
     * it ("acl", "xattr trusted.t", "flags +i", "project 4242 vs 0"); empty where nothing does.
     * {@code unlocked}: the immutable or append-only bits pdm has just cleared on {@code b} (0:
     * none), taken as still set: they are no difference, and come back when the flags are set.
     */
    List<String> differences(FileHandle a, FileHandle b, int unlocked) throws IOException {
        return read(a).differences(read(b).withLocked(unlocked), false);
    }

    /**
     * A directory's xattrs (its default ACL among them) made the source's; what differed ("default
     * acl", "xattr user.x"), empty for nothing. An existing directory ({@code existing}) has its
     * mtime put off while they are written: each xattr moves only its ctime, after which later
     * passes trust it, so a crash between two of them must leave it looking unfinished (a
     * directory whose mtime is not the source's has its xattrs compared).
     */
    List<String> dirXattrs(Dir from, Dir to, boolean existing, boolean aclLater) throws IOException {
        Attrs s = read(from);
        Attrs t = read(to);
        ctx.stats().attrsNotKept.add(s.skipped());
        if (s.sameXattrs(t)) {
            return List.of();
        }
        if (!ctx.dryRun()) {
            // (an access ACL put off waits for the owner, in DirMeta; a new directory's inherited one goes now)
            Attrs want = aclLater ? s.withoutAccessAcl() : s;
            Attrs have = aclLater && existing ? t.withoutAccessAcl() : t;
            if (existing) {
                Attrs.unfinishedWhile(to, () -> Attrs.writeXattrs(to, want, have));
            } else {
                Attrs.writeXattrs(to, want, have);
            }
        }
        return s.xattrDifferences(t);
    }

    /**
     * What a directory's xattrs are to become, written between its owner and its mode once its
     * subtree is done ({@link DirMeta}), or null where they already are the source's (or none is
     * kept, or the source directory is gone). Two reasons to look again there: its access ACL,
     * put off from {@link #dirXattrs} where the directory is new or changes owner (so that its
     * {@code group::} entry never serves a group the source's does not name); and any xattr
     * changed on the source while the subtree was copied, which the times set next would hide
     * from every later pass (they look at a directory's xattrs only where the source's ctime is
     * not older than the copy's).
     */
    static DirXattrs dirXattrsAtEnd(PassContext ctx, Path rel, Dir to) throws IOException {
        AttrPolicy p = ctx.options().attrs();
        if (!p.anyXattrs()) {
            return null;
        }
        AttrPolicy xattrs = new AttrPolicy(p.xattrs(), p.acls(), false);
        boolean root = Privileges.isRoot();
        Attrs s;
        try (Dir from = ctx.src().open(rel)) {
            s = Attrs.read(from, xattrs, root);
        } catch (java.nio.file.NoSuchFileException gone) {
            return null; // (the next pass removes it, or copies it anew)
        }
        Attrs t = Attrs.read(to, xattrs, root);
        return s.sameXattrs(t) ? null : new DirXattrs(s, t);
    }

    /** A directory's xattrs as the source has them ({@code want}) and the target ({@code have}). */
    record DirXattrs(Attrs want, Attrs have) {
        /** Whether its access ACL changes (the owner's change is then guarded: MetaWriter#guardMode). */
        boolean aclChanges() {
            return !want.accessAclOnly().sameXattrs(have.accessAclOnly());
        }

        void write(Dir to) throws IOException {
            Attrs.writeXattrs(to, want, have);
        }
    }

    /**
     * The xattrs and default ACL of a directory just made for {@code name}, before anything goes
     * in it (its new children inherit the default ACL on both sides). Should the target refuse
     * one, the still empty directory is removed again, so that the next pass makes it, and says
     * so, again (an existing directory's xattrs are looked at again by the ctime rule).
     */
    void newDirXattrs(DirPair dir, Path name) throws IOException {
        try (Dir from = dir.src().openDir(name); Dir to = dir.tgt().openDir(name)) {
            // (new: its times are not the source's yet; its access ACL comes with its owner)
            dirXattrs(from, to, false, true);
        } catch (IOException e) {
            try {
                dir.tgt().deleteEmptyDir(name);
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
    }

    /** Only the xattrs and ACLs of the policy: what a symlink, fifo, socket or device node can hold. */
    private AttrPolicy entryPolicy() {
        return new AttrPolicy(policy.xattrs(), policy.acls(), false);
    }

    /**
     * The xattrs of a new symlink, fifo, socket or device node ({@code tmp} of the target, made
     * for {@code name} of the source) made the source's, after its owner: what it inherited from
     * its directory's default ACL removed.
     */
    void entryXattrs(DirPair dir, Path name, Path tmp) throws IOException {
        if (!policy.anyXattrs()) {
            return;
        }
        Attrs s = Attrs.readEntry(dir.src(), name, policy, root);
        Attrs t = Attrs.readEntry(dir.tgt(), tmp, policy, root);
        ctx.stats().attrsNotKept.add(s.skipped());
        Attrs.writeXattrs(dir.tgt(), tmp, s, t);
    }

    /**
     * What differs in the xattrs of a symlink, fifo, socket or device node and the target's entry
     * of the same type, named as verify and -i name it ("acl", "xattr trusted.sl"); empty for
     * nothing. Looked at only where the source's ctime says it may have changed since the copy
     * (so a pass over unchanged entries makes no call), then listed (llistxattr, no open), then
     * read and compared.
     */
    List<String> entryDifferences(DirPair dir, Path name, FileMeta src, FileMeta tgt) throws IOException {
        if (!policy.anyXattrs() || tgt == null || tgt.type() != src.type() || dir.tgt() == null
                || !src.mayHaveChangedSince(tgt)) {
            return List.of();
        }
        AttrPolicy p = entryPolicy();
        if (!dir.src().mayHaveAttrs(name, p) && !dir.tgt().mayHaveAttrs(name, p)) {
            return List.of();
        }
        return Attrs.readEntry(dir.src(), name, policy, root).xattrDifferences(
                Attrs.readEntry(dir.tgt(), name, policy, root));
    }

    /**
     * A directory's project ID and flags, once everything below it is done (a directory made
     * immutable first would take no children): all but immutable and append-only where
     * {@code early} (before its times), else all.
     */
    private void dirFlags(Dir srcDir, Dir tgtDir, boolean early) throws IOException {
        Attrs s = Attrs.flagsOf(srcDir, policy);
        Attrs t = Attrs.flagsOf(tgtDir, policy);
        if (!s.flagsDiffer(t, true)) {
            return;
        }
        try {
            if (early) {
                Attrs.writeEarlyFlags(tgtDir, s, t, tgtDir.rel().toString());
            } else {
                Attrs.writeFlags(tgtDir, s, t, tgtDir.rel().toString());
            }
        } catch (IOException e) {
            // (its mtime put off: the next pass looks at its flags again, and says so again)
            try {
                Attrs.markUnfinished(tgtDir);
            } catch (IOException ignored) {
                e.addSuppressed(ignored);
            }
            throw e;
        }
    }

    /**
     * A directory once everything below it is done: its project ID and flags but immutable and
     * append-only, then its owner, mode and times ({@link DirMeta}), unlocked first should it be
     * immutable or append-only, then immutable and append-only, last of all (they would have
     * refused its children and its times). A project ID or flag moves only the ctime, after which
     * later passes trust the directory: set before the mtime, a crash between them leaves a
     * directory the next pass sees differ.
     */
    void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
        dirDone(rel, srcSelf, tgtSelf, true);
    }

    /**
     * Only its owner, mode and times, as the dirtimes pass sets them: an immutable or append-only
     * directory is unlocked for them and locked again, its flags left as they are.
     */
    void dirTimes(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
        dirDone(rel, srcSelf, tgtSelf, false);
    }

    private void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf, boolean withFlags) throws IOException {
        // (looked at where the directory is new or its times are to be set, or its ctime says it
        // may have changed; before the times, so that one line names both, in a dry run alike)
        List<String> changed = withFlags && policy.flags() && (tgtSelf == null || srcSelf.mtimeNs() != tgtSelf.mtimeNs()
                || srcSelf.mayHaveChangedSince(tgtSelf) || srcSelf.locksDiffer(tgtSelf))
                ? flagsToSet(rel, tgtSelf) : List.of();
        int locked = 0;
        if (!ctx.dryRun() && !changed.isEmpty()) {
            // Each of these writes moves only the ctime, after which later passes trust the
            // directory: with it unlocked (its flags read by ioctl: statx may not say, and a
            // distributed pass has no listing of it), its mtime is put off, then come its flags
            // but immutable and append-only and its project ID, its times, and immutable and
            // append-only last, so that a crash on the way leaves a directory the next pass sees differ.
            try (Dir from = ctx.src().open(rel); Dir to = ctx.tgt().open(rel, tgtSelf)) {
                locked = unlock(to, rel);
                try {
                    Attrs.markUnfinished(to);
                    dirFlags(from, to, true);
                } catch (IOException e) {
                    relockQuietly(to, locked, rel, e);
                    throw e;
                }
            }
        }
        boolean listed;
        try {
            try {
                listed = DirMeta.restore(ctx, rel, srcSelf, tgtSelf, changed);
            } catch (IOException e) {
                if (locked != 0 || ctx.dryRun() || !policy.flags()) {
                    throw e;
                }
                try (Dir to = ctx.tgt().open(rel, tgtSelf)) {
                    locked = unlock(to, rel);
                }
                if (locked == 0) {
                    throw e;
                }
                listed = DirMeta.restore(ctx, rel, srcSelf, tgtSelf, changed);
            }
            if (!ctx.dryRun() && !withFlags && locked != 0) {
                try (Dir to = ctx.tgt().open(rel, tgtSelf)) {
                    Attrs.relock(to, locked, Names.display(rel));
                }
            } else if (!ctx.dryRun() && (!changed.isEmpty() || locked != 0)) {
                // (read again: an unlock just cleared what is to be set back)
                try (Dir from = ctx.src().open(rel); Dir to = ctx.tgt().open(rel, tgtSelf)) {
                    dirFlags(from, to, false);
                }
            }
        } catch (IOException | RuntimeException e) {
            // (what was unlocked here is locked again whatever failed after: never left writable)
            if (locked != 0) {
                try (Dir to = ctx.tgt().open(rel, tgtSelf)) {
                    relockQuietly(to, locked, rel, e);
                } catch (IOException again) {
                    e.addSuppressed(again);
                }
            }
            throw e;
        }
        if (!changed.isEmpty() && !listed && locked == 0) {
            ctx.changes().add(Change.DIRMETA, Names.display(rel), changed);
            ctx.stats().metaFixed.increment();
        }
    }

    /**
     * What the source directory's flags and project ID would change on the target's, named
     * ("flags +D"); a directory this dry run would make is taken to have none.
     */
    private List<String> flagsToSet(Path rel, FileMeta tgtSelf) throws IOException {
        try (Dir from = ctx.src().open(rel)) {
            Attrs s = Attrs.flagsOf(from, policy);
            if (ctx.dryRun() && (tgtSelf == null || ctx.ledger().wasReplaced(rel))) {
                return s.differences(Attrs.NEW_DIR, true);
            }
            try (Dir to = ctx.tgt().open(rel, tgtSelf)) {
                Attrs t = Attrs.flagsOf(to, policy);
                return s.flagsDiffer(t, true) ? s.differences(t, true) : List.of();
            }
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of(); // (gone: DirMeta says so)
        }
    }

    /**
     * Runs {@code update} on the target directory {@code to} (at {@code rel}); should it be refused
     * and the directory be immutable or append-only, clears the flag (counted and listed), runs it
     * again and sets the flag back.
     */
    void unlockingDir(Dir to, Path rel, Update update) throws IOException {
        try {
            update.run(0);
        } catch (IOException first) {
            if (!policy.flags() || ctx.dryRun()) {
                throw first;
            }
            int bits;
            try {
                bits = unlock(to, rel);
            } catch (IOException | RuntimeException e) {
                first.addSuppressed(e);
                throw first;
            }
            if (bits == 0) {
                throw first;
            }
            try {
                update.run(bits);
            } finally {
                Attrs.relock(to, bits, Names.display(rel));
            }
        }
    }

    /** Clears immutable and append-only on a target directory, counted and listed; the bits cleared (0: none). */
    private int unlock(Dir to, Path rel) throws IOException {
        int bits = Attrs.unlock(to, Names.display(rel));
        if (bits != 0) {
            ctx.stats().unlocked.increment();
            ctx.changes().add(Change.UNLOCK, Names.display(rel));
        }
        return bits;
    }

    private static void relockQuietly(Dir to, int bits, Path rel, Exception why) {
        if (bits != 0) {
            try {
                Attrs.relock(to, bits, Names.display(rel));
            } catch (IOException e) {
                why.addSuppressed(e);
            }
        }
    }

    /** Something to do to a target entry that immutable or append-only may forbid. */
    interface Update {
        /** @param unlocked the immutable or append-only bits cleared on the entry for this run (0: none) */
        void run(int unlocked) throws IOException;
    }

    /**
     * Runs {@code update} on the entry {@code name} of {@code dir}; should it fail and the entry
     * (or the directory, for a create, rename or remove in it) be immutable or append-only,
     * clears the flag, counts and lists it, runs it again and sets the flag back on the
     * directory (the entry gets the source's flags from the copy itself).
     */
    void unlocking(DirPair dir, Path name, boolean entryIsDir, Update update) throws IOException {
        try {
            update.run(0);
        } catch (IOException first) {
            unlockingAfter(first, dir, name, entryIsDir, update);
        }
    }

    /**
     * {@link #unlocking} once the first run of {@code update} has failed with {@code first}: for
     * a caller that runs it the first time itself, so that the lambda that runs it again is made
     * only when needed (once per entry, under C1 each made is a call into the VM: bench/README,
     * "ninth").
     */
    void unlockingAfter(IOException first, DirPair dir, Path name, boolean entryIsDir, Update update)
            throws IOException {
        if (!policy.flags() || dir.tgt() == null) {
            throw first;
        }
        int entryBits = 0;
        int dirBits;
        try {
            if (name != null) {
                entryBits = entryIsDir ? unlockDir(dir.tgt(), name) : unlockFile(dir.tgt(), name);
            }
            dirBits = Attrs.unlock(dir.tgt(), dir.display(Path.of(".")));
        } catch (IOException | RuntimeException e) {
            first.addSuppressed(e);
            throw first;
        }
        if (entryBits == 0 && dirBits == 0) {
            throw first;
        }
        // (each entry unlocked is counted and listed: the entry, the directory, or both)
        if (entryBits != 0) {
            ctx.stats().unlocked.increment();
            ctx.changes().add(Change.UNLOCK, dir.display(name));
        }
        if (dirBits != 0) {
            ctx.stats().unlocked.increment();
            ctx.changes().add(Change.UNLOCK, Names.display(dir.rel()));
        }
        try {
            update.run(entryBits);
        } finally {
            Attrs.relock(dir.tgt(), dirBits, Names.display(dir.rel()));
        }
    }

    private static int unlockFile(Dir dir, Path name) throws IOException {
        FileMeta m = dir.stat(name);
        if (m == null || !m.isFile()) {
            return 0;
        }
        try (FileHandle f = dir.openRead(name)) {
            return Attrs.unlock(f, name.toString());
        }
    }

    private static int unlockDir(Dir dir, Path name) throws IOException {
        FileMeta m = dir.stat(name);
        if (m == null || !m.isDir()) {
            return 0;
        }
        try (Dir d = dir.openDir(name)) {
            return Attrs.unlock(d, name.toString());
        }
    }
}

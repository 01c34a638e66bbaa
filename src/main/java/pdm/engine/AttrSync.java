package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import pdm.engine.ChangeList.Change;
import pdm.fs.AttrPolicy;
import pdm.fs.Attrs;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.Names;

/**
 * The one place a copy keeps what an entry has beyond owner, mode and times (xattrs of the
 * job's policy, POSIX ACLs, capabilities, inode flags, project IDs), in the order
 * {@link Attrs} gives: xattrs after owner and mode, flags after the rename, immutable and
 * append-only last. Also where a target entry that is immutable or append-only is unlocked to
 * be updated, counted and listed ({@code unlock}), and locked again.
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
    void beforeData(FileHandle out, Attrs src, String what) throws IOException {
        if (policy.flags()) {
            Attrs.writeNoCow(out, src, what);
        }
    }

    /**
     * After owner, mode and times, on the open target file: its xattrs made the source's (what it
     * inherited from its directory's default ACL removed). Returns what the target has, for
     * {@link #afterPlace}.
     */
    Attrs afterMeta(FileHandle out, Attrs src) throws IOException {
        return afterMeta(out, src, null);
    }

    /**
     * The same for a file just created in {@code createdIn} (null: not known to be new): where an
     * earlier new file there came with no kept xattrs, neither does this one (what a new file gets
     * is its directory's: a default ACL, a security label), so its xattrs are not listed.
     */
    Attrs afterMeta(FileHandle out, Attrs src, pdm.fs.Dir createdIn) throws IOException {
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
        return tgt;
    }

    /** After the rename into place: project ID and flags, where they differ from what the target has. */
    void afterPlace(Dir tgtDir, Path name, Attrs src, Attrs tgt, String what) throws IOException {
        if (policy.flags() && src.flagsDiffer(tgt, false)) {
            try (FileHandle f = tgtDir.openRead(name)) {
                Attrs.writeFlags(f, src, Attrs.flagsOf(f, policy), what);
            }
        }
    }

    /** A file whose data is current: its attributes made the source's, in place (after its owner and mode). */
    void fixInPlace(FileHandle from, FileHandle to, String what) throws IOException {
        Attrs s = read(from);
        Attrs t = read(to);
        Attrs.writeXattrs(to, s, t);
        ctx.stats().attrsNotKept.add(s.skipped());
        Attrs.writeFlags(to, s, t, what);
    }

    /** Whether two open files differ in any kept attribute. */
    boolean differ(FileHandle a, FileHandle b) throws IOException {
        Attrs s = read(a);
        Attrs t = read(b);
        return !s.sameXattrs(t) || s.flagsDiffer(t, false);
    }

    /** A directory's xattrs (its default ACL among them) made the source's; whether anything differed. */
    boolean dirXattrs(Dir from, Dir to) throws IOException {
        Attrs s = read(from);
        Attrs t = read(to);
        ctx.stats().attrsNotKept.add(s.skipped());
        if (s.sameXattrs(t)) {
            return false;
        }
        if (!ctx.dryRun()) {
            Attrs.writeXattrs(to, s, t);
        }
        return true;
    }

    /**
     * A directory's project ID and flags, once everything below it is done (a directory made
     * immutable first would take no children). Whether anything differed.
     */
    boolean dirFlags(Dir srcDir, Dir tgtDir, FileMeta src, FileMeta tgt, boolean fresh) throws IOException {
        if (!policy.flags() || !fresh && !src.mayHaveChangedSince(tgt)) {
            return false;
        }
        Attrs s = Attrs.flagsOf(srcDir, policy);
        Attrs t = Attrs.flagsOf(tgtDir, policy);
        if (!s.flagsDiffer(t, true)) {
            return false;
        }
        if (!ctx.dryRun()) {
            Attrs.writeFlags(tgtDir, s, t, tgtDir.rel().toString());
        }
        return true;
    }

    /**
     * A directory once everything below it is done: its owner, mode and times ({@link DirMeta}),
     * unlocked first should it be immutable or append-only, then its project ID and flags, last
     * of all (immutable or append-only would have refused its children).
     */
    void dirDone(Path rel, FileMeta srcSelf, FileMeta tgtSelf) throws IOException {
        int locked = 0;
        try {
            DirMeta.restore(ctx, rel, srcSelf, tgtSelf);
        } catch (IOException e) {
            locked = ctx.dryRun() || !policy.flags() ? 0 : unlockDir(rel, tgtSelf);
            if (locked == 0) {
                throw e;
            }
            DirMeta.restore(ctx, rel, srcSelf, tgtSelf);
        }
        // (looked at where the directory is new or its times were just set, or its ctime says it may have changed)
        if (policy.flags() && !ctx.dryRun() && (locked != 0 || tgtSelf == null
                || srcSelf.mtimeNs() != tgtSelf.mtimeNs() || srcSelf.mayHaveChangedSince(tgtSelf))) {
            try (Dir from = ctx.src().open(rel); Dir to = ctx.tgt().open(rel, tgtSelf)) {
                if (dirFlags(from, to, srcSelf, tgtSelf, true) && locked == 0) {
                    ctx.changes().add(Change.DIRMETA, Names.display(rel));
                    ctx.stats().metaFixed.increment();
                }
            }
        }
    }

    private int unlockDir(Path rel, FileMeta tgtSelf) throws IOException {
        try (Dir to = ctx.tgt().open(rel, tgtSelf)) {
            int bits = Attrs.unlock(to, Names.display(rel));
            if (bits != 0) {
                ctx.stats().unlocked.increment();
                ctx.changes().add(Change.UNLOCK, Names.display(rel));
            }
            return bits;
        }
    }

    /** Something to do to a target entry that immutable or append-only may forbid. */
    interface Update {
        void run() throws IOException;
    }

    /**
     * Runs {@code update} on the entry {@code name} of {@code dir}; should it fail and the entry
     * (or the directory, for a create, rename or remove in it) be immutable or append-only,
     * clears the flag, counts and lists it, runs it again and sets the flag back on the
     * directory (the entry gets the source's flags from the copy itself).
     */
    void unlocking(DirPair dir, Path name, boolean entryIsDir, Update update) throws IOException {
        try {
            update.run();
            return;
        } catch (IOException first) {
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
                update.run();
            } finally {
                Attrs.relock(dir.tgt(), dirBits, Names.display(dir.rel()));
            }
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

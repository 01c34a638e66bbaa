package pdm.engine;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.fs.AttrPolicy;
import pdm.fs.Attrs;
import pdm.fs.Dir;
import pdm.fs.FileMeta;
import pdm.fs.FsRoot;
import pdm.fs.MetaWriter;
import pdm.fs.Mounts;
import pdm.fs.Names;
import pdm.fs.WriteProbe;
import pdm.fs.XattrScope;
import pdm.fs.linux.Errno;
import pdm.fs.linux.SysException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.task.Pass;
import pdm.task.JobOptions;

/**
 * The refusals every job goes through before anything is touched, in every mode (exit 2,
 * "nothing was changed"): a filesystem configured {@code mount = true} that is not mounted, a
 * target that may not be written, a missing or unreadable source, an empty source over a full
 * target, overlapping trees. Embedded passes, the distributed client and the worker running a
 * job's root task all call these; no other class writes them again.
 */
public final class Preflight {
    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    private Preflight() {
    }

    /** Whether these passes would change the target (not a dry run, and one of them writes). */
    public static boolean changesTarget(List<Pass> passes, JobOptions options) {
        return !options.dryRun() && passes.stream().anyMatch(Pass::writesTarget);
    }

    /** A job that changes the target needs it configured write = true. */
    public static void requireWritable(String target, boolean writable) {
        if (!writable) {
            throw new PdmException("target filesystem '" + target + "' is not writable (write = false in "
                    + "config.toml); set write = true for it to let pdm change it");
        }
    }

    /** Whether a filesystem is usable as configured: mounted, when it says {@code mount = true}. */
    public static boolean isMounted(DataSource ds) {
        if (!ds.mount()) {
            return true;
        }
        try {
            return Mounts.isMountPoint(ds.path());
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A filesystem configured with mount = true must be mounted, or pdm refuses to touch it.
     *
     * @param where where it was checked, for the message: "" or " on this worker"
     */
    public static void requireMounted(DataSource ds, String where) {
        if (!isMounted(ds)) {
            throw new PdmException(FsRoot.notMounted(ds.name(), ds.path(), where));
        }
    }

    /** The directory a --file job walks: PATH's parent. */
    public static Path parentOf(Path p) {
        if (Names.isRoot(p)) {
            throw new PdmException("--file needs PATH to name a file, not the filesystem root");
        }
        Path parent = p.getParent();
        return parent == null ? Names.ROOT : parent;
    }

    /**
     * A removing pass with --file removes one entry, never a tree: a directory on the target at
     * PATH (whose source is missing, or a file) is refused, not removed with all below it.
     */
    private static void refuseTargetDirectory(FsRoot tgt, Path dirRel, Path path) {
        try (Dir t = tgt.open(dirRel)) {
            FileMeta m = t.stat(path.getFileName());
            if (m != null && m.isDir()) {
                throw new PdmException("--file names a directory on the target (" + Names.display(path) + " on '"
                        + tgt.name() + "'): a pass with --file removes one file, not a tree; leave out --file to "
                        + "walk it; nothing was changed");
            }
        } catch (NoSuchFileException e) {
            // (no such directory on the target: nothing there to remove)
        } catch (IOException e) {
            throw new PdmException("target path " + Names.display(path) + " on '" + tgt.name() + "' cannot be read: "
                    + Reasons.of(e) + "; nothing was changed", e);
        }
    }

    /** Whether this pass may remove on the target: a delete pass, or sync's copy pass (it replaces other types). */
    static boolean removesOnTarget(JobSpec job) {
        return job.pass().removes() || (job.options().deleting() && job.pass().makesTargetRoot());
    }

    /**
     * What the preflight found: whether the target has the job's walk root, and the source's walk
     * root as it was checked (its identity), which the walk opens and no other directory.
     */
    public record Checked(boolean targetThere, FileMeta srcRoot) {
    }

    /**
     * Refuses unsafe or impossible jobs before anything is touched (exit 2), and for a copy
     * creates the job PATH's directories on the target. Returns whether the target directory
     * exists (in a dry run it may not) and the source directory checked. Embedded passes run it
     * before their walk, a distributed job in the worker that runs its root task.
     */
    public static Checked check(JobSpec job) {
        FsRoot src = job.src();
        FsRoot tgt = job.tgt();
        Pass pass = job.pass();
        Path dirRel = job.walkRoot();
        boolean changes = changesTarget(List.of(pass), job.options());
        if (changes) {
            requireWritable(tgt.name(), tgt.writable());
        }
        if (!src.exists()) {
            throw new PdmException("source root " + src.root() + " of filesystem '" + src.name()
                    + "' does not exist or is not a directory");
        }
        if (Files.exists(tgt.root()) && !tgt.exists()) {
            throw new PdmException("target " + tgt.root() + " exists and is not a directory; pdm does not replace "
                    + "it: give a directory, or remove it first");
        }
        boolean makeRoot = !tgt.exists() && tgt.creatable() && pass.makesTargetRoot();
        if (makeRoot && (tgt.root().getParent() == null || !Files.isDirectory(tgt.root().getParent()))) {
            throw new PdmException("cannot create target directory " + tgt.root() + ": its parent directory "
                    + tgt.root().getParent() + " does not exist; nothing was changed");
        }
        if (!tgt.exists() && !makeRoot && (changes || pass.reportsDifferences() || !tgt.creatable())) {
            // (a dry run into a missing ad-hoc target reports the copy that would create it; a configured
            // filesystem's missing root is refused in a dry run too: it is not mounted, or misconfigured)
            throw new PdmException("target root " + tgt.root() + " of filesystem '" + tgt.name()
                    + "' does not exist or is not a directory");
        }
        FsRoot.refuseOverlap(src, tgt, dirRel);
        FileMeta srcRoot;
        try (Dir d = src.open(dirRel)) {
            srcRoot = d.selfAtOpen();
            if (job.options().singleFile()) {
                FileMeta m = d.stat(job.path().getFileName());
                if (m == null && !pass.removes()) {
                    throw new PdmException("source file " + Names.display(job.path()) + " does not exist on '"
                            + src.name() + "' (" + src.root() + "); nothing was changed");
                }
                if (m != null && m.isDir()) {
                    throw new PdmException("--file names a directory (" + Names.display(job.path()) + " on '"
                            + src.name() + "'); leave out --file to walk it; nothing was changed");
                }
                if (removesOnTarget(job)) {
                    refuseTargetDirectory(tgt, dirRel, job.path());
                }
            }
            refuseEmptySource(job, dirRel, d);
        } catch (NoSuchFileException e) {
            throw new PdmException("source path " + Names.display(dirRel) + " does not exist on '" + src.name()
                    + "' (" + src.root() + "); nothing was changed");
        } catch (AccessDeniedException e) {
            throw new PdmException("source path " + Names.display(dirRel) + " on '" + src.name()
                    + "' cannot be read (permission denied); nothing was changed");
        } catch (IOException e) {
            throw new PdmException("source path " + Names.display(dirRel) + " on '" + src.name()
                    + "' cannot be read: " + e.getMessage() + "; nothing was changed", e);
        }
        if (pass.writesTarget()) {
            refuseReadOnly(tgt, dirRel, makeRoot, changes);
        }
        if (pass.handlesFiles()) {
            job.placement().preflight(job); // (lfs for a Lustre target: checked before the first file needs it)
        }
        if (makeRoot && changes) {
            // Last: a job refused for any reason above must not have written anything.
            try {
                tgt.createRoot();
            } catch (IOException e) {
                throw new PdmException("cannot create target directory " + tgt.root() + ": " + Reasons.of(e)
                        + "; nothing was changed", e);
            }
        }
        if (pass.makesTargetRoot() && changes) {
            try {
                refuseAttributeLoss(job, dirRel);
            } catch (PdmException e) {
                if (makeRoot) {
                    try {
                        Files.deleteIfExists(tgt.root()); // (made just above, empty: the refusal leaves nothing)
                    } catch (IOException ignored) {
                        // the refusal is what matters
                    }
                }
                throw e;
            }
        }
        try {
            if (pass.makesTargetRoot() && changes) {
                makeParents(src, tgt, dirRel);
                return new Checked(true, srcRoot);
            }
            return new Checked(tgt.hasDir(dirRel), srcRoot);
        } catch (IOException e) {
            throw new PdmException("cannot prepare target path " + Names.display(dirRel) + " on '" + tgt.name()
                    + "': " + Reasons.of(e), e);
        }
    }

    /**
     * A target that cannot be written is refused once, before anything is made, instead of
     * failing every entry with EROFS or EACCES: its mount flags, then a write that leaves no
     * trace ({@link WriteProbe}). The probe goes where the job writes: the deepest directory of
     * the job's PATH the target has (opened below its root, never through a symlink), else the
     * root, else the parent of a root still to be made. A dry run writes nothing, so it only
     * looks at the mount flags, and says what the real run would meet.
     */
    static void refuseReadOnly(FsRoot tgt, Path dirRel, boolean makeRoot, boolean changes) {
        Path rel = Names.ROOT;
        try {
            if (!makeRoot) {
                for (Path part : Names.parts(dirRel)) {
                    if (!tgt.hasDir(rel.resolve(part))) {
                        break;
                    }
                    rel = rel.resolve(part);
                }
            }
        } catch (IOException | RuntimeException e) {
            rel = Names.ROOT; // (a symlink on the way, say: the walk refuses it; the root is probed)
        }
        boolean byPath = makeRoot || !tgt.exists();
        Path dir = byPath ? existing(tgt.root()) : Names.isRoot(rel) ? tgt.root() : tgt.root().resolve(rel);
        String what = (tgt.name().equals(tgt.root().toString()) ? "target " + dir
                : "target filesystem '" + tgt.name() + "' (" + dir + ")");
        try {
            if (WriteProbe.mountedReadOnly(dir)) {
                String why = what + " is read-only (mounted ro)";
                if (!changes) {
                    LOG.warn("{}: the real run would be refused; remount it rw or choose another target", why);
                    return;
                }
                throw new PdmException(why + ": remount it rw or choose another target; nothing was changed");
            }
            if (!changes) {
                return;
            }
            if (byPath) {
                WriteProbe.tryWrite(dir);
            } else {
                try (Dir d = tgt.open(rel)) {
                    WriteProbe.tryWrite(d);
                }
            }
        } catch (IOException e) {
            String reason = e instanceof SysException s ? s.getReason() : Reasons.of(e);
            throw new PdmException(what + " cannot be written (" + reason + " on a test file): "
                    + (SysException.is(e, Errno.EROFS) ? "remount it rw or choose another target"
                    : SysException.is(e, Errno.ENOSPC, Errno.EDQUOT) ? "free space or inodes there, or raise the quota"
                    : SysException.is(e, Errno.EPERM) ? "it is immutable or append-only (lsattr -d; chattr -i -a)"
                    : "give pdm write access to it, or choose another target") + "; nothing was changed", e);
        }
    }

    /** {@code p}, or its nearest ancestor that is a directory. */
    private static Path existing(Path p) {
        Path d = p;
        while (d.getParent() != null && !Files.isDirectory(d)) {
            d = d.getParent();
        }
        return d;
    }

    /**
     * An empty source PATH over a full target is how an unmounted source, a mistyped path or a
     * failed automount wipes a migration: delete and sync refuse it unless told the source
     * really is empty. Checked before sync's copy pass, so the refusal changes nothing.
     */
    private static void refuseEmptySource(JobSpec job, Path dirRel, Dir srcDir) {
        // (and sync's copy pass, which runs first: it replaces non-empty directories, and is
        // refused before it writes anything)
        if (!removesOnTarget(job) || job.options().allowEmptySource() || job.options().singleFile()) {
            return;
        }
        try {
            // (the directory opened for this check is the one the walk opens, by its identity:
            // one swapped in for it since, an empty one above all, is refused there)
            if (srcDir.unlisted() && job.tgt().hasDir(dirRel) && !job.tgt().isEmptyDir(dirRel)) {
                throw new PdmException("source path " + Names.display(dirRel) + " on '" + job.src().name() + "' ("
                        + job.src().root() + ") is empty but the target's is not: this would remove everything "
                        + "there. Is the source mounted, and is the path right? If the source really is empty, give "
                        + "--allow-empty-source; nothing was changed");
            }
        } catch (IOException e) {
            throw new PdmException("cannot tell whether source path " + Names.display(dirRel) + " on '"
                    + job.src().name() + "' is empty: " + Reasons.of(e) + "; nothing was changed", e);
        }
    }

    /**
     * A target that cannot hold what the copy is to keep is refused once, here, instead of
     * failing every entry: the source's directory and the target's root are asked what their
     * filesystems hold (reading an xattr they cannot hold says so, and changes nothing). An
     * attribute the source's filesystem cannot have either is no loss. Project IDs are tried on
     * a file made for it, where the source directory has one; so are trusted.* and security.*
     * names (as root, with every namespace kept), where the source directory has some.
     */
    static void refuseAttributeLoss(JobSpec job, Path dirRel) {
        AttrPolicy p = job.options().attrs();
        try (Dir s = job.src().open(dirRel); Dir t = job.tgt().open(Names.ROOT)) {
            Attrs.Holds src = Attrs.holds(s);
            Attrs.Holds tgt = Attrs.holds(t);
            String tgtName = job.tgt().name().equals(job.tgt().root().toString()) ? "target " + job.tgt().root()
                    : "target filesystem '" + job.tgt().name() + "' (" + job.tgt().root() + ")";
            if (p.acls() && src.acls() && !tgt.acls()) {
                throw loss(tgtName + " cannot hold POSIX ACLs (mounted noacl?)", "--no-acls", true);
            }
            if (p.xattrs() != XattrScope.NONE && src.xattrs() && !tgt.xattrs()) {
                throw loss(tgtName + " cannot hold extended attributes", "--xattrs=none", true);
            }
            if (p.xattrs() == XattrScope.ALL && Privileges.isRoot()) {
                // (user.* says nothing of the others: NFS 4.2 holds user.* alone, a FUSE filesystem what it likes)
                for (String ns : Attrs.rootNamespaces(s)) {
                    String refused = WriteProbe.refusesXattr(t, ns + ".pdm-probe");
                    if (refused != null) {
                        throw loss(tgtName + " cannot hold " + ns + ".* xattrs (" + refused + " on a test file; source "
                                + Names.display(dirRel) + " has some)", "--xattrs=user", true);
                    }
                }
            }
            if (p.flags() && src.flags() && !tgt.flags()) {
                throw loss(tgtName + " has no inode flags (chattr)", "--no-flags", false);
            }
            long projid = p.flags() ? Attrs.projid(s) : -1;
            if (projid > 0 && !Attrs.takesProjectIds(t, TempNames.next())) {
                throw loss(tgtName + " cannot hold project IDs (source " + Names.display(dirRel) + " has project "
                        + projid + ")", "--no-flags", false);
            }
        } catch (IOException e) {
            throw new PdmException("cannot tell which attributes the target can hold: " + Reasons.of(e)
                    + "; nothing was changed", e);
        }
    }

    /** @param counted the summary's attrs_not_kept counts what the option leaves out (xattrs and ACLs do; flags not) */
    private static PdmException loss(String what, String option, boolean counted) {
        return new PdmException(what + ": the copy would lose any the source has. Give " + option
                + " to copy without them" + (counted ? " (the summary then counts the xattrs and ACLs not kept)" : "")
                + "; nothing was changed");
    }

    /** mkdir -p of the job PATH on the target, each new directory with its source's owner and mode. */
    private static void makeParents(FsRoot src, FsRoot tgt, Path rel) throws IOException {
        Path done = Names.ROOT;
        MetaWriter meta = new MetaWriter(Privileges.isRoot());
        for (Path part : Names.parts(rel)) {
            Path next = done.resolve(part);
            try (Dir t = tgt.open(done)) {
                FileMeta there = t.stat(part);
                if (there == null) {
                    FileMeta s;
                    try (Dir d = src.open(done)) {
                        s = d.stat(part);
                    }
                    t.mkdir(part, 0700);
                    if (s != null) {
                        meta.apply(t, part, s);
                    }
                } else if (!there.isDir()) {
                    throw new PdmException("target path " + Names.display(next) + " on '" + tgt.name()
                            + "' exists and is not a directory (" + there.type().name().toLowerCase(Locale.ROOT) + "); "
                            + "pdm does not replace or follow it: remove it first");
                }
            }
            done = next;
        }
    }
}

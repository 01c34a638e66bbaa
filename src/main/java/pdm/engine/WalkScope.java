package pdm.engine;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import pdm.journal.Changes;

/**
 * Which directories a {@code --changes} walk lists, and which entries it looks at where it does
 * not list: whole the directories the journal names without names and the subtrees of
 * directories new or moved in; only the named entries where the journal names them; on the way
 * to all of these, only the entries that lead on (looked up by name, not listed). Everything else
 * is left out: the journal vouches that nothing there changed since the last complete pass.
 */
public final class WalkScope {
    enum Kind {
        /** not walked */
        OUT,
        /** an ancestor of a listed directory: only the way down */
        THROUGH,
        /** only the entries the journal names (and the way down) are looked at, by name */
        NAMED,
        /** its entries are compared; of its subdirectories only those in scope are walked */
        LISTED,
        /** in a new or moved-in subtree: walked whole */
        SUBTREE
    }

    private final Set<Path> listed;
    private final Set<Path> subtree;
    private final Set<Path> written;
    private final Set<Path> through = new HashSet<>();
    /** Per directory not listed whole (NAMED and THROUGH), the names of the entries looked at. */
    private final Map<Path, Set<Path>> look = new HashMap<>();
    private final Set<Path> named;
    private final boolean linksMatter;
    /** The walk after a tainted one: every directory, still copying what the journal saw written. */
    private final boolean everything;
    /** Inodes (dev:ino) of written files met on the walk: their other names must be copied too. */
    private final Set<String> writtenInodes;
    /** Inodes the journal saw written, by number on the source filesystem. */
    private final Set<Long> journalInodes;
    /** Those and the inodes whose metadata alone changed: the walk must meet each that lives under some name. */
    private final Set<Long> mustMeet;
    /** Those of them the walk met under some name. */
    private final Set<Long> met;
    /** Whether an inode of {@link #mustMeet} still lives (asked of the kernel). */
    private final Changes.Lives lives;
    /** The job's target directory (real path) or null: an inode that lives below it is the target's ({@link Changes.Lives}). */
    private final Path targetDir;
    private volatile String tainted;
    /** The inodes not met were asked for once the walk was over. */
    private volatile boolean asked;

    /**
     * @param linksMatter the pass copies files' data and keeps hard links: the other names of an
     *                    inode, which only a full walk finds, must be copied too
     * @param targetDir   the job's target directory (its root and PATH), or null
     */
    public WalkScope(Changes changes, boolean linksMatter, Path targetDir) {
        this.targetDir = realOrAsIs(targetDir);
        this.listed = Set.copyOf(changes.listed());
        this.subtree = Set.copyOf(changes.subtree());
        this.named = Set.copyOf(changes.named().keySet());
        this.written = Set.copyOf(changes.written());
        this.linksMatter = linksMatter;
        this.everything = false;
        this.writtenInodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.journalInodes = Set.copyOf(changes.writtenInodes());
        Set<Long> all = new HashSet<>(changes.writtenInodes());
        all.addAll(changes.changedInodes());
        this.mustMeet = Set.copyOf(all);
        this.met = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.lives = changes.lives();
        for (Map.Entry<Path, Set<Path>> e : changes.named().entrySet()) {
            look.computeIfAbsent(e.getKey(), k -> new HashSet<>()).addAll(e.getValue());
        }
        for (Set<Path> s : java.util.List.of(listed, subtree, named)) {
            for (Path p : s) {
                Path below = p;
                for (Path a = p.getParent(); ; a = a.getParent()) {
                    Path at = a == null ? Path.of("") : a; // (getParent of a one-name path is null, not the root "")
                    if (below.toString().isEmpty()) {
                        break; // (p is the root "" itself)
                    }
                    through.add(at);
                    look.computeIfAbsent(at, k -> new HashSet<>()).add(below.getFileName());
                    if (a == null) {
                        break;
                    }
                    below = a;
                }
            }
        }
    }

    private WalkScope(WalkScope tainted) {
        this.listed = Set.of();
        this.subtree = Set.of();
        this.named = Set.of();
        this.written = tainted.written;
        this.linksMatter = false;
        this.everything = true;
        this.writtenInodes = tainted.writtenInodes;
        this.journalInodes = tainted.journalInodes;
        this.mustMeet = tainted.mustMeet;
        this.met = tainted.met;
        this.lives = tainted.lives;
        this.targetDir = tainted.targetDir;
    }

    private static Path realOrAsIs(Path p) {
        try {
            return p == null ? null : p.toRealPath();
        } catch (java.io.IOException e) {
            return p.toAbsolutePath(); // (not there yet: no inode lives below it)
        }
    }

    /** The full walk that follows a tainted one: every directory, and every name of a written inode copied. */
    WalkScope everything() {
        return new WalkScope(this);
    }

    Kind of(Path rel) {
        if (everything) {
            return Kind.SUBTREE;
        }
        for (Path a = rel; a != null; a = a.getParent()) {
            if (subtree.contains(a)) {
                return Kind.SUBTREE;
            }
        }
        if (subtree.contains(Path.of(""))) {
            return Kind.SUBTREE;
        }
        if (listed.contains(rel)) {
            return Kind.LISTED;
        }
        if (named.contains(rel)) {
            return Kind.NAMED;
        }
        return through.contains(rel) ? Kind.THROUGH : Kind.OUT;
    }

    /**
     * The names of the entries of {@code rel} to look at, by name and without listing it (none
     * for a directory out of scope: the walk root when nothing changed); null where the whole
     * directory is listed.
     */
    Set<Path> names(Path rel) {
        Kind k = of(rel);
        return k == Kind.LISTED || k == Kind.SUBTREE ? null : look.getOrDefault(rel, Set.of());
    }

    /** The journal says this file was written: its size and mtime cannot be trusted to say it is current. */
    boolean written(Path rel, pdm.fs.FileMeta src) {
        String inode = src.dev() + ":" + src.ino();
        if (written.contains(rel) || journalInodes.contains(src.ino())) {
            writtenInodes.add(inode);
            return true;
        }
        return writtenInodes.contains(inode);
    }

    /** A source entry looked at has several names: the walk must become a full one to find the others. */
    void sawLinks(String where) {
        if (linksMatter && tainted == null) {
            tainted = "a changed entry is a hard-linked file (" + where + "); its other names may be anywhere, "
                    + "so the pass walks everything";
        }
    }

    /** A source file of a compared directory: a written inode is met under this name. */
    void sawFile(pdm.fs.FileMeta src) {
        if (mustMeet.contains(src.ino())) {
            met.add(src.ino());
        }
    }

    /**
     * Why the journal's walk was not enough, or null. Once the walk is over: a written or changed
     * inode it did not meet is asked whether it still lives (only then, and only those: a walk
     * that met them all asks the kernel nothing).
     */
    public synchronized String tainted() {
        if (tainted == null && linksMatter && !everything && !asked) {
            asked = true;
            for (long ino : mustMeet) {
                if (!met.contains(ino) && lives.test(ino, targetDir)) {
                    tainted = "a file was written or changed through a name that is gone or outside PATH, and it "
                            + "lives on under another name where nothing else changed (a hard link), so the pass walks "
                            + "everything";
                    break;
                }
            }
        }
        return tainted;
    }
}

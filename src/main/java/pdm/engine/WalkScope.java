package pdm.engine;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import pdm.journal.Changes;

/**
 * Which directories a {@code --changes} walk lists: those the journal names, the whole subtrees
 * of directories new or moved in, and, on the way to them, their ancestors (opened, but only
 * the entries that lead on are looked at). Everything else is left out: the journal vouches
 * that nothing there changed since the last complete pass.
 */
public final class WalkScope {
    enum Kind {
        /** not walked */
        OUT,
        /** an ancestor of a listed directory: only the way down */
        THROUGH,
        /** its entries are compared; of its subdirectories only those in scope are walked */
        LISTED,
        /** in a new or moved-in subtree: walked whole */
        SUBTREE
    }

    private final Set<Path> listed;
    private final Set<Path> subtree;
    private final Set<Path> written;
    private final Set<Path> through = new HashSet<>();
    private final boolean linksMatter;
    /** The walk after a tainted one: every directory, still copying what the journal saw written. */
    private final boolean everything;
    /** Inodes (dev:ino) of written files met on the walk: their other names must be copied too. */
    private final Set<String> writtenInodes;
    /** Inodes the journal saw written and that still live, by number on the source filesystem. */
    private final Set<Long> journalInodes;
    /** Those and the inodes whose metadata alone changed: the walk must meet each under some name. */
    private final Set<Long> mustMeet;
    /** Those of them the walk met under some name. */
    private final Set<Long> met;
    private volatile String tainted;

    /**
     * @param linksMatter the pass copies files' data and keeps hard links: the other names of an
     *                    inode, which only a full walk finds, must be copied too
     */
    public WalkScope(Changes changes, boolean linksMatter) {
        this.listed = Set.copyOf(changes.listed());
        this.subtree = Set.copyOf(changes.subtree());
        this.written = Set.copyOf(changes.written());
        this.linksMatter = linksMatter;
        this.everything = false;
        this.writtenInodes = java.util.concurrent.ConcurrentHashMap.newKeySet();
        this.journalInodes = Set.copyOf(changes.writtenInodes());
        Set<Long> all = new HashSet<>(changes.writtenInodes());
        all.addAll(changes.changedInodes());
        this.mustMeet = Set.copyOf(all);
        this.met = java.util.concurrent.ConcurrentHashMap.newKeySet();
        for (Set<Path> s : java.util.List.of(listed, subtree)) {
            for (Path p : s) {
                for (Path a = p.getParent(); a != null; a = a.getParent()) {
                    through.add(a);
                }
                through.add(Path.of("")); // (getParent of a one-name path is null, not the root "")
            }
        }
    }

    private WalkScope(WalkScope tainted) {
        this.listed = Set.of();
        this.subtree = Set.of();
        this.written = tainted.written;
        this.linksMatter = false;
        this.everything = true;
        this.writtenInodes = tainted.writtenInodes;
        this.journalInodes = tainted.journalInodes;
        this.mustMeet = tainted.mustMeet;
        this.met = tainted.met;
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
        return through.contains(rel) ? Kind.THROUGH : Kind.OUT;
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

    /** A listed source entry with several names: the walk must become a full one to find the others. */
    void sawLinks(String where) {
        if (linksMatter && tainted == null) {
            tainted = "a changed directory has a hard-linked file (" + where + "); its other names may be anywhere, "
                    + "so the pass walked everything after the journal's directories";
        }
    }

    /** A source file of a compared directory: a written inode is met under this name. */
    void sawFile(pdm.fs.FileMeta src) {
        if (mustMeet.contains(src.ino())) {
            met.add(src.ino());
        }
    }

    /** Why the journal's walk was not enough, or null. */
    public String tainted() {
        if (tainted == null && linksMatter && !everything && !met.containsAll(mustMeet)) {
            tainted = "a file was written or changed through a name that is gone, and it lives on under another name "
                    + "where nothing else changed (a hard link), so the pass walked everything after the journal's "
                    + "directories";
        }
        return tainted;
    }
}

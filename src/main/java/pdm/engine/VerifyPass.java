package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import pdm.fs.Attrs;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.config.Split;
import pdm.fs.CopyStoppedException;
import pdm.task.FinishTask;
import pdm.task.RangeTask;
import pdm.task.WorkItem.Op;
import pdm.task.WorkItem;

/**
 * Compares both sides: every name, type, size, content (byte by byte, which no checksum
 * collision can fool), owner, group, mode, mtime, the xattrs of the job's policy (ACLs and default
 * ACLs, capabilities, every namespace kept), inode flags and project IDs, symlink target,
 * device number and hard link structure. Each difference is listed; none is fixed.
 */
final class VerifyPass implements PassStrategy {
    private final PassContext ctx;
    /** source inode of a multi-link file -> the target inode its first name had */
    private final ConcurrentHashMap<InodeId, InodeId> links = new ConcurrentHashMap<>();

    VerifyPass(PassContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void plan(DirPair dir, Pair p, Plan plan) throws InterruptedException {
        FileMeta s = p.src();
        FileMeta t = p.tgt();
        String path = dir.display(p.name());
        if (s == null) {
            ctx.stats().differ(path, "only on target");
        } else if (t == null) {
            ctx.stats().differ(path, "missing on target");
        } else if (s.type() != t.type()) {
            ctx.stats().differ(path, "type differs: " + name(s) + " on source, " + name(t) + " on target");
        } else if (s.isDir()) {
            List<String> d = metaDiffs(s, t, true);
            try (Dir a = dir.src().openDir(p.name()); Dir b = dir.tgt().openDir(p.name())) {
                d.addAll(read(a).differences(read(b), true));
            } catch (java.io.IOException e) {
                d.add("attributes unreadable (" + Reasons.of(e) + ")");
            }
            d.addAll(ctx.placement().dirDiffs(dir, p.name()));
            dirDiffers(path, d);
            plan.descend(p.name(), s, t);
        } else {
            plan.work(new WorkItem(p.name(), Op.VERIFY, s, t));
        }
    }

    /** The walk root is no entry of a listed directory: its own owner, mode, mtime and xattrs are compared here. */
    @Override
    public void rootOpened(DirPair dir) throws IOException {
        if (dir.tgt() == null) {
            return; // (a missing root is reported by Walker.begins)
        }
        FileMeta s = dir.src().selfAtOpen();
        FileMeta t = dir.tgt().selfAtOpen();
        List<String> d = metaDiffs(s, t, true);
        d.addAll(read(dir.src()).differences(read(dir.tgt()), true));
        dirDiffers(dir.display(Path.of("")), d);
    }

    private void dirDiffers(String path, List<String> d) {
        if (!d.isEmpty()) {
            ctx.stats().dirsDiffer.increment(); // (verify counts directories apart from files)
            ctx.stats().differ(path, "differs: " + String.join("; ", d));
        }
    }

    @Override
    public void work(DirPair dir, WorkItem item) throws IOException {
        FileMeta s = item.src();
        FileMeta t = item.tgt();
        List<String> d = metaDiffs(s, t, true); // (ns for every type: the fs layer sets them so)
        switch (s.type()) {
            case FILE -> {
                if (s.size() != t.size()) {
                    d.add(0, "size: source " + s.size() + ", target " + t.size());
                } else if (acrossWorkers(s, t)) {
                    spread(dir, item.name(), s, t);
                    return; // (its finish gives the verdict, once its ranges are done)
                } else if (!sameContent(dir, item.name(), s.size())) {
                    d.add(0, "content");
                }
                d.addAll(fileDiffs(dir, item.name(), s, t));
            }
            case SYMLINK -> {
                if (!java.util.Arrays.equals(dir.src().readlink(item.name()), dir.tgt().readlink(item.name()))) {
                    d.add(0, "symlink target");
                }
                d.addAll(entryXattrDiffs(dir, item.name()));
            }
            default -> {
                if (s.rdev() != t.rdev()) {
                    d.add(0, "device number");
                }
                d.addAll(entryXattrDiffs(dir, item.name()));
            }
        }
        // (files, symlinks and specials alike: the names of one source inode share one target inode)
        if (s.nlink() > 1 || t.nlink() > 1) {
            InodeId first = links.putIfAbsent(InodeId.of(s), InodeId.of(t));
            if (s.nlink() == 1 || (first != null && !first.equals(InodeId.of(t)))) {
                d.add("hard links");
            }
        }
        verdict(dir.display(item.name()), d);
    }

    /** A file's one verdict: identical (counted), or one difference listing all it found. */
    private void verdict(String path, List<String> d) {
        if (d.isEmpty()) {
            ctx.stats().filesSkipped.increment();
        } else {
            ctx.stats().differ(path, "differs: " + String.join("; ", d));
        }
    }

    /** The xattrs, ACLs, flags and placement of a file, as they are now. */
    private List<String> fileDiffs(DirPair dir, Path name, FileMeta s, FileMeta t) throws IOException {
        List<String> d = new ArrayList<>();
        try (FileHandle a = dir.src().openRead(name, s); FileHandle b = dir.tgt().openRead(name, t)) {
            d.addAll(read(a).differences(read(b), false));
        }
        d.addAll(ctx.placement().fileDiffs(dir, name, s, t));
        return d;
    }

    /**
     * Whether a file's content is compared by ranges on any worker (distributed mode, a file of
     * split_size and more). A multi-link file stays whole: the process that has its link queue
     * checks its names share one target inode.
     */
    private boolean acrossWorkers(FileMeta s, FileMeta t) {
        return ctx.spread() != null && ctx.options().split().splits(s.size()) && s.nlink() == 1 && t.nlink() == 1;
    }

    /** Hands the file's ranges on as verify range tasks; the job tracker sends its finish when all are done. */
    private void spread(DirPair dir, Path name, FileMeta s, FileMeta t) throws IOException {
        Split split = ctx.options().split();
        int n = split.ranges(s.size());
        List<RangeTask> ranges = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ranges.add(RangeTask.verify(dir.rel(), name, s, t, split.from(i), split.to(i, s.size())));
        }
        try {
            ctx.spread().split(FinishTask.verify(dir.rel(), name, s, t), ranges);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CopyStoppedException(); // (as a copy's ranges not handed on: the task stops)
        }
    }

    /**
     * The verdict on a big file compared by ranges across workers (distributed mode): its ranges'
     * first difference, if any, and its metadata compared now; once, whatever the number of
     * ranges. A side whose inode, size or mtime moved since it was listed (between the first range
     * and this) fails the file: its ranges compared bytes of two moments.
     */
    @Override
    public void finishSplit(DirPair dir, FinishTask f) throws IOException {
        if (f.discard() != null) {
            return; // (the range's failure is the file's, counted by that range)
        }
        if (dir.tgt() == null) {
            throw new java.nio.file.NoSuchFileException(dir.display(f.name()), null, "target directory gone");
        }
        FileMeta s = f.src();
        FileMeta t = f.tgt();
        try (FileHandle a = dir.src().openRead(f.name(), s); FileHandle b = dir.tgt().openRead(f.name(), t)) {
            String moved = moved("source", s, a.meta());
            if (moved == null) {
                moved = moved("target", t, b.meta());
            }
            if (moved != null) {
                throw new IOException("changed while being compared (" + moved + " between its first range and its"
                        + " last); not compared, verify it again");
            }
        }
        List<String> d = metaDiffs(s, t, true);
        if (f.differsAt() >= 0) {
            d.add(0, "content (first difference at byte " + f.differsAt() + ")");
        }
        d.addAll(fileDiffs(dir, f.name(), s, t));
        verdict(dir.display(f.name()), d);
    }

    /** How {@code side} moved from {@code listed} to {@code now}, or null. */
    private static String moved(String side, FileMeta listed, FileMeta now) {
        if (now.ino() != listed.ino()) {
            return "the " + side + " was replaced by another file";
        }
        if (now.size() != listed.size() || now.mtimeNs() != listed.mtimeNs()) {
            return "the " + side + "'s size or mtime moved: " + listed.size() + " -> " + now.size() + " bytes, mtime "
                    + iso(listed.mtimeNs()) + " -> " + iso(now.mtimeNs());
        }
        return null;
    }

    private boolean sameContent(DirPair dir, Path name, long size) throws IOException {
        try (FileHandle a = dir.src().openRead(name); FileHandle b = dir.tgt().openRead(name)) {
            return FileData.same(ctx, a, b, size); // (a big file by ranges, on several threads)
        }
    }

    /** Every attribute of the job's policy that this process can read (trusted.* needs root to be seen at all). */
    private Attrs read(FileHandle f) throws IOException {
        return Attrs.read(f, ctx.options().attrs(), true);
    }

    private Attrs read(Dir d) throws IOException {
        return Attrs.read(d, ctx.options().attrs(), true);
    }

    /** The xattrs and ACL of a symlink, fifo, socket or device node (by name: pdm never opens them). */
    private List<String> entryXattrDiffs(DirPair dir, Path name) throws IOException {
        return Attrs.readEntry(dir.src(), name, ctx.options().attrs(), true)
                .xattrDifferences(Attrs.readEntry(dir.tgt(), name, ctx.options().attrs(), true));
    }

    /**
     * Owner, group, mode and mtime; symlinks and specials only to the microsecond the JDK can set.
     * Owners are compared whoever runs verify: a copy made without root differs, and must say so.
     */
    private List<String> metaDiffs(FileMeta s, FileMeta t, boolean nanos) {
        List<String> d = new ArrayList<>();
        if (s.uid() != t.uid()) {
            d.add("owner: source " + s.uid() + ", target " + t.uid());
        }
        if (s.gid() != t.gid()) {
            d.add("group: source " + s.gid() + ", target " + t.gid());
        }
        if (!s.isSymlink() && s.perms() != t.perms()) {
            d.add(String.format(Locale.ROOT, "mode: source 0%o, target 0%o", s.perms(), t.perms()));
        }
        long unit = nanos ? 1 : 1000;
        if (s.mtimeNs() / unit != t.mtimeNs() / unit) {
            d.add("mtime: source " + iso(s.mtimeNs()) + ", target " + iso(t.mtimeNs()));
        }
        return d;
    }

    /** A time as ISO 8601 in UTC, to the nanosecond: the two sides of a difference, comparable at a glance. */
    private static String iso(long ns) {
        return java.time.Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))
                .toString();
    }

    private static String name(FileMeta m) {
        return m.type().name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }
}

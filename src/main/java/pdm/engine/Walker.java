package pdm.engine;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import pdm.fs.CopyStoppedException;
import pdm.fs.Dir;
import pdm.fs.Entry;
import pdm.fs.FileMeta;
import pdm.fs.Names;
import pdm.fs.SafetyException;
import pdm.job.JobStats;
import pdm.task.DirTask;
import pdm.task.FileTask;
import pdm.task.WorkItem;

/**
 * The one walk every pass shares. For each directory it lists the source and the target
 * side, merges both sorted listings and shows every name to the pass; the pass decides.
 * File work goes out in tasks of up to {@code files_per_task} entries of one directory, and
 * subdirectories as tasks of their own, through the engine's one port, {@link TaskSink}.
 * An entry's failure (IOException, RuntimeException) is recorded and the walk goes on; an
 * Error of the JVM is not an entry's failure and stops the process.
 */
final class Walker implements TaskHandler {
    private final PassContext ctx;
    private final PassStrategy pass;
    private final SubtreeTracker tracker;
    private final TaskSink sink;
    private final int filesPerTask;
    /** The --changes walk's directories; null: every directory. */
    private final WalkScope scope;
    /** Set by {@link #startAt} on the walker that begins the job: the one that opens its walk root. */
    private volatile Path walkRoot;
    /**
     * Whether the thread that listed a directory also does the last batch of its entries itself
     * when it is small ({@link #INLINE_MAX}), with the directories it holds open (embedded mode): no
     * handoff to another thread and no second open of both directories for a few files. A bigger
     * batch, and hard links, still go to the file workers, which share a big directory's work.
     */
    private final boolean inline;
    /**
     * Up to this many entries a batch is done by the thread that listed it. Measured on 2 cores
     * (bench/cpu-per-file.sh): inline work saved CPU on 100k small files in directories of ~50,
     * and cost CPU and wall time on directories of 1,000 empty files, where the file workers'
     * parallel creates do better.
     */
    static final int INLINE_MAX = 128;

    Walker(PassContext ctx, PassStrategy pass, SubtreeTracker tracker, TaskSink sink, int filesPerTask) {
        this(ctx, pass, tracker, sink, filesPerTask, null, false);
    }

    Walker(PassContext ctx, PassStrategy pass, SubtreeTracker tracker, TaskSink sink, int filesPerTask, WalkScope scope,
           boolean inline) {
        this.ctx = ctx;
        this.pass = pass;
        this.tracker = tracker;
        this.sink = sink;
        this.filesPerTask = filesPerTask;
        this.scope = scope;
        this.inline = inline;
    }

    @Override
    public void onDir(DirTask task) throws InterruptedException {
        SubtreeTracker.Node node = tracker.get(task.rel());
        if (ctx.stopping()) {
            return; // left open: the stopping engine gives it its metadata (SubtreeTracker.finishOpen)
        }
        DirPair opened;
        try {
            opened = open(task.rel(), task.srcMeta(), task.tgtMeta());
        } catch (NoSuchFileException e) {
            // (the target side's absence is no error: openTarget returns null for it)
            if (task.rel().equals(walkRoot)) {
                // (the job's own directory, gone or replaced since the preflight checked it: the
                // job did nothing, which is not the quiet end of a vanished entry)
                ctx.stats().fail(Names.display(task.rel()), "cannot list directory: " + Reasons.of(e)
                        + " (the job's source path changed since pdm checked it; nothing below it was touched)");
            } else {
                ctx.stats().vanished(Names.display(task.rel()));
            }
            ctx.stats().tasks.increment();
            tracker.release(node);
            return;
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(task.rel()), "cannot list directory: " + Reasons.of(e));
            ctx.stats().tasks.increment();
            tracker.release(node);
            return;
        }
        try (DirPair dir = opened) {
            // (a --changes walk looks up by name what the journal names, and lists only what it names whole)
            Set<Path> names = scope == null ? null : scope.names(task.rel());
            List<Entry> src = names == null ? dir.src().list() : dir.src().entries(names);
            node.srcSelf = dir.src().selfAtOpen();
            node.tgtSelf = dir.tgt() == null ? null : dir.tgt().selfAtOpen();
            List<Entry> tgt = dir.tgt() == null ? new ArrayList<>() : names == null ? dir.tgt().list()
                    : dir.tgt().entries(names);
            ctx.stats().dirs.increment();
            if (task.rel().equals(walkRoot)) {
                pass.rootOpened(dir);
            }
            plan(dir, node, node.srcSelf, node.tgtSelf, scoped(task.rel(), merge(src, tgt)), inline);
        } catch (InterruptedException | TaskSink.PublishFailed e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // Nothing below a directory that could not be listed is touched: no copies,
            // and above all no deletes based on a partial listing.
            ctx.stats().fail(Names.display(task.rel()), "cannot list directory: " + Reasons.of(e));
        } finally {
            ctx.stats().tasks.increment();
            tracker.release(node);
        }
    }

    /**
     * What every pass does, in every mode, once the preflight has said whether the target has
     * the job's walk root: a pass that reports differences reports a missing one, and a pass
     * that makes the target walks anyway. Returns whether the walk begins ({@link #startAt}).
     */
    static boolean begins(JobSpec job, boolean targetThere, JobStats stats) {
        if (!targetThere && job.pass().reportsDifferences()) {
            stats.differ(Names.display(job.walkRoot()), "missing on target");
        }
        return targetThere || job.pass().makesTargetRoot();
    }

    /**
     * Begins the walk at the job's walk root, whose node the tracker already has: plans the
     * one entry of --file here, or lists the root directory here ({@code listRootHere}, a
     * worker's root task) or hands it to the sink (embedded mode's dir workers).
     */
    void startAt(JobSpec job, boolean listRootHere, FileMeta srcRoot) throws InterruptedException {
        Path root = job.walkRoot();
        walkRoot = root;
        if (job.options().singleFile()) {
            planSingle(root, job.path().getFileName(), srcRoot, Preflight.removesOnTarget(job));
        } else if (listRootHere) {
            onDir(new DirTask(root, srcRoot, null));
        } else {
            sink.publish(new DirTask(root, srcRoot, null));
        }
    }

    /** Plans a single named entry (the --file form): its directory is not walked. */
    private void planSingle(Path dirRel, Path name, FileMeta srcRoot, boolean removes) throws InterruptedException {
        SubtreeTracker.Node node = tracker.get(dirRel);
        try (DirPair dir = open(dirRel, srcRoot, null)) {
            FileMeta s = dir.src().stat(name);
            FileMeta t = dir.tgt() == null ? null : dir.tgt().stat(name);
            if (s != null && s.isDir()) {
                throw new SafetyException("--file names a directory (" + dir.display(name) + "); leave out --file to walk it");
            }
            if (t != null && t.isDir() && removes) {
                // (the preflight refused it; made a directory since: a tree, which --file never removes)
                throw new SafetyException("--file names a directory on the target (" + dir.display(name)
                        + "); leave out --file to walk it");
            }
            // (the one entry goes to a worker: this is the thread that reports progress)
            plan(dir, node, null, null, List.of(new Pair(name, s, t)), false);
        } catch (IOException e) {
            ctx.stats().fail(Names.display(dirRel.resolve(name)), Reasons.of(e));
        } finally {
            tracker.release(node);
        }
    }

    @Override
    public void onFiles(FileTask task) {
        SubtreeTracker.Node node = tracker.get(task.dir());
        try (DirPair dir = open(task.dir(), task.srcDir(), task.tgtDir())) {
            workAll(dir, task.items());
        } catch (IOException | RuntimeException e) {
            String reason = "cannot open directory: " + Reasons.of(e);
            for (WorkItem item : task.items()) {
                ctx.stats().fail(Names.display(task.dir().resolve(item.name())), reason);
            }
        } finally {
            ctx.stats().tasks.increment();
            tracker.release(node);
        }
    }

    /** Work on one entry of a big file cut into ranges for several workers: a range, or the finish. */
    public interface SplitWork {
        void run(DirPair dir) throws IOException;
    }

    /**
     * A range of a big file, or its finish (distributed mode), in its directory {@code rel};
     * a failure is the file's, recorded as for any entry.
     */
    public void onSplit(Path rel, Path name, SplitWork work) {
        DirPair dir;
        try {
            dir = open(rel, null, null);
        } catch (IOException | RuntimeException e) {
            ctx.stats().fail(Names.display(rel.resolve(name)), "cannot open directory: " + Reasons.of(e));
            return;
        }
        try (dir) {
            work.run(dir);
        } catch (IOException | RuntimeException e) {
            failed(dir, name, true, e);
        }
    }

    /** One batch of a directory's entries, each failure recorded and the batch going on. */
    private void workAll(DirPair dir, List<WorkItem> items) {
        for (WorkItem item : items) {
            if (ctx.stopping()) {
                break;
            }
            try {
                ctx.throttle().file(ctx.interrupt()); // --max-files-per-second
                pass.work(dir, item);
            } catch (TaskSink.PublishFailed e) {
                throw e; // (a big file's ranges not handed on: the task is given back, no entry failed)
            } catch (IOException | RuntimeException e) {
                failed(dir, item.name(), item.src() != null, e);
            }
        }
    }

    /**
     * A --changes walk's view of one directory's merged listing: all of it where the journal
     * names the directory or entries of it (a written file shown as not current), only the
     * subdirectories that lead on where it is an ancestor.
     */
    private List<Pair> scoped(Path rel, List<Pair> pairs) {
        if (scope == null) {
            return pairs;
        }
        WalkScope.Kind kind = scope.of(rel);
        if (kind == WalkScope.Kind.OUT) {
            return List.of(); // (the walk root when nothing below it changed)
        }
        List<Pair> out = new ArrayList<>(kind == WalkScope.Kind.THROUGH ? 1 : pairs.size());
        for (Pair p : pairs) {
            Path child = rel.resolve(p.name());
            if (kind == WalkScope.Kind.THROUGH) {
                if (scope.of(child) != WalkScope.Kind.OUT && (p.src() != null && p.src().isDir()
                        || p.tgt() != null && p.tgt().isDir())) {
                    out.add(p);
                }
                continue;
            }
            if (p.src() != null && !p.src().isDir()) {
                scope.sawFile(p.src());
                if (p.src().nlink() > 1) {
                    scope.sawLinks(Names.display(child));
                }
            }
            if (p.tgt() != null && p.src() != null && p.src().isFile() && p.tgt().isFile() && scope.written(child, p.src())) {
                // A same-size write whose mtime was set back (touch -d) looks current by size and
                // mtime; the journal saw the write, so the target's stamp is not believed.
                out.add(new Pair(p.name(), p.src(), p.tgt().stampNotBelieved()));
                continue;
            }
            out.add(p);
        }
        return out;
    }

    private DirPair open(Path rel, FileMeta srcId, FileMeta tgtId) throws IOException {
        Dir src = ctx.src().open(rel, srcId);
        try {
            return new DirPair(rel, src, openTarget(rel, tgtId));
        } catch (IOException | RuntimeException e) {
            src.close();
            throw e;
        }
    }

    private Dir openTarget(Path rel, FileMeta id) throws IOException {
        if (ctx.dryRun() && ctx.ledger().wasReplaced(rel)) {
            return null; // in the dry run's world the entry there is gone, this directory made anew
        }
        try {
            return ctx.tgt().open(rel, id);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    private void plan(DirPair dir, SubtreeTracker.Node node, FileMeta srcId, FileMeta tgtId, List<Pair> pairs,
                      boolean workHere) throws InterruptedException {
        Batch batch = new Batch(dir, node, srcId, tgtId, workHere);
        ExcludeFilter.Scope excluded = ctx.excludes().in(dir.rel()); // null when the job excludes nothing
        for (Pair p : pairs) {
            if (ctx.stopping()) {
                return;
            }
            try {
                if (excluded != null && excluded.excludes(p)) {
                    pass.excluded(dir, p, batch);
                    continue;
                }
                pass.plan(dir, p, batch);
            } catch (InterruptedException | TaskSink.PublishFailed e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                failed(dir, p.name(), p.src() != null, e);
            }
        }
        batch.flush();
        if (workHere) {
            batch.workLast();
        }
    }

    /**
     * Records what went wrong with one entry. A source entry that is simply gone since it was
     * listed is counted as vanished, not failed: on a live filesystem that is normal, and the
     * next pass sees it as it is then. A copy given up because the pass is stopping is neither.
     */
    private void failed(DirPair dir, Path name, boolean listedOnSource, Exception t) {
        if (t instanceof CopyStoppedException) {
            return;
        }
        if (t instanceof NoSuchFileException && listedOnSource && goneFromSource(dir, name)) {
            ctx.stats().vanished(dir.display(name));
        } else {
            ctx.stats().fail(dir.display(name), Reasons.of(t));
        }
    }

    private static boolean goneFromSource(DirPair dir, Path name) {
        try {
            return dir.src().stat(name) == null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Merges two listings by name bytes, as rclone's march does. Sorts both lists in place: they
     * are the walk's own, made for this (so both must be mutable).
     */
    static List<Pair> merge(List<Entry> src, List<Entry> t) {
        src.sort(null);
        t.sort(null);
        List<Pair> out = new ArrayList<>(Math.max(src.size(), t.size()));
        int i = 0;
        int j = 0;
        while (i < src.size() || j < t.size()) {
            int c = i == src.size() ? 1 : j == t.size() ? -1 : src.get(i).compareTo(t.get(j));
            if (c < 0) {
                out.add(new Pair(src.get(i), src.get(i++).meta(), null));
            } else if (c > 0) {
                out.add(new Pair(t.get(j), null, t.get(j++).meta()));
            } else {
                out.add(new Pair(src.get(i), src.get(i++).meta(), t.get(j++).meta()));
            }
        }
        return out;
    }

    /**
     * Collects one directory's decisions and publishes them in tasks; hard-link entries go
     * into tasks of their own per link shard (see {@link FileTask#linkShard(FileMeta)}).
     */
    private final class Batch implements Plan {
        private final DirPair dir;
        private final Path rel;
        private final SubtreeTracker.Node node;
        private final FileMeta srcId;
        private final FileMeta tgtId;
        private final List<List<WorkItem>> pending = new ArrayList<>();
        /** The plain entries' last batch is done by the listing thread ({@link Walker#inline}). */
        private final boolean workHere;

        Batch(DirPair dir, SubtreeTracker.Node node, FileMeta srcId, FileMeta tgtId, boolean workHere) {
            this.dir = dir;
            this.workHere = workHere;
            this.rel = dir.rel();
            this.node = node;
            this.srcId = srcId;
            this.tgtId = tgtId;
            for (int i = 0; i <= FileTask.LINK_SHARDS; i++) {
                pending.add(new ArrayList<>());
            }
        }

        @Override
        public void work(WorkItem item) throws InterruptedException {
            int slot = item.op() == WorkItem.Op.HARDLINK ? 1 + FileTask.linkShard(item.src()) : 0;
            List<WorkItem> items = pending.get(slot);
            items.add(item);
            if (items.size() >= filesPerTask) {
                flush(slot);
            }
        }

        @Override
        public void descend(Path name, FileMeta src, FileMeta tgt) throws InterruptedException {
            Path child = rel.resolve(name);
            if (scope != null && scope.of(child) == WalkScope.Kind.OUT) {
                return; // the journal vouches that nothing below it changed
            }
            tracker.child(node, child, src, tgt);
            sink.publish(new DirTask(child, src, tgt));
        }

        /**
         * Publishes what is pending: all of it, or with {@link #workHere} all but the plain entries'
         * last batch when it is small enough to be done here ({@link #INLINE_MAX}).
         */
        void flush() throws InterruptedException {
            boolean keepLast = workHere && pending.get(0).size() <= INLINE_MAX;
            for (int slot = keepLast ? 1 : 0; slot < pending.size(); slot++) {
                flush(slot);
            }
        }

        /** The plain entries' last batch if flush kept it, done here (its directory's node is still held by the listing). */
        void workLast() {
            List<WorkItem> items = pending.get(0);
            pending.set(0, new ArrayList<>());
            workAll(dir, items);
        }

        private void flush(int slot) throws InterruptedException {
            List<WorkItem> items = pending.get(slot);
            if (items.isEmpty()) {
                return;
            }
            tracker.hold(node);
            sink.publish(new FileTask(rel, srcId, tgtId, items));
            pending.set(slot, new ArrayList<>());
        }
    }
}

package pdm.journal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import pdm.fs.linux.Fanotify;
import pdm.fs.linux.NameBytes;

/**
 * What a {@code --changes} pass learns from the journal when it starts: a mark, and either the
 * directories that changed since the mark of the last complete pass of its kind (same SRC, TGT,
 * PATH and options), or the one-line reason the journal cannot vouch for that interval.
 * All paths are relative to the source filesystem's root, as the walk's are.
 *
 * @param reason  null when the journal vouches; else why the pass walks everything
 * @param mark    this pass's mark, to be stored once it completes; null without a watcher
 * @param listed  directories whose entries changed, names not known (list and compare all of them)
 * @param named   directories of which only some entries changed, with those names (look at them
 *                alone); a directory with no names had its own metadata changed (walk it, compare
 *                no entry); none of them is in {@code listed}
 * @param subtree directories new or moved in (walk all of them)
 * @param written files written (copy them even when size and mtime look unchanged)
 * @param writtenInodes inode numbers (on the source filesystem) of the files the journal saw
 *                written: every name of them met on the walk is copied (a number of a file gone
 *                and reused since can only cost a copy), and one that the walk does not meet
 *                and that still {@code lives} (its name is gone, and another lies where nothing
 *                changed: a hard link) makes it walk everything
 * @param changedInodes the same for files whose metadata alone changed: one the walk does not
 *                meet and that lives makes it walk everything too
 * @param lives   whether one of those inodes still lives, asked of the kernel when called
 *                ({@code open_by_handle_at}; true when it cannot tell): only for the inodes a walk
 *                did not meet, after it, so a walk that meets them all asks nothing
 */
public record Changes(String reason, Mark mark, Set<Path> listed, Map<Path, Set<Path>> named, Set<Path> subtree,
                      Set<Path> written,
                      Set<Long> writtenInodes, Set<Long> changedInodes, Lives lives) {

    /** Whether a written or changed inode still lives under some name. */
    public interface Lives {
        /**
         * @param notBelow the job's target directory, real path: where the target lies on the
         *                 source's filesystem, the watcher saw pdm's own writes there, and an inode
         *                 that lives below it (and not below the watched directory too: a target
         *                 root that holds the source) is the target's, not the source's
         */
        boolean test(long ino, Path notBelow);
    }

    /** A position in one watcher session's journal. */
    public record Mark(JournalDir where, String session, long seq) {
    }

    public boolean vouched() {
        return reason == null;
    }

    private static Changes full(String reason, Mark mark) {
        return new Changes(reason, mark, Set.of(), Map.of(), Set.of(), Set.of(), Set.of(), Set.of(),
                (ino, notBelow) -> true);
    }

    /**
     * One mark for all the passes of one command (a sync's copy, delete and dirtimes), asked for
     * once when the first of them starts, and the journal read once right after it
     * (docs/change-journal.md, "One mark for a sync's passes"). Each pass then reads its interval,
     * from the stored mark of its own key to this mark, with {@link Marked#since}. The request
     * names every key, so the watcher keeps what each of them will read.
     *
     * @param passKeys the keys of the passes that will read from this mark
     */
    public static Marked mark(Path srcRoot, Path path, List<String> passKeys) throws IOException {
        Path root = srcRoot.toRealPath(); // (the watcher's paths are the kernel's: no symlink in them)
        Path abs = root.resolve(path);
        Optional<JournalDir> found = JournalDir.covering(abs);
        if (found.isEmpty()) {
            return Marked.full("no change journal covers " + abs + " (start pdm watch on it, and keep it running "
                    + "between passes)", null);
        }
        JournalDir where = found.get();
        Mark mark;
        try {
            mark = ask(where, passKeys.stream().map(JournalDir::markName).toList());
        } catch (IOException e) {
            return Marked.full("the watcher of " + abs + " is not running (" + e.getMessage() + "), so the journal "
                    + "cannot vouch for the time since the last pass", null);
        }
        List<JournalFile.Record> records = JournalFile.read(where.journal());
        if (records.isEmpty() || !records.get(0).type().equals(JournalFile.START)
                || !records.get(0).session().equals(mark.session())) {
            return Marked.full("the journal file " + where.journal() + " does not start with the running watcher's "
                    + "session", mark);
        }
        List<String> start = records.get(0).fields();
        Path watched = NameBytes.path(JournalFile.decode(start.get(2)));
        Object dev = Files.getAttribute(watched, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Object ino = Files.getAttribute(watched, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        if (!dev.toString().equals(start.get(0)) || !ino.toString().equals(start.get(1))) {
            return Marked.full(watched + " is no longer the directory the watcher started on (moved or replaced)",
                    null);
        }
        return new Marked(null, mark, records, watched, root, abs);
    }

    /**
     * A mark taken for the passes of one command and the journal as read right after it, or the
     * reason none of them can walk by it.
     *
     * @param reason null when the journal may vouch; else why every pass walks everything
     * @param mark   the mark each pass stores once it completes; null when none may be stored
     */
    public record Marked(String reason, Mark mark, List<JournalFile.Record> records, Path watched, Path root,
                         Path abs) {
        static Marked full(String reason, Mark mark) {
            return new Marked(reason, mark, List.of(), null, null, null);
        }

        /** What changed for the pass of {@code passKey}: from its key's stored mark up to this mark. */
        public Changes since(String passKey) throws IOException {
            if (reason != null) {
                return Changes.full(reason, mark);
            }
            Optional<long[]> last = readMark(mark.where(), passKey, mark.session());
            if (last == null) {
                return Changes.full("the watcher was restarted since the last complete --changes pass of this kind "
                        + "over this SRC, TGT and PATH", mark);
            }
            if (last.isEmpty()) {
                return Changes.full("no earlier complete --changes pass of this kind over this SRC, TGT and PATH "
                        + "(with these options) took a mark", mark);
            }
            return collect(records, last.get()[0], mark, watched, root, abs);
        }
    }

    /**
     * What a distributed root task decided for its pass, kept on the passes stream before any
     * other task of the pass was published, so that every task (and a redelivered root) walks by
     * the same interval (docs/change-journal.md, "Distributed mode"). The offsets say where in the
     * journal stream the interval lies, so that no reader reads the stream from its first record.
     *
     * @param requestId the pass: its job id and pass name
     * @param key       the digest of the pass key ({@link JournalDir#markName}), which COMPLETE stores under
     * @param mode      {@link #CHANGES} (by the journal), {@link #EVERYTHING} (every directory, still
     *                  copying what the journal saw written), or {@link #FULL}
     * @param session   the watcher session of the mark, "-" without one
     * @param toSeq     the pass's mark (0 without one)
     * @param fromSeq   the mark of the last complete pass it reads from (0 when it walks everything)
     * @param reason    why it does not walk by the journal alone, "" when it does
     * @param fromOffset the journal stream's offset of the MARK at {@code fromSeq} (-1: none)
     * @param toOffset   the journal stream's offset of the pass's own MARK (-1: none), where the next
     *                   pass of its key starts reading
     */
    public record Decision(String requestId, String key, String mode, String session, long toSeq, long fromSeq,
                           String reason, long fromOffset, long toOffset) {
        /** A decision to walk everything, for {@code reason}, with no mark. */
        public static Decision full(String requestId, String key, String reason) {
            return new Decision(requestId, key, FULL, "-", 0, 0, reason, -1, -1);
        }

        public static final String CHANGES = "changes";
        public static final String EVERYTHING = "everything";
        public static final String FULL = "full";

        public JournalFile.Record record() {
            return new JournalFile.Record(0, JournalFile.SCOPE, "-", List.of(text(requestId), key, mode, session,
                    Long.toString(toSeq), Long.toString(fromSeq), text(reason), Long.toString(fromOffset),
                    Long.toString(toOffset)));
        }

        /** The decision a SCOPE record holds, or null when it is not one. */
        public static Decision of(JournalFile.Record r) {
            List<String> f = r.fields();
            if (!r.type().equals(JournalFile.SCOPE) || f.size() != 9) {
                return null;
            }
            try {
                return new Decision(untext(f.get(0)), f.get(1), f.get(2), f.get(3), Long.parseLong(f.get(4)),
                        Long.parseLong(f.get(5)), untext(f.get(6)), Long.parseLong(f.get(7)), Long.parseLong(f.get(8)));
            } catch (RuntimeException e) {
                return null;
            }
        }
    }

    /** The record that says the pass {@code requestId} completed: the next pass of its key reads from its mark. */
    public static JournalFile.Record complete(String requestId) {
        return new JournalFile.Record(0, JournalFile.COMPLETE, "-", List.of(text(requestId)));
    }

    private static String text(String s) {
        return JournalFile.encode(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String untext(String s) {
        return new String(JournalFile.decode(s), StandardCharsets.UTF_8);
    }

    /** The first decision the passes stream's {@code records} hold for {@code requestId}: the one every task follows. */
    public static Decision decided(List<JournalFile.Record> records, String requestId) {
        for (JournalFile.Record r : records) {
            Decision d = Decision.of(r);
            if (d != null && d.requestId().equals(requestId)) {
                return d;
            }
        }
        return null;
    }

    /**
     * A distributed pass's view of the journal stream's {@code records} (those from the mark of
     * the last complete pass of its key, {@code from}, on): its mark (the MARK the watcher wrote
     * for {@code requestId}), and what changed in between, or why the stream cannot vouch for it.
     * The same rules as {@link #since}, but the watched directory is the MARK's path below the
     * source root on this node (the watcher may run on another node), and the records must be
     * unbroken: the stream's retention may have dropped some.
     *
     * @param from    the decision of the last complete pass of the key ({@link #lastComplete}), null for none
     * @param srcRoot the source filesystem's root on this node
     */
    public static Changes between(List<JournalFile.Record> records, String requestId, String session, long seq,
                                  Decision from, Path srcRoot, Path path) throws IOException {
        int at = markAt(records, requestId, session, seq);
        if (at < 0) {
            return full("the watcher's mark for this pass is not on the journal stream", null);
        }
        JournalFile.Record m = records.get(at);
        Mark mark = new Mark(null, m.session(), m.seq());
        if (from == null) {
            return full("no earlier complete --changes pass of this kind over this SRC, TGT and PATH (with these "
                    + "options) took a mark that is still on the journal stream", mark);
        }
        if (!from.session().equals(mark.session())) {
            return full("the watcher was restarted since the last complete --changes pass of this kind over this "
                    + "SRC, TGT and PATH", mark);
        }
        return interval(records, from.toSeq(), mark, m, srcRoot, path);
    }

    /**
     * The decision of the newest pass of {@code key} that completed, in the passes stream's
     * {@code records} (its SCOPE, then the tracker's COMPLETE), or null: the mark the next pass
     * of the key reads from.
     */
    public static Decision lastComplete(List<JournalFile.Record> records, String key) {
        Map<String, Decision> decisions = new HashMap<>();
        Decision last = null;
        for (JournalFile.Record r : records) {
            Decision d = Decision.of(r);
            if (d != null) {
                decisions.putIfAbsent(d.requestId(), d);
            } else if (r.type().equals(JournalFile.COMPLETE) && r.fields().size() == 1) {
                Decision done = decisions.get(untext(r.fields().get(0)));
                if (done != null && done.key().equals(key) && done.toSeq() > 0 && done.toOffset() >= 0) {
                    last = done;
                }
            }
        }
        return last;
    }

    /** What the pass of {@code d} reads, recomputed by any worker from the stream: the interval {@code d} names. */
    public static Changes of(List<JournalFile.Record> records, Decision d, Path srcRoot, Path path) throws IOException {
        int at = markAt(records, d.requestId(), d.session(), d.toSeq());
        if (at < 0) {
            return full("the watcher's mark for this pass is no longer on the journal stream", null);
        }
        JournalFile.Record m = records.get(at);
        return interval(records, d.fromSeq(), new Mark(null, m.session(), m.seq()), m, srcRoot, path);
    }

    /**
     * Where the MARK the watcher answered lies: by session and number, as a watcher restarted
     * since an earlier answer to the same request wrote another MARK for it.
     */
    private static int markAt(List<JournalFile.Record> records, String requestId, String session, long seq) {
        for (int i = 0; i < records.size(); i++) {
            JournalFile.Record r = records.get(i);
            if (r.session().equals(session) && r.seq() == seq && isMarkFor(r, requestId)) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code r} is a MARK the watcher wrote for the pass {@code requestId}. */
    public static boolean isMarkFor(JournalFile.Record r, String requestId) {
        return r.type().equals(JournalFile.MARK) && r.fields().size() == 2 && untext(r.fields().get(0)).equals(requestId);
    }

    private static Changes interval(List<JournalFile.Record> records, long from, Mark mark, JournalFile.Record m,
                                    Path srcRoot, Path path) throws IOException {
        Path root = srcRoot.toRealPath();
        Path abs = root.resolve(path);
        Path watched = root.resolve(NameBytes.path(JournalFile.decode(m.fields().get(1))));
        if (!abs.startsWith(watched)) {
            return full("the watcher watches " + watched + ", which is neither PATH nor above it", mark);
        }
        long held = records.stream().filter(r -> r.session().equals(mark.session()) && r.seq() > from
                && r.seq() <= mark.seq()).count();
        if (held != mark.seq() - from) {
            return full("the journal stream no longer holds every record since the last pass (its retention dropped "
                    + "some)", mark);
        }
        return collect(records, from, mark, watched, root, abs);
    }

    private static Changes collect(List<JournalFile.Record> records, long from, Mark mark, Path watched, Path srcRoot,
                                   Path jobDir) throws IOException {
        Set<Path> listed = new HashSet<>();
        Map<Path, Set<Path>> named = new HashMap<>();
        Set<Path> subtree = new HashSet<>();
        Set<Path> written = new HashSet<>();
        Map<Long, byte[]> inodes = new HashMap<>();
        Map<Long, byte[]> changedInodes = new HashMap<>();
        boolean reachedMark = false;
        for (JournalFile.Record r : records) {
            if (!r.session().equals(mark.session()) || r.seq() <= from) {
                continue;
            }
            if (r.seq() > mark.seq()) {
                break;
            }
            switch (r.type()) {
                case JournalFile.GAP -> {
                    return full("the journal has a gap since the last pass: "
                            + new String(JournalFile.decode(r.fields().get(0)), StandardCharsets.UTF_8), mark);
                }
                case JournalFile.START, JournalFile.STOP -> {
                    return full("the watcher stopped or restarted since the last pass", mark);
                }
                case JournalFile.DIR -> {
                    Path p = watched.resolve(NameBytes.path(JournalFile.decode(r.fields().get(1))));
                    if (r.fields().get(0).equals("T")) {
                        if (jobDir.startsWith(p)) {
                            subtree.add(jobDir); // the job's own directory is new or moved in: all of it
                        } else if (p.startsWith(jobDir)) {
                            subtree.add(srcRoot.relativize(p));
                        }
                    } else if (!p.startsWith(jobDir)) {
                        continue;
                    } else if (r.fields().get(0).equals("S")) {
                        named.computeIfAbsent(srcRoot.relativize(p), k -> new HashSet<>()); // (walked, no entry)
                    } else {
                        listed.add(srcRoot.relativize(p));
                    }
                }
                case JournalFile.ENTRY -> {
                    Path p = watched.resolve(NameBytes.path(JournalFile.decode(r.fields().get(0))));
                    if (p.getParent().startsWith(jobDir)) {
                        named.computeIfAbsent(srcRoot.relativize(p.getParent()), k -> new HashSet<>())
                                .add(p.getFileName());
                    }
                }
                case JournalFile.WRITE -> {
                    Path p = watched.resolve(NameBytes.path(JournalFile.decode(r.fields().get(0))));
                    if (p.startsWith(jobDir) && !p.equals(jobDir)) {
                        written.add(srcRoot.relativize(p));
                        named.computeIfAbsent(srcRoot.relativize(p.getParent()), k -> new HashSet<>())
                                .add(p.getFileName());
                        if (r.fields().size() == 3) {
                            inodes.put(Long.parseLong(r.fields().get(1)), HexFormat.of().parseHex(r.fields().get(2)));
                        }
                    }
                }
                case JournalFile.ATTR -> {
                    Path p = watched.resolve(NameBytes.path(JournalFile.decode(r.fields().get(0))));
                    if (p.startsWith(jobDir) && r.fields().size() == 3) {
                        changedInodes.put(Long.parseLong(r.fields().get(1)), HexFormat.of().parseHex(r.fields().get(2)));
                    }
                }
                case JournalFile.LINKS -> {
                    // (whatever PATH: a name of it may lie below the job's directory, where nothing else changed)
                    if (r.fields().size() == 3 && (r.fields().get(0).equals("W") || r.fields().get(0).equals("A"))) {
                        (r.fields().get(0).equals("W") ? inodes : changedInodes).put(Long.parseLong(r.fields().get(1)),
                                HexFormat.of().parseHex(r.fields().get(2)));
                    } else {
                        return full("the journal has a LINKS record pdm does not know (" + r.fields() + ")", mark);
                    }
                }
                case JournalFile.MARK -> reachedMark |= r.seq() == mark.seq();
                default -> {
                    return full("the journal has a record pdm does not know (" + r.type() + ")", mark);
                }
            }
        }
        if (!reachedMark) {
            return full("the journal file does not hold this pass's mark " + mark.seq(), mark);
        }
        // (the job's directory as a subtree: relative to the source root)
        Set<Path> sub = new HashSet<>();
        for (Path p : subtree) {
            sub.add(p.isAbsolute() ? srcRoot.relativize(p) : p);
        }
        named.keySet().removeAll(listed); // (listed whole: every name is looked at anyway)
        // A written or changed inode that is gone now has no name left to copy; one that lives must
        // be found. Asked only for what a walk did not meet, once it is over (WalkScope.tainted).
        Map<Long, byte[]> handles = new HashMap<>(changedInodes);
        handles.putAll(inodes);
        byte[] dir = NameBytes.bytes(watched);
        return new Changes(null, mark, listed, named, sub, written, Set.copyOf(inodes.keySet()),
                Set.copyOf(changedInodes.keySet()), (ino, notBelow) -> {
                    try {
                        if (!handles.containsKey(ino)) {
                            return true;
                        }
                        byte[] at = Fanotify.aliveAt(dir, handles.get(ino));
                        // (pdm never links a name of the source to one of the target: an inode with
                        // a name below the job's target, and not below the watched directory, is pdm's copy)
                        if (at == null) {
                            return false;
                        }
                        Path now = at.length == 0 ? null : NameBytes.path(at);
                        return now == null || notBelow == null || !now.startsWith(notBelow) || now.startsWith(watched);
                    } catch (IOException | RuntimeException e) {
                        return true; // (cannot tell: the worst, a full walk)
                    }
                });
    }

    /**
     * Asks the watcher for a mark; it answers once everything queued before is on disk. The
     * passes name their keys ({@code MARK KEY...}), so the watcher keeps what each of them will
     * read until its next mark is stored.
     */
    static Mark ask(JournalDir where, List<String> markNames) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(where.socket()));
            c.write(ByteBuffer.wrap(("MARK " + String.join(" ", markNames) + "\n").getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(128);
            while (c.read(in) >= 0 && (in.position() == 0 || in.get(in.position() - 1) != '\n')) {
                // until the whole answer is in
            }
            String[] a = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).trim().split(" ");
            if (a.length != 2) {
                throw new IOException("the watcher gave no mark");
            }
            return new Mark(where, a[0], Long.parseLong(a[1]));
        }
    }

    /** The stored mark's seq (empty: none stored), or null when it is of another session. */
    private static Optional<long[]> readMark(JournalDir where, String passKey, String session) throws IOException {
        Path f = where.mark(passKey);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        String[] a = Files.readString(f, StandardCharsets.US_ASCII).trim().split(" ");
        if (a.length != 2 || !a[0].equals(session)) {
            return null;
        }
        return Optional.of(new long[]{Long.parseLong(a[1])});
    }

    /** The pass of {@code passKey} that took {@code mark} is complete: the next one reads from here. */
    public static void complete(Mark mark, String passKey) throws IOException {
        Path f = mark.where().mark(passKey);
        Files.createDirectories(f.getParent());
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, mark.session() + " " + mark.seq() + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, f, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}

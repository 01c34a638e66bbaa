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
 * @param writtenInodes inode numbers (on the source filesystem) of written files that still live:
 *                every name of them is copied, and one that the walk does not meet (its name is
 *                gone, and another lies where nothing changed: a hard link) makes it walk everything
 * @param changedInodes the same for files whose metadata alone changed: one the walk does not
 *                meet makes it walk everything too
 */
public record Changes(String reason, Mark mark, Set<Path> listed, Map<Path, Set<Path>> named, Set<Path> subtree,
                      Set<Path> written,
                      Set<Long> writtenInodes, Set<Long> changedInodes) {

    /** A position in one watcher session's journal. */
    public record Mark(JournalDir where, String session, long seq) {
    }

    public boolean vouched() {
        return reason == null;
    }

    private static Changes full(String reason, Mark mark) {
        return new Changes(reason, mark, Set.of(), Map.of(), Set.of(), Set.of(), Set.of(), Set.of());
    }

    /**
     * Marks the journal that covers {@code srcRoot}/{@code path} and reads what changed since
     * the stored mark of {@code passKey}.
     *
     * @param srcRoot the source filesystem's root (absolute)
     * @param path    the job's walk root below it
     * @param passKey the pass kind, SRC, TGT, PATH and the options that change what a pass does
     */
    public static Changes since(Path srcRoot, Path path, String passKey) throws IOException {
        Path root = srcRoot.toRealPath(); // (the watcher's paths are the kernel's: no symlink in them)
        Path abs = root.resolve(path);
        Optional<JournalDir> found = JournalDir.covering(abs);
        if (found.isEmpty()) {
            return full("no change journal covers " + abs + " (start pdm watch on it, and keep it running between "
                    + "passes)", null);
        }
        JournalDir where = found.get();
        Mark mark;
        try {
            mark = ask(where, JournalDir.markName(passKey));
        } catch (IOException e) {
            return full("the watcher of " + abs + " is not running (" + e.getMessage() + "), so the journal cannot "
                    + "vouch for the time since the last pass", null);
        }
        List<JournalFile.Record> records = JournalFile.read(where.journal());
        if (records.isEmpty() || !records.get(0).type().equals(JournalFile.START)
                || !records.get(0).session().equals(mark.session())) {
            return full("the journal file " + where.journal() + " does not start with the running watcher's session",
                    mark);
        }
        List<String> start = records.get(0).fields();
        Path watched = NameBytes.path(JournalFile.decode(start.get(2)));
        Object dev = Files.getAttribute(watched, "unix:dev", LinkOption.NOFOLLOW_LINKS);
        Object ino = Files.getAttribute(watched, "unix:ino", LinkOption.NOFOLLOW_LINKS);
        if (!dev.toString().equals(start.get(0)) || !ino.toString().equals(start.get(1))) {
            return full(watched + " is no longer the directory the watcher started on (moved or replaced)", null);
        }
        Optional<long[]> last = readMark(where, passKey, mark.session());
        if (last == null) {
            return full("the watcher was restarted since the last complete --changes pass of this kind over this "
                    + "SRC, TGT and PATH", mark);
        }
        if (last.isEmpty()) {
            return full("no earlier complete --changes pass of this kind over this SRC, TGT and PATH (with these "
                    + "options) took a mark", mark);
        }
        return collect(records, last.get()[0], mark, watched, root, abs);
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
        // A written or changed inode that is gone now has no name left to copy; one that lives must be found.
        named.keySet().removeAll(listed); // (listed whole: every name is looked at anyway)
        return new Changes(null, mark, listed, named, sub, written, alive(watched, inodes),
                alive(watched, changedInodes));
    }

    private static Set<Long> alive(Path watched, Map<Long, byte[]> inodes) throws IOException {
        Set<Long> alive = new HashSet<>();
        for (Map.Entry<Long, byte[]> e : inodes.entrySet()) {
            if (Fanotify.alive(NameBytes.bytes(watched), e.getValue())) {
                alive.add(e.getKey());
            }
        }
        return alive;
    }

    /**
     * Asks the watcher for a mark; it answers once everything queued before is on disk. The pass
     * names its key, so the watcher keeps what this pass will read until its next mark is stored.
     */
    static Mark ask(JournalDir where, String markName) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(where.socket()));
            c.write(ByteBuffer.wrap(("MARK " + markName + "\n").getBytes(StandardCharsets.US_ASCII)));
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

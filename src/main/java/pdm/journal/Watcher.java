package pdm.journal;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.PdmException;
import pdm.fs.linux.Fanotify;
import pdm.fs.linux.NameBytes;

/**
 * {@code pdm watch}: learns from its {@link ChangeSource} what changed, keeps what lies below the
 * watched directory, and appends to the journal which directories changed and how, each (kind,
 * directory) once between two marks. It answers mark requests on its socket and trims the
 * journal to what a future pass can read (docs/change-journal.md, "The mark", "Bounded").
 */
public final class Watcher implements ChangeSink {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.watch");
    /** Written to disk at least this often, so a long quiet interval does not hold changes in memory. */
    private static final long FLUSH_MS = 1000;

    /** Opens the change source once the watcher holds the journal's lock. */
    public interface Opener {
        ChangeSource open(Path watched, byte[] watchedBytes) throws IOException;
    }

    private final Path watched;
    private final byte[] watchedBytes;
    private final JournalDir where;
    private final Opener opener;
    /** Past this many entries named in one directory between two marks, it is recorded whole (DIR E). */
    static final int NAMES_PER_DIR = 256;
    private final Set<String> sinceMark = new HashSet<>();
    /** Per directory (encoded), how many of its entries are named since the mark; -1 once it is recorded whole. */
    private final Map<String, Integer> namedSinceMark = new HashMap<>();
    /** Files changed outside the watched directory since the mark, by handle ({@link Outside}). */
    private final Map<String, Outside> outside = new HashMap<>();
    /** Past this many, a file changed outside is asked about at once (about 40 MB of them). */
    private static final int OUTSIDE_MAX = 200_000;
    private final Retention retention = new Retention();
    private String session;
    private JournalFile journal;
    /** The stream and the broker's mark requests of distributed mode, or null. */
    private JournalOutlet outlet;
    /** The watched directory below its configured filesystem's root, as a distributed pass names it. */
    private String watchedRel = "";
    /** The marks handed out through the broker this session, by request id: a redelivered root task asks again. */
    private final Map<String, Long> remoteMarks = new HashMap<>();

    /** @param watched an existing directory; its real path is watched (the kernel reports real paths) */
    private Watcher(Path watched, Opener opener) throws IOException {
        this.watched = watched.toRealPath();
        this.watchedBytes = NameBytes.bytes(this.watched);
        this.where = JournalDir.of(this.watched);
        this.opener = opener;
    }

    /** A watcher of a local filesystem, through fanotify. */
    public static Watcher fanotify(Path watched) throws IOException {
        return new Watcher(watched, FanotifySource::open);
    }

    /** A watcher of a Lustre filesystem, through the changelogs of its MDTs (docs/change-journal.md). */
    public static Watcher lustre(Path watched, LustreChangelog.Settings settings) throws IOException {
        return new Watcher(watched, (dir, bytes) -> LustreChangelog.open(settings, JournalDir.of(dir)));
    }

    /**
     * Distributed mode as well: the journal's lines also go to {@code to} (a RabbitMQ stream), and
     * marks are answered to passes that ask through the broker.
     *
     * @param below the watched directory below its filesystem's root ("" for the root itself)
     */
    public Watcher mirrorTo(JournalOutlet to, String below) {
        this.outlet = to;
        this.watchedRel = below;
        return this;
    }

    public Path journalDir() {
        return where.dir();
    }

    /** Watches until {@code stop} says so; then records the stop and returns. */
    public void run(BooleanSupplier stop) throws IOException {
        Files.createDirectories(where.dir());
        try (FileChannel lockFile = FileChannel.open(where.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new PdmException("another pdm watch already watches " + watched + " (it holds " + where.lock()
                        + "); stop it first");
            }
            try (ChangeSource source = opener.open(watched, watchedBytes)) {
                // The source watches before START is written: nothing between START and the first mark is lost.
                session = Long.toHexString(System.currentTimeMillis()) + "-" + ProcessHandle.current().pid();
                journal = JournalFile.create(where.journal());
                if (outlet != null) {
                    journal.mirrorTo(outlet);
                }
                Object dev = Files.getAttribute(watched, "unix:dev", LinkOption.NOFOLLOW_LINKS);
                Object ino = Files.getAttribute(watched, "unix:ino", LinkOption.NOFOLLOW_LINKS);
                journal.add(JournalFile.START, session, dev.toString(), ino.toString(),
                        JournalFile.encode(watchedBytes));
                journal.sync();
                Files.deleteIfExists(where.socket());
                try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    server.bind(UnixDomainSocketAddress.of(where.socket()));
                    server.configureBlocking(false);
                    LOG.info("watching {} (session {}), journal {}", watched, session, where.journal());
                    loop(source, server, stop);
                    drain(source);
                    journal.add(JournalFile.STOP, session, "stopped");
                    journal.close();
                    source.persisted();
                    LOG.info("stopped watching {}: the journal vouches for nothing after this", watched);
                } finally {
                    Files.deleteIfExists(where.socket());
                }
            }
        }
    }

    private void loop(ChangeSource source, ServerSocketChannel server, BooleanSupplier stop) throws IOException {
        long flushed = System.nanoTime();
        while (!stop.getAsBoolean()) {
            boolean any = source.read(this);
            try (SocketChannel client = server.accept()) {
                if (client != null) {
                    answerMark(source, client);
                }
            }
            for (JournalOutlet.MarkRequest q = outlet == null ? null : outlet.poll(); q != null; q = outlet.poll()) {
                answerRemote(source, q);
            }
            if (System.nanoTime() - flushed > FLUSH_MS * 1_000_000) {
                journal.sync();
                source.persisted();
                flushed = System.nanoTime();
            }
            if (!any) {
                try {
                    Thread.sleep(source.idleMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * A pass asks for a mark: everything the source holds from before the request (the kernel
     * queues an event inside the system call that made the change; a Lustre MDT logs a record
     * with the operation) goes in first, then MARK, on disk.
     */
    private void answerMark(ChangeSource source, SocketChannel client) throws IOException {
        client.configureBlocking(true);
        ByteBuffer in = ByteBuffer.allocate(1024);
        while (client.read(in) >= 0 && in.hasRemaining() && (in.position() == 0 || in.get(in.position() - 1) != '\n')) {
            // until the whole request is in
        }
        String[] request = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).trim().split(" ");
        drain(source);
        settleOutside();
        long n = journal.add(JournalFile.MARK, session);
        journal.sync();
        source.persisted();
        newInterval();
        client.write(ByteBuffer.wrap((session + " " + n + "\n").getBytes(StandardCharsets.US_ASCII)));
        // (one mark for all the passes of a command, a sync's three: each key keeps what its pass reads;
        // a pass of an older build names no key)
        for (int i = 1; i < request.length; i++) {
            retention.handedOut(request[i], n);
        }
        if (request.length < 2) {
            retention.handedOut("", n);
        }
        trim();
    }

    /**
     * A distributed pass asks through the broker. As on the socket, everything queued before goes
     * in first, then MARK, on the stream (confirmed) before the answer. The MARK names the request
     * and the watched directory below its filesystem's root (a worker on another node finds it
     * under its own mount). A request asked again (its root task redelivered) gets the same mark:
     * one pass, one interval. The file journal is not trimmed for it: distributed passes read the stream.
     */
    private void answerRemote(ChangeSource source, JournalOutlet.MarkRequest q) throws IOException {
        Long n = remoteMarks.get(q.requestId());
        if (n == null) {
            drain(source);
            settleOutside();
            n = journal.add(JournalFile.MARK, session, JournalFile.encode(q.requestId().getBytes(StandardCharsets.UTF_8)),
                    JournalFile.encode(watchedRel.getBytes(StandardCharsets.UTF_8)));
            journal.sync();
            source.persisted();
            newInterval();
            remoteMarks.put(q.requestId(), n);
        }
        q.answer(session, n);
    }

    /**
     * A mark was written: what is recorded once per interval is recorded again after it, and a
     * directory recorded whole has its names counted anew (a pass reading from this mark needs them).
     */
    private void newInterval() {
        sinceMark.clear();
        namedSinceMark.clear();
    }

    /** Drops the records no pass can need any more, once the pass that asked has its answer. */
    private void trim() {
        try {
            Map<String, Long> stored = new HashMap<>();
            try (DirectoryStream<Path> marks = Files.newDirectoryStream(where.marks())) {
                for (Path m : marks) {
                    if (m.getFileName().toString().endsWith(".tmp")) {
                        continue; // being written: the pass renames it into place
                    }
                    String[] a = Files.readString(m, StandardCharsets.US_ASCII).trim().split(" ");
                    if (a.length == 2 && a[0].equals(session)) {
                        stored.put(m.getFileName().toString(), Long.parseLong(a[1]));
                    }
                }
            } catch (NoSuchFileException e) {
                // no pass has completed yet
            }
            int dropped = journal.trim(retention.keepFrom(stored));
            if (dropped > 0) {
                LOG.debug("journal trimmed: {} records no pass can need any more", dropped);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not trim the journal {} (it keeps growing until the next trim): {}", where.journal(),
                    e.toString());
        }
    }

    private void drain(ChangeSource source) throws IOException {
        while (source.read(this)) {
            // until the source has nothing older than now
        }
    }

    @Override
    public void dir(String how, byte[] abs) {
        byte[] rel = below(abs);
        if (rel != null) {
            String f = JournalFile.encode(rel);
            once(JournalFile.DIR + " " + how + " " + f, JournalFile.DIR, how, f);
        }
    }

    @Override
    public void entry(byte[] dirAbs, byte[] name) {
        byte[] rel = below(dirAbs);
        if (rel == null) {
            return; // (the watched directory's own name in its parent: its S record says the rest)
        }
        String d = JournalFile.encode(rel);
        int n = namedSinceMark.getOrDefault(d, 0);
        if (n < 0) {
            return; // (the directory is recorded whole since the mark)
        }
        if (n >= NAMES_PER_DIR) {
            // Past this many names a pass lists the directory faster than it looks at each name.
            namedSinceMark.put(d, -1);
            once(JournalFile.DIR + " E " + d, JournalFile.DIR, "E", d);
            return;
        }
        String f = JournalFile.encode(rel.length == 0 ? name : FanotifySource.join(rel, name));
        if (sinceMark.add(JournalFile.ENTRY + " " + f)) {
            namedSinceMark.put(d, n + 1);
            journal.add(JournalFile.ENTRY, session, f);
        }
    }

    @Override
    public void written(byte[] abs, Identity identity) {
        inode(JournalFile.WRITE, "W", abs, identity);
    }

    @Override
    public void attrs(byte[] abs, Identity identity) {
        inode(JournalFile.ATTR, "A", abs, identity);
    }

    /**
     * A WRITE or ATTR record: the file's name, and while it lives, its inode and handle; once a
     * mark per name and inode (a name may hold another inode by the next change: ln -f). A file that
     * may have a name the pass does not look at gets a LINKS record too ({@link #othersMayHold}); one
     * changed outside the watched directory, or in a directory gone, is asked about at the next mark.
     */
    private void inode(String type, String kind, byte[] abs, Identity identity) {
        byte[] rel = abs == null ? null : below(abs);
        String handle = identity.handle();
        if (rel == null) {
            if (!handle.isEmpty()) {
                Outside o = outside.get(handle);
                boolean now = o == null && outside.size() >= OUTSIDE_MAX; // (past the bound: asked at once)
                if (o == null) {
                    o = new Outside(identity);
                    if (!now) {
                        outside.put(handle, o);
                    }
                }
                o.kinds.add(kind);
                o.abs = abs;
                if (now) {
                    settle(handle, o);
                }
            }
            return;
        }
        String name = JournalFile.encode(rel);
        if (!sinceMark.add(type + " " + name + " " + handle)) {
            return;
        }
        Fanotify.Inode now = null;
        try {
            now = identity.now();
        } catch (IOException e) {
            gap("a written file's inode could not be read: " + e.getMessage());
        }
        if (now == null) {
            journal.add(type, session, name);
            return;
        }
        journal.add(type, session, name, Long.toString(now.ino()), handle);
        if (othersMayHold(abs, now)) {
            links(kind, now, handle); // (its other names may lie outside the pass's PATH)
        }
    }

    /**
     * Whether a name below the watched directory other than {@code abs} (the one the change went
     * through; null: not known, its directory gone) may hold the inode: it has several names now,
     * or the one name it has is not that one any more and lies below (a link removed before the
     * watcher read the event, as the count it reads can be lower than when the change was made; or a
     * rename in, which the pass meets through its ENTRY). A file whose one name lies outside, as
     * every temp file renamed into place elsewhere on the filesystem, is none of the pass's.
     */
    private boolean othersMayHold(byte[] abs, Fanotify.Inode now) {
        if (now.links() > 1) {
            return true;
        }
        if (now.links() == 0) {
            return false; // (held open, no name left: nothing a walk could find)
        }
        if (now.path() == null) {
            return true; // (cannot tell: the worst, the pass must meet it)
        }
        return !Arrays.equals(now.path(), abs) && below(now.path()) != null;
    }

    /**
     * A file changed outside the watched directory, or in a directory gone, since the mark: asked
     * about once, when the next mark is written ({@link #settleOutside}), not at each event: a storm
     * of writes elsewhere on the filesystem (a copy into a target there) must not slow the watcher
     * until the kernel's queue overflows.
     */
    private static final class Outside {
        final Identity identity;
        final Set<String> kinds = new HashSet<>(2);
        /** The name of its last change, null: its directory was gone. */
        byte[] abs;

        Outside(Identity identity) {
            this.identity = identity;
        }
    }

    /** Asks about every file changed outside since the mark, before the mark is written. */
    private void settleOutside() {
        for (Map.Entry<String, Outside> e : outside.entrySet()) {
            settle(e.getKey(), e.getValue());
        }
        outside.clear();
    }

    private void settle(String handle, Outside o) {
        try {
            Fanotify.Inode now = o.identity.now();
            if (now != null && othersMayHold(o.abs, now)) {
                for (String kind : o.kinds) {
                    links(kind, now, handle);
                }
            }
        } catch (IOException e) {
            gap("a changed file's inode could not be read: " + e.getMessage());
        }
    }

    private void links(String kind, Fanotify.Inode now, String handle) {
        if (sinceMark.add(JournalFile.LINKS + " " + kind + " " + handle)) {
            journal.add(JournalFile.LINKS, session, kind, Long.toString(now.ino()), handle);
        }
    }

    @Override
    public void gap(String reason) {
        LOG.warn("journal gap: {}", reason);
        journal.add(JournalFile.GAP, session, JournalFile.encode(reason.getBytes(StandardCharsets.UTF_8)));
    }

    private void once(String key, String type, String... fields) {
        if (sinceMark.add(key)) {
            journal.add(type, session, fields);
        }
    }

    /** {@code abs} relative to the watched directory ("" for itself), or null when it is not below it. */
    private byte[] below(byte[] abs) {
        byte[] w = watchedBytes;
        if (Arrays.equals(abs, w)) {
            return new byte[0];
        }
        boolean root = w.length == 1;
        int from = root ? 1 : w.length + 1;
        if (abs.length < from || !Arrays.equals(abs, 0, w.length, w, 0, w.length) || (!root && abs[w.length] != '/')) {
            return null;
        }
        return Arrays.copyOfRange(abs, from, abs.length);
    }
}

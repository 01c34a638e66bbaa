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
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.PdmException;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Fanotify;

/**
 * {@code pdm watch}: reads the kernel's fanotify events of the filesystem that holds the
 * watched directory, keeps those below it, and appends to the journal which directories
 * changed and how, each (kind, directory) once between two marks. It answers mark requests on
 * its socket (docs/change-journal.md, "The mark").
 */
public final class Watcher {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.watch");
    /** Idle wait between two looks at the queue and the socket. */
    private static final long IDLE_MS = 20;
    /** Written to disk at least this often, so a long quiet interval does not hold changes in memory. */
    private static final long FLUSH_MS = 1000;

    private final Path watched;
    private final byte[] watchedBytes;
    private final JournalDir where;
    private final Set<String> sinceMark = new HashSet<>();
    private final Retention retention = new Retention();
    private String session;
    private JournalFile journal;
    private Fanotify fan;

    /** @param watched an existing directory; its real path is watched (the kernel reports real paths) */
    public Watcher(Path watched) throws IOException {
        this.watched = watched.toRealPath();
        this.watchedBytes = NameBytes.bytes(this.watched);
        this.where = JournalDir.of(this.watched);
    }

    public Path journalDir() {
        return where.dir();
    }

    /** Watches until {@code stop} says so; then records the stop and returns. */
    public void run(BooleanSupplier stop) throws IOException {
        LocalOnly.require(watched);
        Files.createDirectories(where.dir());
        try (FileChannel lockFile = FileChannel.open(where.lock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                throw new PdmException("another pdm watch already watches " + watched + " (it holds " + where.lock()
                        + "); stop it first");
            }
            try (Fanotify fan = Fanotify.watch(watchedBytes)) {
                this.fan = fan;
                // The kernel watches before START is written: nothing between START and the first mark is lost.
                session = Long.toHexString(System.currentTimeMillis()) + "-" + ProcessHandle.current().pid();
                journal = JournalFile.create(where.journal());
                Object dev = Files.getAttribute(watched, "unix:dev", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                Object ino = Files.getAttribute(watched, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                journal.add(JournalFile.START, session, dev.toString(), ino.toString(),
                        JournalFile.encode(watchedBytes));
                journal.sync();
                Files.deleteIfExists(where.socket());
                try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
                    server.bind(UnixDomainSocketAddress.of(where.socket()));
                    server.configureBlocking(false);
                    LOG.info("watching {} (session {}), journal {}", watched, session, where.journal());
                    loop(fan, server, stop);
                    drain(fan);
                    journal.add(JournalFile.STOP, session, "stopped");
                    journal.close();
                    LOG.info("stopped watching {}: the journal vouches for nothing after this", watched);
                } finally {
                    Files.deleteIfExists(where.socket());
                }
            }
        }
    }

    private void loop(Fanotify fan, ServerSocketChannel server, BooleanSupplier stop) throws IOException {
        long flushed = System.nanoTime();
        while (!stop.getAsBoolean()) {
            List<Fanotify.Event> events = fan.read();
            events.forEach(this::record);
            try (SocketChannel client = server.accept()) {
                if (client != null) {
                    answerMark(fan, client);
                }
            }
            if (System.nanoTime() - flushed > FLUSH_MS * 1_000_000) {
                journal.sync();
                flushed = System.nanoTime();
            }
            if (events.isEmpty()) {
                try {
                    Thread.sleep(IDLE_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * A pass asks for a mark: everything the kernel queued before the request (it queues an
     * event inside the system call that made the change) goes in first, then MARK, on disk.
     */
    private void answerMark(Fanotify fan, SocketChannel client) throws IOException {
        client.configureBlocking(true);
        ByteBuffer in = ByteBuffer.allocate(128);
        while (client.read(in) >= 0 && in.hasRemaining() && (in.position() == 0 || in.get(in.position() - 1) != '\n')) {
            // until the whole request is in
        }
        String[] request = new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII).trim().split(" ");
        String key = request.length > 1 ? request[1] : ""; // (a pass of an older build names no key)
        drain(fan);
        long n = journal.add(JournalFile.MARK, session);
        journal.sync();
        sinceMark.clear();
        client.write(ByteBuffer.wrap((session + " " + n + "\n").getBytes(StandardCharsets.US_ASCII)));
        retention.handedOut(key, n);
        trim();
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

    private void drain(Fanotify fan) throws IOException {
        for (List<Fanotify.Event> e = fan.read(); !e.isEmpty(); e = fan.read()) {
            e.forEach(this::record);
        }
    }

    /** One kernel event as journal records. */
    void record(Fanotify.Event e) {
        if (e.overflow()) {
            gap("the kernel's event queue overflowed (more changes than the watcher read in time)");
            return;
        }
        if (e.unplaced() != null) {
            gap("a change could not be placed: " + e.unplaced());
            return;
        }
        if (e.dir() == null) {
            return; // the directory is gone: its parent's delete or move says so
        }
        byte[] rel = below(e.dir());
        if (rel == null) {
            return;
        }
        long m = e.mask();
        byte[] name = e.name();
        if (name == null || Arrays.equals(name, new byte[]{'.'})) {
            dir("A", rel); // the directory's own metadata (or an event without a name)
            return;
        }
        byte[] child = rel.length == 0 ? name : join(rel, name);
        if ((m & (Fanotify.CREATE | Fanotify.DELETE | Fanotify.MOVED_FROM | Fanotify.MOVED_TO)) != 0) {
            dir("E", rel);
            if (e.onDir() && (m & (Fanotify.CREATE | Fanotify.MOVED_TO)) != 0) {
                dir("T", child); // new or moved in: nothing below it was ever journaled
            }
        }
        if ((m & Fanotify.ATTRIB) != 0) {
            dir("A", rel);
            if (e.onDir()) {
                dir("A", child);
            }
        }
        if ((m & (Fanotify.MODIFY | Fanotify.CLOSE_WRITE)) != 0 && !e.onDir()) {
            dir("A", rel);
            String key = JournalFile.WRITE + " " + JournalFile.encode(child);
            if (sinceMark.add(key)) {
                journal.add(JournalFile.WRITE, session, written(JournalFile.encode(child), e.object()));
            }
        }
    }

    /**
     * A WRITE record's fields: the name, and while the file lives, its inode and handle. The name
     * a write went through can be gone by the pass (renamed, or a hard link removed) while the
     * inode lives on under another name in a directory the journal never saw change; the pass
     * looks for the inode and, when it is still alive and not met, walks everything.
     */
    private String[] written(String name, byte[] object) {
        if (object == null || fan == null) {
            return new String[]{name};
        }
        try {
            OptionalLong ino = fan.inode(object);
            return ino.isEmpty() ? new String[]{name}
                    : new String[]{name, Long.toString(ino.getAsLong()), HexFormat.of().formatHex(object)};
        } catch (IOException e) {
            // (cannot tell where it lives: the next pass will not vouch for it)
            gap("a written file's inode could not be read: " + e.getMessage());
            return new String[]{name};
        }
    }

    /** A change the watcher cannot place: the next pass walks everything. */
    void gap(String reason) {
        LOG.warn("journal gap: {}", reason);
        journal.add(JournalFile.GAP, session, JournalFile.encode(reason.getBytes(StandardCharsets.UTF_8)));
    }

    private void dir(String how, byte[] rel) {
        String f = JournalFile.encode(rel);
        once(JournalFile.DIR + " " + how + " " + f, JournalFile.DIR, how, f);
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

    private static byte[] join(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + 1 + b.length);
        out[a.length] = '/';
        System.arraycopy(b, 0, out, a.length + 1, b.length);
        return out;
    }
}

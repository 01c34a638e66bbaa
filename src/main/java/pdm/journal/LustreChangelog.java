package pdm.journal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.fs.linux.NameBytes;
import pdm.lustre.Lfs;
import pdm.lustre.LfsException;

/**
 * A Lustre filesystem's changes, from the changelogs of its MDTs ({@code lfs changelog}), read
 * with a changelog user that an administrator registered ({@code lctl changelog_register} on each
 * MDS) and named in the source's {@code changelog_user}. Every client's changes are there, which
 * fanotify on one client never sees. Records are turned into directories by their FIDs
 * ({@code lfs fid2path}, every name of a file: a hard link is no blind spot here), and cleared
 * ({@code lfs changelog_clear}) once the journal holds them on disk, so the MDTs can purge them.
 *
 * <p>Not tried on a real Lustre: the tests run a recording stand-in for lfs (README).
 */
public final class LustreChangelog implements ChangeSource {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.watch");
    /** Each look runs lfs once per MDT: not 50 times a second. */
    private static final long IDLE_MS = 1000;

    /**
     * @param lfs   the lfs command (the source's lfs_path)
     * @param mount the Lustre filesystem's mount point on this node (the source's path)
     * @param user  the changelog user (e.g. cl1), registered on every MDT
     */
    public record Settings(Lfs lfs, Path mount, String user) {
    }

    private final Settings settings;
    private final JournalDir where;
    /** Per MDT: the record number to read next, and the last one cleared. */
    private final Map<String, long[]> mdts = new LinkedHashMap<>();

    private LustreChangelog(Settings settings, JournalDir where) {
        this.settings = settings;
        this.where = where;
    }

    /**
     * Finds the MDTs and skips what their changelogs hold from before this session (a new
     * session vouches for nothing before its START); reading begins after the last record now.
     */
    static LustreChangelog open(Settings s, JournalDir where) throws IOException {
        LustreChangelog c = new LustreChangelog(s, where);
        for (String mdt : mdtsOf(s)) {
            long next = c.saved(mdt);
            for (Record r : c.records(mdt, next)) {
                next = r.recno() + 1;
            }
            c.mdts.put(mdt, new long[]{next, next - 1});
            s.lfs().run("changelog_clear", mdt, s.user(), Long.toString(Math.max(0, next - 1)));
            c.save(mdt, next);
        }
        LOG.info("reading the changelogs of {} as {}", c.mdts.keySet(), s.user());
        return c;
    }

    @Override
    public boolean read(ChangeSink sink) throws IOException {
        boolean any = false;
        Map<String, List<byte[]>> paths = new HashMap<>(); // (FID -> its names, for this look)
        for (Map.Entry<String, long[]> m : mdts.entrySet()) {
            long[] at = m.getValue();
            List<Record> rs = records(m.getKey(), at[0]);
            if (!rs.isEmpty() && rs.getFirst().recno() > at[0]) {
                sink.gap("the changelog of " + m.getKey() + " lost records " + at[0] + " to " + (rs.getFirst().recno() - 1)
                        + " (was changelog user " + settings.user() + " deregistered, or purged as idle?)");
            }
            for (Record r : rs) {
                apply(r, sink, paths);
                at[0] = r.recno() + 1;
                any = true;
            }
        }
        return any;
    }

    @Override
    public void persisted() throws IOException {
        for (Map.Entry<String, long[]> m : mdts.entrySet()) {
            long[] at = m.getValue();
            if (at[0] - 1 > at[1]) {
                settings.lfs().run("changelog_clear", m.getKey(), settings.user(), Long.toString(at[0] - 1));
                at[1] = at[0] - 1;
                save(m.getKey(), at[0]);
            }
        }
    }

    @Override
    public long idleMs() {
        return IDLE_MS;
    }

    @Override
    public void close() {
    }

    /** One changelog record: its number, type (CREAT, RENME...) and FIDs by key (t, p, s, sp). */
    record Record(long recno, String type, Map<String, String> fids) {
        /** A line of {@code lfs changelog}: "RECNO NNTYPE TIME DATE FLAGS t=[FID] ... p=[FID] NAME [s=[FID] sp=[FID] NAME]". */
        static Record parse(String line) {
            String[] f = line.strip().split(" +");
            if (f.length < 2 || !f[1].matches("[0-9]{2}[A-Z]+")) {
                throw new IllegalArgumentException("not a changelog record: " + line);
            }
            Map<String, String> fids = new HashMap<>();
            for (String tok : f) {
                int eq = tok.indexOf("=[");
                if (eq > 0 && tok.endsWith("]")) {
                    fids.putIfAbsent(tok.substring(0, eq), tok.substring(eq + 1));
                }
            }
            return new Record(Long.parseLong(f[0]), f[1].substring(2), fids);
        }
    }

    private void apply(Record r, ChangeSink sink, Map<String, List<byte[]>> cache) throws IOException {
        switch (r.type()) {
            case "CREAT", "HLINK", "SLINK", "MKNOD", "UNLNK", "RMDIR", "RNMTO" -> entries(r.fids().get("p"), sink, cache);
            case "MKDIR" -> {
                entries(r.fids().get("p"), sink, cache);
                for (byte[] p : paths(r.fids().get("t"), cache)) {
                    sink.dir("T", p);
                }
            }
            case "RENME" -> {
                entries(r.fids().get("p"), sink, cache);
                entries(r.fids().get("sp"), sink, cache);
                for (byte[] p : paths(r.fids().get("s"), cache)) {
                    if (Files.isDirectory(NameBytes.path(p), LinkOption.NOFOLLOW_LINKS)) {
                        sink.dir("T", p); // moved in: nothing below it was journaled where it is now
                    }
                }
            }
            case "CLOSE", "TRUNC", "MTIME", "LYOUT", "FLRW", "RESYNC", "MIGRT" -> {
                for (byte[] p : paths(r.fids().get("t"), cache)) { // (every name: all get copied)
                    entry(p, sink);
                    sink.written(p, ChangeSink.Identity.NONE);
                }
            }
            case "SATTR", "XATTR", "CTIME", "HSM" -> {
                for (byte[] p : paths(r.fids().get("t"), cache)) {
                    entry(p, sink);
                    if (Files.isDirectory(NameBytes.path(p), LinkOption.NOFOLLOW_LINKS)) {
                        sink.dir("S", p); // (a directory's metadata is set when it is walked)
                    }
                }
            }
            case "MARK", "OPEN", "NOPEN", "ATIME", "GXATR" -> {
                // (no change to what a copy keeps: pdm leaves atimes alone on the source)
            }
            default -> sink.gap("a changelog record of a type pdm does not know: " + r.type() + " (record " + r.recno()
                    + ")");
        }
    }

    private void entries(String fid, ChangeSink sink, Map<String, List<byte[]>> cache) throws IOException {
        for (byte[] p : paths(fid, cache)) {
            sink.dir("E", p);
        }
    }

    /** Every current name of {@code fid}, absolute; none when it is gone (its parent's record says so). */
    private List<byte[]> paths(String fid, Map<String, List<byte[]>> cache) throws IOException {
        if (fid == null) {
            return List.of();
        }
        List<byte[]> known = cache.get(fid);
        if (known != null) {
            return known;
        }
        List<byte[]> out = new ArrayList<>();
        try {
            for (String line : settings.lfs().run("fid2path", settings.mount().toString(), fid).split("\n")) {
                if (!line.isEmpty()) {
                    Path p = line.startsWith("/") ? Path.of(line) : settings.mount().resolve(line);
                    out.add(NameBytes.bytes(p));
                }
            }
        } catch (LfsException e) {
            if (!e.getMessage().contains("No such file")) {
                throw e;
            }
        }
        cache.put(fid, out);
        return out;
    }

    /** The entry {@code path} (absolute) changed: its parent and its last name. */
    private static void entry(byte[] path, ChangeSink sink) {
        int slash = path.length - 1;
        while (slash > 0 && path[slash] != '/') {
            slash--;
        }
        sink.entry(java.util.Arrays.copyOf(path, Math.max(1, slash)), java.util.Arrays.copyOfRange(path, slash + 1,
                path.length));
    }

    private List<Record> records(String mdt, long from) throws IOException {
        List<Record> out = new ArrayList<>();
        for (String line : settings.lfs().run("changelog", mdt, Long.toString(from)).split("\n")) {
            if (!line.isBlank()) {
                Record r = Record.parse(line);
                if (r.recno() >= from) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    /** The MDTs of the filesystem, as {@code lfs mdts} lists them ("0: fsname-MDT0000_UUID ACTIVE"). */
    private static List<String> mdtsOf(Settings s) throws IOException {
        List<String> out = new ArrayList<>();
        for (String line : s.lfs().run("mdts", s.mount().toString()).split("\n")) {
            String[] f = line.strip().split(" +");
            if (f.length >= 2 && f[0].matches("[0-9]+:")) {
                out.add(f[1].endsWith("_UUID") ? f[1].substring(0, f[1].length() - 5) : f[1]);
            }
        }
        if (out.isEmpty()) {
            throw new IOException("lfs mdts " + s.mount() + " listed no MDT: is it a Lustre mount?");
        }
        return out;
    }

    /** Where reading began last time, so a restart does not read what was cleared before. */
    private long saved(String mdt) throws IOException {
        Path f = where.dir().resolve("changelog-" + mdt);
        return Files.exists(f) ? Long.parseLong(Files.readString(f, StandardCharsets.US_ASCII).strip()) : 0;
    }

    private void save(String mdt, long next) throws IOException {
        Path f = where.dir().resolve("changelog-" + mdt);
        Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
        Files.writeString(tmp, next + "\n", StandardCharsets.US_ASCII);
        Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}

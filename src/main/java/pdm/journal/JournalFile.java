package pdm.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;
import pdm.fs.linux.NameBytes;

/**
 * The journal's file: append-only lines {@code CRC SEQ TYPE SESSION FIELDS...}, the CRC32 (hex)
 * over everything after it. Names are bytes, percent-encoded so that a line is ASCII and has no
 * space inside a field. A reader stops at the first line that is torn (no newline: the writer was
 * killed mid-write) or whose CRC is wrong, so a crash never makes it read a half record.
 */
public final class JournalFile implements AutoCloseable {
    public static final String START = "START";
    public static final String STOP = "STOP";
    public static final String GAP = "GAP";
    public static final String DIR = "DIR";
    /** One entry of a directory was made, removed, renamed or changed metadata: its path. */
    public static final String ENTRY = "ENTRY";
    public static final String WRITE = "WRITE";
    /** A file's metadata changed: its name, and while it lives its inode and handle. */
    public static final String ATTR = "ATTR";
    /**
     * A file with a name the journal cannot point at was written (W) or changed (A): one of several
     * names, or a name outside the watched directory or in a directory gone before the event was
     * read. Its inode and handle: a pass must meet it, or walk everything.
     */
    public static final String LINKS = "LINKS";
    public static final String MARK = "MARK";
    /** On the journal stream only: a distributed pass's decision ({@link Changes.Decision}). */
    public static final String SCOPE = "SCOPE";
    /** On the journal stream only: a distributed job's pass completed; the next pass of its key reads from its mark. */
    public static final String COMPLETE = "COMPLETE";

    /** One record; {@code fields} after the session. */
    public record Record(long seq, String type, String session, List<String> fields) {
    }

    private final Path file;
    private FileChannel out;
    /** Where each synced line also goes (the RabbitMQ stream of a distributed journal), or null. */
    private JournalOutlet outlet;
    private final StringBuilder pending = new StringBuilder();
    private long seq;

    private JournalFile(Path file, FileChannel out) {
        this.file = file;
        this.out = out;
    }

    /** A new journal for a new watcher session: what the file held before can vouch for nothing now. */
    public static JournalFile create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return new JournalFile(file, FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** From now on every line synced to the file is also published there, confirmed, before {@link #sync} returns. */
    public void mirrorTo(JournalOutlet to) {
        this.outlet = to;
    }

    /** Queues a record (written by {@link #sync}); returns its sequence number. */
    public long add(String type, String session, String... fields) {
        long n = ++seq;
        pending.append(line(new Record(n, type, session, List.of(fields))));
        return n;
    }

    /** One record as the line the file (and the stream) holds, newline included. */
    public static String line(Record r) {
        StringBuilder line = new StringBuilder().append(r.seq()).append(' ').append(r.type()).append(' ')
                .append(r.session());
        for (String f : r.fields()) {
            line.append(' ').append(f);
        }
        return crc(line) + " " + line + "\n";
    }

    /**
     * Drops the records no future pass can need: every one before {@code from} but the first
     * (START, which says what was watched). The kept records are written beside the journal,
     * flushed and renamed over it, so a pass reading it sees the whole old file or the whole new
     * one, and a crash leaves one of the two; appending goes on in the new file.
     *
     * @return how many records were dropped
     */
    public int trim(long from) throws IOException {
        sync();
        List<Record> all = read(file);
        int dropped = 0;
        StringBuilder kept = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            if (i == 0 || all.get(i).seq() >= from) {
                kept.append(line(all.get(i)));
            } else {
                dropped++;
            }
        }
        if (dropped == 0) {
            return 0;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".trim");
        try (FileChannel t = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer b = ByteBuffer.wrap(kept.toString().getBytes(StandardCharsets.US_ASCII));
            while (b.hasRemaining()) {
                t.write(b);
            }
            t.force(false);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
            dir.force(true); // the rename on disk before records are appended to the new file
        }
        out.close();
        out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return dropped;
    }

    /** Writes the queued records and flushes them to disk. */
    public void sync() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        ByteBuffer b = ByteBuffer.wrap(pending.toString().getBytes(StandardCharsets.US_ASCII));
        while (b.hasRemaining()) {
            out.write(b);
        }
        out.force(false);
        if (outlet != null) {
            outlet.publish(List.of(pending.toString().split("\n")));
        }
        pending.setLength(0);
    }

    @Override
    public void close() throws IOException {
        try {
            sync();
        } finally {
            out.close();
        }
    }

    /** Every whole record of {@code file}, up to the first torn or damaged one; empty when there is no file. */
    public static List<Record> read(Path file) throws IOException {
        byte[] all;
        try {
            all = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
        List<Record> out = new ArrayList<>();
        int at = 0;
        while (at < all.length) {
            int nl = at;
            while (nl < all.length && all[nl] != '\n') {
                nl++;
            }
            if (nl == all.length) {
                break; // torn: the writer died before the newline
            }
            String line = new String(all, at, nl - at, StandardCharsets.US_ASCII);
            at = nl + 1;
            Record r = parse(line);
            if (r == null) {
                break;
            }
            out.add(r);
        }
        return out;
    }

    /** One line (without its newline) as a record, or null when its CRC is wrong or it is not one. */
    public static Record parse(String line) {
        int sp = line.indexOf(' ');
        if (sp < 0 || !line.substring(0, sp).equals(crc(line.substring(sp + 1)))) {
            return null;
        }
        String[] f = line.substring(sp + 1).split(" ");
        if (f.length < 3) {
            return null;
        }
        try {
            return new Record(Long.parseLong(f[0]), f[1], f[2], List.of(Arrays.copyOfRange(f, 3, f.length)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String crc(CharSequence s) {
        CRC32 c = new CRC32();
        c.update(s.toString().getBytes(StandardCharsets.US_ASCII));
        return Long.toHexString(c.getValue());
    }

    /**
     * A name's bytes as one field: {@link NameBytes#percent} (so no space inside), and "%" for the
     * empty name, which a space-separated line could not hold otherwise. Old journals wrote lower-case
     * hex; {@link #decode} reads both.
     */
    public static String encode(byte[] b) {
        return b.length == 0 ? "%" : NameBytes.percent(b);
    }

    public static byte[] decode(String s) {
        return s.equals("%") ? new byte[0] : NameBytes.unpercent(s);
    }
}

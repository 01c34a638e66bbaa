package pdm.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

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
    public static final String WRITE = "WRITE";
    public static final String MARK = "MARK";

    /** One record; {@code fields} after the session. */
    public record Record(long seq, String type, String session, List<String> fields) {
    }

    private final FileChannel out;
    private final StringBuilder pending = new StringBuilder();
    private long seq;

    private JournalFile(FileChannel out) {
        this.out = out;
    }

    /** A new journal for a new watcher session: what the file held before can vouch for nothing now. */
    public static JournalFile create(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        return new JournalFile(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    /** Queues a record (written by {@link #sync}); returns its sequence number. */
    public long add(String type, String session, String... fields) {
        long n = ++seq;
        StringBuilder line = new StringBuilder().append(n).append(' ').append(type).append(' ').append(session);
        for (String f : fields) {
            line.append(' ').append(f);
        }
        pending.append(crc(line)).append(' ').append(line).append('\n');
        return n;
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
            int sp = line.indexOf(' ');
            if (sp < 0 || !line.substring(0, sp).equals(crc(line.substring(sp + 1)))) {
                break;
            }
            String[] f = line.substring(sp + 1).split(" ");
            if (f.length < 3) {
                break;
            }
            out.add(new Record(Long.parseLong(f[0]), f[1], f[2], List.of(Arrays.copyOfRange(f, 3, f.length))));
        }
        return out;
    }

    private static String crc(CharSequence s) {
        CRC32 c = new CRC32();
        c.update(s.toString().getBytes(StandardCharsets.US_ASCII));
        return Long.toHexString(c.getValue());
    }

    /** A name's bytes as one field: printable ASCII but space and '%' as is, every other byte as %XX; "" as "%". */
    public static String encode(byte[] b) {
        if (b.length == 0) {
            return "%";
        }
        StringBuilder s = new StringBuilder(b.length);
        for (byte x : b) {
            int c = x & 0xff;
            if (c > 0x20 && c < 0x7f && c != '%') {
                s.append((char) c);
            } else {
                s.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 0xf, 16));
            }
        }
        return s.toString();
    }

    public static byte[] decode(String s) {
        if (s.equals("%")) {
            return new byte[0];
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%') {
                out[n++] = (byte) Integer.parseInt(s.substring(i + 1, i + 3), 16);
                i += 2;
            } else {
                out[n++] = (byte) c;
            }
        }
        return Arrays.copyOf(out, n);
    }
}

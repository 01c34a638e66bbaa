package pdm.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed pass's reading of the journal stream (docs/change-journal.md, "Distributed mode"),
 * over records as the streams hold them: which mark it reads from (the last COMPLETE of its key
 * on the passes stream), the interval's directories (the journal stream's records between the
 * two marks' offsets), and the reasons it walks everything.
 */
class StreamChangesTest {
    @TempDir
    Path root;
    /** The journal stream: the watcher's records, and each one's offset (the retention drops some, offsets stay). */
    private final List<JournalFile.Record> stream = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    /** The passes stream: decisions and completions. */
    private final List<JournalFile.Record> passes = new ArrayList<>();
    private long seq;
    private long offset;

    private void watcher(String session, String type, String... fields) {
        stream.add(new JournalFile.Record(++seq, type, session, List.of(fields)));
        offsets.add(offset++);
    }

    private void dropLast() {
        stream.removeLast();
        offsets.removeLast();
    }

    /** The offset of the last MARK written for {@code request}. */
    private int markIndex(String request) {
        for (int i = stream.size() - 1; i >= 0; i--) {
            if (Changes.isMarkFor(stream.get(i), request)) {
                return i;
            }
        }
        throw new AssertionError("no mark for " + request);
    }

    /** What the journal stream holds from offset {@code from} to {@code to}, as a reader attached at {@code from} gets it. */
    private List<JournalFile.Record> interval(long from, long to) {
        List<JournalFile.Record> out = new ArrayList<>();
        for (int i = 0; i < stream.size(); i++) {
            if (offsets.get(i) >= from && offsets.get(i) <= to) {
                out.add(stream.get(i));
            }
        }
        return out;
    }

    private void mark(String session, String request) {
        watcher(session, JournalFile.MARK, enc(request), enc("data"));
    }

    private static String enc(String s) {
        return JournalFile.encode(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A root task's decision to walk by the journal, and the tracker's word that the pass completed. */
    private void decidedAndComplete(String request, String key, String session, boolean complete) {
        int at = markIndex(request);
        passes.add(new Changes.Decision(request, key, Changes.Decision.FULL, session, stream.get(at).seq(), 0, "first",
                -1, offsets.get(at)).record());
        if (complete) {
            passes.add(Changes.complete(request));
        }
    }

    /** The pass's view at the MARK the watcher answered it (the last one for its request), as the root task reads it. */
    private Changes between(String request) throws Exception {
        int at = markIndex(request);
        JournalFile.Record m = stream.get(at);
        Changes.Decision from = Changes.lastComplete(passes, "K");
        List<JournalFile.Record> read = from == null ? List.of(m) : interval(from.toOffset(), offsets.get(at));
        return Changes.between(read, request, m.session(), m.seq(), from, root, Path.of("data"));
    }

    @Test
    void aPassReadsFromTheMarkOfTheLastCompletePassOfItsKeyUpToItsOwn() throws Exception {
        Files.createDirectories(root.resolve("data/a/b"));
        Files.createDirectories(root.resolve("data/c"));
        watcher("s", JournalFile.START, "1", "2", enc("/w"));
        watcher("s", JournalFile.DIR, "E", enc("a"));
        mark("s", "j1/copy");
        decidedAndComplete("j1/copy", "K", "s", true);
        watcher("s", JournalFile.DIR, "E", enc("a/b"));
        mark("s", "j2/copy"); // another key's pass, never completed: not a mark to read from
        decidedAndComplete("j2/copy", "OTHER", "s", true);
        watcher("s", JournalFile.DIR, "T", enc("c"));
        mark("s", "j3/copy");

        Changes c = between("j3/copy");

        assertThat(c.reason()).isNull();
        assertThat(c.listed()).containsExactly(Path.of("data/a/b"));
        assertThat(c.subtree()).containsExactly(Path.of("data/c"));
        Changes.Decision from = Changes.lastComplete(passes, "K");
        assertThat(from.toSeq()).isEqualTo(3);
        assertThat(from.toOffset()).isEqualTo(2);
        // every worker recomputes the same from the decision, reading only the interval it names
        Changes.Decision d = new Changes.Decision("j3/copy", "K", Changes.Decision.CHANGES, "s", seq, 3, "", 2,
                offsets.getLast());
        passes.add(d.record());
        assertThat(Changes.decided(passes, "j3/copy")).isEqualTo(d);
        List<JournalFile.Record> read = interval(d.fromOffset(), d.toOffset());
        assertThat(read).hasSize(5).doesNotContain(stream.get(0), stream.get(1));
        assertThat(Changes.of(read, d, root, Path.of("data")).listed()).containsExactly(Path.of("data/a/b"));
    }

    @Test
    void withoutACompletePassARestartedWatcherOrDroppedRecordsItWalksEverything() throws Exception {
        Files.createDirectories(root.resolve("data"));
        watcher("s", JournalFile.START, "1", "2", enc("/w"));
        mark("s", "j1/copy");
        decidedAndComplete("j1/copy", "K", "s", false);
        mark("s", "j2/copy");
        assertThat(between("j2/copy").reason())
                .contains("no earlier complete --changes pass");

        passes.add(Changes.complete("j2/copy")); // (before any decision of it: no mark to read from)
        decidedAndComplete("j2/copy", "K", "s", true);
        watcher("t", JournalFile.START, "1", "2", enc("/w"));
        mark("t", "j3/copy");
        assertThat(between("j3/copy").reason()).contains("restarted");

        decidedAndComplete("j3/copy", "K", "t", true);
        watcher("t", JournalFile.DIR, "E", enc(""));
        dropLast(); // the stream's retention dropped it
        mark("t", "j4/copy");
        assertThat(between("j4/copy").reason())
                .contains("no longer holds every record");
    }

    /**
     * A root task whose worker died after the watcher answered, asking again of a watcher
     * restarted since: two MARKs of one request. It reads at the one it was answered, the new one,
     * whose interval the restart broke.
     */
    @Test
    void aRequestAnsweredAgainByARestartedWatcherReadsAtTheNewMark() throws Exception {
        Files.createDirectories(root.resolve("data"));
        watcher("s", JournalFile.START, "1", "2", enc("/w"));
        mark("s", "j1/copy");
        decidedAndComplete("j1/copy", "K", "s", true);
        mark("s", "j2/copy");
        watcher("t", JournalFile.START, "1", "2", enc("/w"));
        mark("t", "j2/copy");
        assertThat(between("j2/copy").reason()).contains("restarted");
    }

    @Test
    void aRedeliveredRootTaskFollowsTheFirstDecisionOnRecord() {
        Changes.Decision first = new Changes.Decision("j/copy", "K", Changes.Decision.CHANGES, "s", 5, 3, "", 40, 90);
        Changes.Decision second = new Changes.Decision("j/copy", "K", Changes.Decision.FULL, "s", 9, 0, "later", -1,
                120);
        passes.add(first.record());
        passes.add(second.record());
        assertThat(Changes.decided(passes, "j/copy")).isEqualTo(first);
        assertThat(Changes.decided(passes, "k/copy")).isNull();
        String line = JournalFile.line(first.record()).trim();
        assertThat(Changes.Decision.of(JournalFile.parse(line))).as("through the stream's line form").isEqualTo(first);
    }
}

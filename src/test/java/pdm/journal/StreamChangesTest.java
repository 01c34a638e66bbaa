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
 * over records as the stream holds them: which mark it reads from (the last COMPLETE of its key
 * before its own MARK), the interval's directories, and the reasons it walks everything.
 */
class StreamChangesTest {
    @TempDir
    Path root;
    private final List<JournalFile.Record> stream = new ArrayList<>();
    private long seq;

    private void watcher(String session, String type, String... fields) {
        stream.add(new JournalFile.Record(++seq, type, session, List.of(fields)));
    }

    private void mark(String session, String request) {
        watcher(session, JournalFile.MARK, enc(request), enc("data"));
    }

    private static String enc(String s) {
        return JournalFile.encode(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A root task's decision to walk by the journal, and the tracker's word that the pass completed. */
    private void decidedAndComplete(String request, String key, String session, boolean complete) {
        long to = 0;
        for (JournalFile.Record r : stream) {
            if (r.type().equals(JournalFile.MARK) && r.fields().get(0).equals(enc(request))) {
                to = r.seq();
            }
        }
        stream.add(new Changes.Decision(request, key, Changes.Decision.FULL, session, to, 0, "first").record());
        if (complete) {
            stream.add(Changes.complete(request));
        }
    }

    /** The pass's view at the MARK the watcher answered it (the last one for its request). */
    private Changes between(String request) throws Exception {
        JournalFile.Record m = stream.stream().filter(r -> r.type().equals(JournalFile.MARK)
                && r.fields().get(0).equals(enc(request))).reduce((a, b) -> b).orElseThrow();
        return Changes.between(stream, request, m.session(), m.seq(), root, Path.of("data"), "K");
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
        assertThat(Changes.fromSeq(stream, "j3/copy", "s", 7, "K")).isEqualTo(3);
        // every worker recomputes the same from the decision
        Changes.Decision d = new Changes.Decision("j3/copy", "K", Changes.Decision.CHANGES, "s", seq, 3, "");
        stream.add(d.record());
        assertThat(Changes.decided(stream, "j3/copy")).isEqualTo(d);
        assertThat(Changes.of(stream, d, root, Path.of("data")).listed()).containsExactly(Path.of("data/a/b"));
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

        stream.add(Changes.complete("j2/copy"));
        decidedAndComplete("j2/copy", "K", "s", true);
        watcher("t", JournalFile.START, "1", "2", enc("/w"));
        mark("t", "j3/copy");
        assertThat(between("j3/copy").reason()).contains("restarted");

        decidedAndComplete("j3/copy", "K", "t", true);
        watcher("t", JournalFile.DIR, "E", enc(""));
        stream.removeLast(); // the stream's retention dropped it
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
        Changes.Decision first = new Changes.Decision("j/copy", "K", Changes.Decision.CHANGES, "s", 5, 3, "");
        Changes.Decision second = new Changes.Decision("j/copy", "K", Changes.Decision.FULL, "s", 9, 0, "later");
        stream.add(first.record());
        stream.add(second.record());
        assertThat(Changes.decided(stream, "j/copy")).isEqualTo(first);
        assertThat(Changes.decided(stream, "k/copy")).isNull();
        String line = JournalFile.line(first.record()).trim();
        assertThat(Changes.Decision.of(JournalFile.parse(line))).as("through the stream's line form").isEqualTo(first);
    }
}

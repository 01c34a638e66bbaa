package pdm.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The journal file on a real disk: torn lines, names as bytes, and trimming inside a session. */
class JournalFileTest {
    @TempDir
    Path dir;

    @Test
    void trimKeepsStartAndEveryRecordFromTheFirstNeededOneAndAppendingGoesOn() throws Exception {
        Path file = dir.resolve("journal");
        try (JournalFile j = JournalFile.create(file)) {
            j.add(JournalFile.START, "s", "1", "2", JournalFile.encode("/w".getBytes(StandardCharsets.UTF_8)));
            j.add(JournalFile.DIR, "s", "E", "a");
            long m1 = j.add(JournalFile.MARK, "s");
            j.add(JournalFile.DIR, "s", "E", "b");
            long m2 = j.add(JournalFile.MARK, "s");
            j.sync();

            assertThat(j.trim(m1)).isEqualTo(1);
            assertThat(seqs(file)).containsExactly(1L, m1, m1 + 1, m2);
            assertThat(j.trim(m1)).as("nothing more to drop").isZero();

            j.add(JournalFile.DIR, "s", "E", "c");
            j.sync();
        }
        List<JournalFile.Record> after = JournalFile.read(file);
        assertThat(after.get(0).type()).isEqualTo(JournalFile.START);
        assertThat(after.getLast().fields()).containsExactly("E", "c");
        assertThat(after.getLast().seq()).as("seq goes on across a trim").isEqualTo(6);
        assertThat(Files.exists(dir.resolve("journal.trim"))).isFalse();
    }

    @Test
    void aTornLastLineIsNotRead() throws Exception {
        Path file = dir.resolve("journal");
        try (JournalFile j = JournalFile.create(file)) {
            j.add(JournalFile.START, "s", "1", "2", "%2Fw");
            j.add(JournalFile.DIR, "s", "E", "a");
        }
        Files.writeString(file, "deadbeef 3 DIR s E b", java.nio.file.StandardOpenOption.APPEND);
        assertThat(seqs(file)).containsExactly(1L, 2L);
    }

    @Test
    void namesAreBytesAndTheEmptyNameIsOneField() {
        byte[] latin1 = {'a', ' ', (byte) 0xe9, '%'};
        assertThat(JournalFile.decode(JournalFile.encode(latin1))).isEqualTo(latin1);
        assertThat(JournalFile.encode(latin1)).doesNotContain(" ");
        assertThat(JournalFile.decode(JournalFile.encode(new byte[0]))).isEmpty();
        assertThat(JournalFile.decode("a%e9")).as("journals of an older build wrote lower-case hex")
                .isEqualTo(new byte[]{'a', (byte) 0xe9});
    }

    @Test
    void retentionKeepsWhatTheOldestStoredOrHandedOutMarkOfAnyKeyNeeds() {
        Retention r = new Retention();
        assertThat(r.keepFrom(Map.of())).as("nothing asked: keep all").isZero();
        r.handedOut("copy", 10);
        r.handedOut("delete", 12);
        assertThat(r.keepFrom(Map.of())).as("no pass completed: from the oldest mark handed out").isEqualTo(10);
        assertThat(r.keepFrom(Map.of("copy", 4L))).as("copy's next pass reads after its stored 4").isEqualTo(4);
        r.handedOut("copy", 20);
        assertThat(r.keepFrom(Map.of("copy", 10L, "delete", 12L))).isEqualTo(10);
        assertThat(r.keepFrom(Map.of("copy", 20L, "delete", 12L))).isEqualTo(12);
        r.handedOut("delete", 25);
        assertThat(r.keepFrom(Map.of("copy", 20L, "delete", 25L))).isEqualTo(20);
    }

    private static List<Long> seqs(Path file) throws Exception {
        return JournalFile.read(file).stream().map(JournalFile.Record::seq).toList();
    }
}

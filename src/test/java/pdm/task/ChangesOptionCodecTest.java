package pdm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import pdm.config.Split;

/** --changes travels with a job's options: absent means a full walk, as an older client meant. */
class ChangesOptionCodecTest {
    @Test
    void changesRoundTripsAndAFullWalkDoesNotWriteIt() throws Exception {
        JobOptions byJournal = JobOptions.DEFAULT.withSplit(new Split(1 << 20, 256 << 10)).withChanges(true);
        ObjectNode n = JobOptionsCodec.encode(byJournal);
        assertThat(n.get("changes").asBoolean()).isTrue();
        assertThat(JobOptionsCodec.decode(n, true)).isEqualTo(byJournal);
        assertThat(byJournal.withAttrs(byJournal.attrs()).changes()).as("kept by the other withers").isTrue();
        assertThat(JobOptionsCodec.encode(JobOptions.DEFAULT).has("changes")).isFalse();
        assertThat(JobOptionsCodec.decode(JobOptionsCodec.encode(JobOptions.DEFAULT), true).changes()).isFalse();
        n.put("changes", "yes");
        assertThatThrownBy(() -> JobOptionsCodec.decode(n, true)).isInstanceOf(BadMessageException.class)
                .hasMessageContaining("'changes'");
    }
}

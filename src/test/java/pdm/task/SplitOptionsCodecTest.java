package pdm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import pdm.config.Split;

/** A job's split travels with its options: absent means the defaults, a bad one refuses the message naming it. */
class SplitOptionsCodecTest {
    @Test
    void aJobsSplitRoundTripsAndTheDefaultIsNotWritten() throws Exception {
        JobOptions custom = JobOptions.DEFAULT.withSplit(new Split(1 << 20, 256 << 10));
        ObjectNode n = JobOptionsCodec.encode(custom);
        assertThat(n.get("split_size").asLong()).isEqualTo(1 << 20);
        assertThat(JobOptionsCodec.decode(n, true)).isEqualTo(custom);
        ObjectNode plain = JobOptionsCodec.encode(JobOptions.DEFAULT);
        assertThat(plain.has("split_size")).as("an older worker reads what this client writes by default").isFalse();
        assertThat(JobOptionsCodec.decode(plain, true).split()).isEqualTo(Split.DEFAULT);
    }

    @Test
    void aBadSplitRefusesTheMessageNamingIt() throws Exception {
        ObjectNode n = JobOptionsCodec.encode(JobOptions.DEFAULT);
        n.put("split_size", 1 << 20).put("chunk_size", 1000);
        assertThatThrownBy(() -> JobOptionsCodec.decode(n, true)).isInstanceOf(BadMessageException.class)
                .hasMessageContaining("chunk_size").hasMessageContaining("1000");
        ObjectNode half = (ObjectNode) new ObjectMapper().readTree(JobOptionsCodec.encode(JobOptions.DEFAULT).toString());
        half.put("split_size", 1 << 20);
        assertThatThrownBy(() -> JobOptionsCodec.decode(half, true)).isInstanceOf(BadMessageException.class)
                .hasMessageContaining("'split_size' and 'chunk_size'");
    }
}

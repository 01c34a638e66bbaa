package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The summary's --json text is the one Jackson's ObjectMapper writes for it, character for character. */
class SummaryJsonTest {
    private static final ObjectMapper JACKSON = new ObjectMapper();

    private static JobSummary summary(List<Failure> failures, double seconds, String path) {
        Counters c = new Counters(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17);
        return new JobSummary("20261207-001122-abcd", "sync", "/data/src", "/data/tgt", path, true, c, seconds, false,
                failures);
    }

    @Test
    void aSummaryWithFailuresIsWrittenAsJacksonWritesIt() throws Exception {
        String odd = "quote \" backslash \\ slash / tab \t nl \n cr \r ff \f bs \b nul \u0000 esc \u001b del \u007f "
                + "é 名 \ud83d\ude00";
        for (JobSummary s : List.of(
                summary(List.of(), 0.24710895100000002, "/"),
                summary(List.of(new Failure("a/b", "cannot list directory: EACCES"), new Failure(odd, odd)), 17.0, odd),
                summary(List.of(new Failure(null, "no path")), 1e-7, "/x"),
                new JobSummary("j", "copy", "s", "t", "/", false, Counters.ZERO, 123456.789, true, List.of()))) {
            assertThat(SummaryJson.of(s)).isEqualTo(JACKSON.writeValueAsString(s));
        }
    }

    @Test
    void fieldsAddedAfterTheSummaryMakeOneObject() throws Exception {
        JobSummary s = summary(List.of(), 2.5, "/");
        var o = JACKSON.readTree(SummaryJson.of(s, g -> {
            g.writeStringField("walk", "changes");
            g.writeNumberField("dirs_listed", 42);
            g.writeStringField("walk_reason", "copy: \"why\"");
        }));
        assertThat(o.get("walk").asText()).isEqualTo("changes");
        assertThat(o.get("dirs_listed").asLong()).isEqualTo(42);
        assertThat(o.get("walk_reason").asText()).isEqualTo("copy: \"why\"");
        assertThat(o.get("files_copied").asLong()).isEqualTo(1);
        assertThat(o.get("seconds").asDouble()).isEqualTo(2.5);
    }
}

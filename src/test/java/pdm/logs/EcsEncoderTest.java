package pdm.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** --log-format json writes one ECS object per line, with the error fields and no password. */
class EcsEncoderTest {
    @Test
    void oneEcsObjectPerLine() throws Exception {
        LoggerContext ctx = new LoggerContext();
        ctx.setMDCAdapter(new LogbackMDCAdapter());
        LoggingEvent e = new LoggingEvent("pdm.Foo", ctx.getLogger("pdm.Foo"), Level.ERROR,
                "cannot reach {}", new IllegalStateException("down"), new Object[]{"amqps://u:secret@mq:5671/"});

        String line = new String(new EcsEncoder().encode(e), StandardCharsets.UTF_8);

        assertThat(line).endsWith("\n").doesNotContain("secret");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode o = new ObjectMapper().readTree(line);
        assertThat(o.path("log.level").asText()).isEqualTo("ERROR");
        assertThat(o.path("log.logger").asText()).isEqualTo("pdm.Foo");
        assertThat(o.path("message").asText()).isEqualTo("cannot reach amqps://u:***@mq:5671/");
        assertThat(o.path("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
        assertThat(o.path("error.message").asText()).isEqualTo("down");
        assertThat(o.path("error.stack_trace").asText()).contains("IllegalStateException");
        assertThat(o.path("process.pid").asLong()).isEqualTo(ProcessHandle.current().pid());
        assertThat(o.has("@timestamp")).isTrue();
    }
}

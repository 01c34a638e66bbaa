package pdm.logs;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * pdm's own log setup, on a context of its own (the tests' logback-test.xml keeps the JVM's): the
 * line's shape, the password masked in message and stack trace, the level, and removals at INFO
 * whatever the level.
 */
class StderrLogsTest {
    private static String logged(String level, java.util.function.Consumer<LoggerContext> logs) {
        PrintStream err = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // (the JVM's context gets one from logback's provider)
        try {
            System.setErr(new PrintStream(out, true, StandardCharsets.UTF_8));
            StderrLogs.install(context, level);
            logs.accept(context);
        } finally {
            context.stop();
            System.setErr(err);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void warningsGoToStderrWithThePasswordMasked() {
        String out = logged(null, c -> {
            c.getLogger("pdm.cluster.Worker").warn("cannot reach amqp://pdm:hunter2@broker:5672/x");
            c.getLogger("pdm.cluster.Worker").info("an info line, under the WARN default");
            c.getLogger("pdm.cluster.Worker").error("failed", new IllegalStateException(
                    "connect to amqp://pdm:hunter2@broker:5672/x refused"));
        });
        assertThat(out).matches("(?s)\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Worker - cannot reach amqp://pdm:\\S+@broker:5672/x\n.*")
                .contains("ERROR Worker - failed", "IllegalStateException")
                .doesNotContain("hunter2").doesNotContain("an info line");
    }

    @Test
    void removalsAreListedWhateverTheLevelAndTheLevelIsPdmLogLevel() {
        String quiet = logged("ERROR", c -> {
            c.getLogger("pdm.removed").info("removed /t/a");
            c.getLogger("pdm.engine.Walker").warn("a warning, under ERROR");
        });
        assertThat(quiet).contains("INFO  removed - removed /t/a").doesNotContain("a warning");
        String debug = logged("debug", c -> c.getLogger("pdm.engine.Walker").debug("a debug line"));
        assertThat(debug).contains("DEBUG Walker - a debug line");
        String nonsense = logged("LOUD", c -> c.getLogger("pdm.x").info("info under the WARN fallback"));
        // (named, not ignored: a level that is none is a typo the user should see)
        assertThat(nonsense).contains("WARN  ROOT - PDM_LOG_LEVEL 'LOUD' is not a level").contains("logging at WARN")
                .doesNotContain("info under the WARN fallback");
    }
}

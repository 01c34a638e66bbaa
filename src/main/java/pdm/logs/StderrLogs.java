package pdm.logs;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * pdm's logging setup, found by logback through the ServiceLoader: log lines go to stderr (stdout
 * carries only the summary or the JSON object), at WARN or {@code PDM_LOG_LEVEL}, with any password
 * masked ({@code %maskedMsg}, {@code %maskedEx}); every removal ({@code pdm.removed}) at INFO
 * whatever the level, so a delete pass can be audited afterwards. Made in code rather than read from
 * a logback.xml: parsing XML took about a tenth of every start. A file named by
 * {@code -Dlogback.configurationFile}, or a logback-test.xml on the class path (the tests'), still
 * replaces it all, as logback reads them.
 */
public final class StderrLogs extends ContextAwareBase implements Configurator {
    /** The readable line, on stderr and in --log-file. */
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %maskedMsg%n%maskedEx";
    /** The name of the stderr appender (pdm.cli.Logging swaps its encoder for --log-format json). */
    public static final String APPENDER = "STDERR";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty(ContextInitializer.CONFIG_FILE_PROPERTY) != null
                || StderrLogs.class.getClassLoader().getResource(ContextInitializer.TEST_AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY; // (a file of the user's, or the tests' logback-test.xml)
        }
        install(context, level());
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets {@code context} up: stderr at {@code level} (WARN when null or no level's name). */
    @SuppressWarnings("rawtypes") // (logback's own map type)
    static void install(LoggerContext context, String level) {
        Map<String, Supplier<DynamicConverter>> rules = new HashMap<>();
        rules.put("maskedMsg", MaskedMessageConverter::new);
        rules.put("maskedEx", MaskedThrowableConverter::new);
        context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName(APPENDER);
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        context.getLogger("pdm.removed").setLevel(Level.INFO);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        Level chosen = Level.toLevel(level, null);
        root.setLevel(chosen == null ? Level.WARN : chosen);
        root.addAppender(stderr);
        if (chosen == null && level != null && !level.isBlank()) {
            root.warn("PDM_LOG_LEVEL '{}' is not a level (ERROR, WARN, INFO, DEBUG or TRACE); logging at WARN", level);
        }
    }

    /** PDM_LOG_LEVEL, a system property or else the environment's (as logback.xml's ${...} looked). */
    private static String level() {
        String p = System.getProperty("PDM_LOG_LEVEL");
        return p != null ? p : System.getenv("PDM_LOG_LEVEL");
    }
}

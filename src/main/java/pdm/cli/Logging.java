package pdm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.encoder.Encoder;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import pdm.config.PdmConfig;
import pdm.logs.EcsEncoder;
import pdm.logs.ElasticAppender;
import pdm.logs.StderrLogs;

/** Log switches: the config's debug = true, the worker's INFO lines, --log-format json, elastic_url. */
final class Logging {
    private static ElasticAppender elastic;
    private static FileAppender<ILoggingEvent> file;
    private static boolean json;
    /** As stderr's lines are written (its conversion words mask passwords). */
    private static final String TEXT = StderrLogs.PATTERN;

    private Logging() {
    }

    /** A long-running service (worker, monitor): its INFO lines, elastic_url, and debug = true. */
    static void forService(PdmConfig cfg) {
        info();
        elastic(cfg.elasticUrl());
        if (cfg.debug()) {
            debug();
        }
    }

    private static volatile boolean removalsListed;
    private static boolean removalsFilter;

    /**
     * While a pass lists its changes (-i, -v, a dry run), it says each removal there, once: the
     * {@code pdm.removed} lines stay out of stderr, and still go to --log-file and Elasticsearch.
     */
    static synchronized void removalsListed(boolean listed) {
        removalsListed = listed;
        if (!removalsFilter && root() instanceof Logger root
                && root.getAppender(StderrLogs.APPENDER) instanceof ConsoleAppender<ILoggingEvent> c) {
            removalsFilter = true;
            c.addFilter(new ch.qos.logback.core.filter.Filter<>() {
                @Override
                public ch.qos.logback.core.spi.FilterReply decide(ILoggingEvent e) {
                    return removalsListed && "pdm.removed".equals(e.getLoggerName())
                            ? ch.qos.logback.core.spi.FilterReply.DENY : ch.qos.logback.core.spi.FilterReply.NEUTRAL;
                }
            });
        }
    }

    /** pdm's own INFO lines (a worker's connects, stops, tracker role) on top of the WARN default. */
    static void info() {
        if (LoggerFactory.getLogger("pdm") instanceof Logger pdm && !pdm.isInfoEnabled()) {
            pdm.setLevel(Level.INFO);
        }
    }

    static void debug() {
        if (root() instanceof Logger root) {
            root.setLevel(Level.DEBUG);
        }
        if (LoggerFactory.getLogger("pdm") instanceof Logger pdm && pdm.getLevel() != null
                && !pdm.isDebugEnabled()) {
            pdm.setLevel(Level.DEBUG); // (-v then -vv: the pdm logger's own INFO level would hide it)
        }
    }

    /** Readable lines (the default) or, with {@code json}, one ECS object per line on stderr (and in --log-file). */
    static synchronized void format(boolean json) {
        if (!json || Logging.json || !(root() instanceof Logger root)) {
            return;
        }
        Logging.json = true;
        if (root.getAppender(StderrLogs.APPENDER) instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            console.setEncoder(encoder(root));
            console.start();
        }
        if (file != null) {
            file.stop();
            file.setEncoder(encoder(root));
            file.start();
        }
    }

    /** --log-file: every line stderr gets is also appended to {@code path}, in the same format. */
    static synchronized void file(Path path) {
        if (!(root() instanceof Logger root)) {
            return;
        }
        if (file != null) {
            root.detachAppender(file);
            file.stop();
        }
        file = new FileAppender<>();
        file.setName("FILE");
        file.setContext(root.getLoggerContext());
        file.setFile(path.toString());
        file.setAppend(true);
        file.setEncoder(encoder(root));
        file.start();
        root.addAppender(file);
    }

    /** ECS with --log-format json, else the readable pattern of the STDERR appender (StderrLogs). */
    private static Encoder<ILoggingEvent> encoder(Logger root) {
        if (json) {
            EcsEncoder ecs = new EcsEncoder();
            ecs.setContext(root.getLoggerContext());
            ecs.start();
            return ecs;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(root.getLoggerContext());
        text.setPattern(TEXT);
        text.start();
        return text;
    }

    /** With elastic_url set, log events also go to Elasticsearch (never blocking the copy). */
    static synchronized void elastic(Optional<String> url) {
        if (url.isEmpty() || elastic != null || !(root() instanceof Logger root)) {
            return;
        }
        elastic = new ElasticAppender(url.get());
        elastic.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        elastic.start();
        root.addAppender(elastic);
    }

    /** Log events dropped on the way to Elasticsearch so far (0 without elastic_url). */
    static synchronized long droppedToElastic() {
        return elastic == null ? 0 : elastic.dropped();
    }

    private static org.slf4j.Logger root() {
        return LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }
}

package pdm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import pdm.config.PdmConfig;
import pdm.logs.EcsEncoder;
import pdm.logs.ElasticAppender;

/** Log switches: the config's debug = true, the worker's INFO lines, --log-format json, elastic_url. */
final class Logging {
    private static ElasticAppender elastic;

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
    }

    /** Readable lines (the default) or, with {@code json}, one ECS object per line on stderr. */
    static void format(boolean json) {
        if (json && root() instanceof Logger root
                && root.getAppender("STDERR") instanceof ConsoleAppender<ILoggingEvent> console) {
            console.stop();
            EcsEncoder ecs = new EcsEncoder();
            ecs.setContext(root.getLoggerContext());
            ecs.start();
            console.setEncoder(ecs);
            console.start();
        }
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

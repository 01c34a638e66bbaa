package pdm.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;

/** Log level switches the config can make (debug = true). */
final class Logging {
    private Logging() {
    }

    /** pdm's own INFO lines (a worker's connects, stops, tracker role) on top of the WARN default. */
    static void info() {
        if (LoggerFactory.getLogger("pdm") instanceof Logger pdm && !pdm.isInfoEnabled()) {
            pdm.setLevel(Level.INFO);
        }
    }

    static void debug() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof Logger root) {
            root.setLevel(Level.DEBUG);
        }
    }
}

package pdm.cli;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.job.Counters;
import pdm.job.JobStats;

/**
 * The live progress of a pass, drawn in one place for both modes: on a terminal, one line
 * redrawn at most every second that fits its width (elapsed, files and bytes with their rates,
 * failures, and percent and ETA when a total is known); elsewhere (a log file, a pipe, systemd)
 * one INFO line on logger pdm.progress every 30 s. An update before anything is counted is
 * skipped, so the line is never all zeros.
 */
final class Progress {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.progress");
    private static final long TERMINAL_EVERY_NS = 1_000_000_000L;
    private static final long LOG_EVERY_NS = 30_000_000_000L;

    private final Terminal terminal;
    private long last = System.nanoTime();

    /** @param terminal where the line is drawn, or null to log instead */
    Progress(Terminal terminal) {
        this.terminal = terminal;
    }

    /**
     * The updates of an embedded pass, timed from now.
     *
     * @param total the expected entries, or null when unknown
     */
    Consumer<JobStats> of(String action, ProgressLine.Total total) {
        long started = System.nanoTime();
        return s -> show(action, Counters.live(s), (System.nanoTime() - started) / 1e9, total, null);
    }

    /**
     * Shows an update, unless the last was too recent or nothing is counted yet.
     *
     * @param total   the expected entries, or null when unknown
     * @param logMore what a log line adds (a distributed job's queued tasks), or null
     */
    void show(String action, Counters c, double seconds, ProgressLine.Total total, String logMore) {
        long now = System.nanoTime();
        if (now - last < (terminal != null ? TERMINAL_EVERY_NS : LOG_EVERY_NS)
                || c.files() + c.dirs() + c.bytes() == 0) {
            return;
        }
        last = now;
        ProgressLine line = new ProgressLine(action, c, seconds, total);
        if (terminal != null) {
            int columns = Terminal.columns();
            // one column short of the width: a line that fills the last column wraps on some terminals
            terminal.draw(line.fit(Math.max(20, (columns > 0 ? columns : 80) - 1)));
        } else if (LOG.isInfoEnabled()) {
            LOG.info(logMore == null ? line.full() : line.full() + ", " + logMore);
        }
    }

    /** Erases the line at the end of the pass (the summary follows). */
    void clear() {
        if (terminal != null) {
            terminal.erase();
        }
    }
}

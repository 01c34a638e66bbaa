package pdm.cli;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.job.Counters;
import pdm.job.JobStats;

/**
 * The live progress of a pass: on a terminal, one line redrawn every second that fits its width
 * (elapsed, files and bytes with their rates, failures, and percent and ETA when a total is
 * known); elsewhere (a log file, a pipe, systemd) one INFO line on logger pdm.progress every 30 s.
 * The first update waits until something is counted, so it is never all zeros.
 */
final class Progress implements Consumer<JobStats> {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.progress");
    private static final long TERMINAL_EVERY_NS = 1_000_000_000L;
    private static final long LOG_EVERY_NS = 30_000_000_000L;

    private final Terminal terminal;
    private final String action;
    private final ProgressLine.Total total;
    private final long started = System.nanoTime();
    private long last;

    /**
     * @param terminal where the line is drawn, or null to log instead
     * @param total    the expected entries, or null when unknown
     */
    Progress(Terminal terminal, String action, ProgressLine.Total total) {
        this.terminal = terminal;
        this.action = action;
        this.total = total;
        this.last = started;
    }

    @Override
    public void accept(JobStats s) {
        long now = System.nanoTime();
        if (now - last < (terminal != null ? TERMINAL_EVERY_NS : LOG_EVERY_NS)) {
            return;
        }
        Counters c = Counters.of(s);
        if (c.files() + c.dirs() + c.bytes() == 0) {
            return; // nothing to say yet
        }
        last = now;
        ProgressLine line = new ProgressLine(action, c, (now - started) / 1e9, total);
        if (terminal != null) {
            int columns = Terminal.columns();
            // one column short of the width: a line that fills the last column wraps on some terminals
            terminal.draw(line.fit(Math.max(20, (columns > 0 ? columns : 80) - 1)));
        } else if (LOG.isInfoEnabled()) {
            LOG.info(line.full());
        }
    }

    /** Erases the line at the end of the pass (the summary follows). */
    void clear() {
        if (terminal != null) {
            terminal.erase();
        }
    }
}

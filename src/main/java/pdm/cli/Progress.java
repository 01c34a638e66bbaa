package pdm.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.Consumer;
import pdm.job.JobStats;
import pdm.job.Sizes;

/** The live progress line, once a second, only when a person watches a terminal. */
final class Progress implements Consumer<JobStats> {
    private final PrintStream out;
    private final String action;
    private final long started = System.nanoTime();
    private long lastPrint;
    private boolean printed;

    Progress(PrintStream out, String action) {
        this.out = out;
        this.action = action;
    }

    /** A progress line on stderr when stdout is a terminal, else nothing. */
    static Consumer<JobStats> forTerminal(String action) {
        return System.console() != null ? new Progress(System.err, action) : s -> { };
    }

    @Override
    public void accept(JobStats s) {
        long now = System.nanoTime();
        if (now - lastPrint < 1_000_000_000L) {
            return;
        }
        lastPrint = now;
        double secs = Math.max(1e-3, (now - started) / 1e9);
        long files = s.filesCopied.sum() + s.filesSkipped.sum() + s.filesRemoved.sum();
        long bytes = s.bytes.sum();
        out.printf(Locale.ROOT, "\r%s: %d files (%d copied, %d skipped, %d removed), %d dirs, %s, %.0f files/s, %s/s, %d failed   ",
                action, files, s.filesCopied.sum(), s.filesSkipped.sum(), s.filesRemoved.sum(), s.dirs.sum(),
                Sizes.bytes(bytes), files / secs, Sizes.bytes((long) (bytes / secs)), s.problems());
        out.flush();
        printed = true;
    }

    void clear() {
        if (printed) {
            out.print("\r\033[K");
            out.flush();
        }
    }
}

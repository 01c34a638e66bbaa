package pdm.cli;

import pdm.fs.linux.Sys;
import pdm.job.Wrap;

/**
 * How the summary is printed: on a terminal, a few lines of at most 80 columns, and without
 * the failures the same terminal has just shown as WARN lines (each failure said once); to a
 * pipe or a file, the one-line paragraph and its list of failures, as scripts and logs read it.
 *
 * @param width        columns of the terminal form, or 0 for the paragraph
 * @param listFailures whether the summary lists failures (false: the log above has shown them)
 */
record SummaryForm(int width, boolean listFailures) {
    /** @param loggedHere failures were logged by this process, on stderr, as they happened (embedded) */
    static SummaryForm of(boolean loggedHere) {
        int out = Sys.terminalColumns(1);
        if (out <= 0) {
            return new SummaryForm(0, true);
        }
        return new SummaryForm(Math.min(out, Wrap.COLUMNS), !(loggedHere && Sys.terminalColumns(2) > 0));
    }
}

package pdm.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import pdm.fs.linux.NameBytes;

/**
 * What a finished pass (or sync, summed over its passes) did: printed as a paragraph or as --json.
 *
 * @param interrupted the pass was stopped by SIGINT or SIGTERM before it was complete
 */
@JsonPropertyOrder({"job", "action", "source", "target", "path", "dry_run", "counters", "seconds", "interrupted",
        "failures"})
public record JobSummary(
        String job,
        String action,
        String source,
        String target,
        String path,
        @JsonProperty("dry_run") boolean dryRun,
        @JsonUnwrapped Counters counters,
        double seconds,
        boolean interrupted,
        List<Failure> failures) {

    /** How many failures the paragraph lists before it refers to the log. */
    static final int PARAGRAPH_FAILURES = 1000;

    /** Why copy leaves a name alone; the summary and --json list it with this reason. */
    public static final String NOT_REPLACED = "target has a non-empty directory here; sync or delete replaces it";

    public static JobSummary of(String job, String action, String source, String target, String path,
                                boolean dryRun, JobStats s, double seconds, boolean interrupted) {
        return new JobSummary(job, action, source, target, path, dryRun, Counters.of(s), seconds, interrupted,
                s.failures());
    }

    /**
     * Exit code of docs/spec.md: 0 all done, 1 done but some items failed, differ, or were left
     * undone by a guard (a directory copy would not replace, --max-delete). Vanished source
     * files alone are not a problem: on a live filesystem they are normal.
     */
    public int exitCode() {
        return counters.problems() > 0 ? 1 : 0;
    }

    /** The one-paragraph summary for people, in the words of its pass, of a real run or of a dry run. */
    public String paragraph() {
        return text(0, true);
    }

    /**
     * The summary for people. {@code width} 0 gives the paragraph: one line of counts (for logs,
     * pipes and files), then the failures; otherwise a few short lines aligned under their labels,
     * none longer than {@code width} (a terminal). {@code listFailures} false leaves out the list of
     * failures, for a terminal that has shown each already as it happened (as WARN lines): each is
     * said once. Failures of one reason beyond the first few are said once with their count.
     */
    public String text(int width, boolean listFailures) {
        Counters c = counters;
        String nl = System.lineSeparator();
        StringBuilder b = new StringBuilder();
        String head = String.format(Locale.ROOT, "pdm %s%s %s -> %s %s", action, dryRun ? " (dry run)" : "",
                NameBytes.printable(source), NameBytes.printable(target), NameBytes.printable(path));
        List<String[]> rows = PassWords.rows(action, c, dryRun, seconds);
        List<String> notes = notes();
        if (width <= 0) {
            b.append(head).append(": ").append(PassWords.sentence(action, c, dryRun, seconds));
            notes.forEach(n -> b.append(' ').append(n));
        } else {
            b.append(Wrap.text(head, width, "    "));
            for (String[] row : rows) {
                b.append(nl).append(Wrap.labelled(String.format(Locale.ROOT, "  %-9s ", row[0]), row[1], width));
            }
            notes.forEach(n -> b.append(nl).append("  ").append(Wrap.text(n, width - 2, "  ")));
        }
        boolean verify = action.equals("verify");
        // (verify's differences are what it reports: listed whatever the terminal has shown; what
        // copy left alone is logged at INFO only, so it is listed too)
        List<Failure> shownHere = listFailures || verify ? failures
                : failures.stream().filter(f -> f.error().equals(NOT_REPLACED)).toList();
        FailureLines.of(shownHere, !verify, PARAGRAPH_FAILURES).forEach(l -> b.append(nl).append("  ").append(l));
        long shown = FailureLines.covered(shownHere, !verify, PARAGRAPH_FAILURES);
        long more = c.filesFailed() + c.differences() + c.notReplaced() - shown;
        if (shownHere != failures && more > 0) {
            b.append(nl).append("  ").append(Wrap.text(String.format(Locale.ROOT, "the %d failed are listed above, "
                    + "as they happened (and in --json)", more), width <= 0 ? Integer.MAX_VALUE : width - 2, "  "));
        } else if (more > 0) {
            b.append(nl).append("  ... and ").append(more)
                    .append(" more (--json lists up to ").append(JobStats.MAX_LISTED_FAILURES)
                    .append("; the log has each as it was found: failures as WARN, differences as INFO)");
        }
        return b.toString();
    }

    /** What a count alone does not say: what a guard left, vanished sources, owners, interruption. */
    private List<String> notes() {
        Counters c = counters;
        List<String> n = new ArrayList<>();
        // verify's differences are its main count, said above; every other pass names them here
        if (c.differences() > 0 && !action.equals("verify")) {
            n.add(String.format(Locale.ROOT, "%d differences.", c.differences()));
        }
        if (c.notReplaced() > 0) {
            n.add(String.format(Locale.ROOT, "%d %snot replaced (%s).", c.notReplaced(), dryRun ? "would be " : "",
                    NOT_REPLACED));
        }
        if (c.removalsSkipped() > 0) {
            n.add(String.format(Locale.ROOT, "--max-delete reached: %d removals skipped (raise --max-delete, "
                    + "or check why so much is to be removed).", c.removalsSkipped()));
        }
        if (c.filesVanished() > 0) {
            n.add(String.format(Locale.ROOT, "%d vanished from the source while the pass ran (normal on a live "
                    + "filesystem).", c.filesVanished()));
        }
        if (c.ownersNotKept() > 0) {
            n.add(String.format(Locale.ROOT, "%d entries keep your owner or group, not the source's (only root "
                    + "can give files away).", c.ownersNotKept()));
        }
        if (c.attrsNotKept() > 0) {
            n.add(String.format(Locale.ROOT, "%d xattrs or ACLs not kept (left out by --xattrs or --no-acls, or "
                    + "trusted.* and security.* without root).", c.attrsNotKept()));
        }
        if (c.unlocked() > 0) {
            // (a count of unlocks, not of entries: a locked directory is unlocked for each change in it)
            n.add(String.format(Locale.ROOT, "%d unlocks: an immutable or append-only target entry cleared for an "
                    + "update and locked again (-i lists each).", c.unlocked()));
        }
        if (interrupted) {
            n.add("Interrupted: the pass stopped before it was complete; run the same command again to finish it.");
        }
        return n;
    }
}

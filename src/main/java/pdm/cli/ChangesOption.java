package pdm.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.engine.JobSpec;
import pdm.engine.SkipFilter;
import pdm.engine.WalkScope;
import pdm.fs.Names;
import pdm.job.JobSummary;
import pdm.job.Summaries;
import pdm.job.SummaryJson;
import pdm.journal.Changes;
import pdm.task.Pass;
import picocli.CommandLine.Option;

/**
 * {@code --changes}: each pass asks the change journal for a mark and walks only what changed
 * since the last complete pass of its kind, or says in one line why it walks everything
 * (docs/change-journal.md). The summary says which walk each pass made.
 */
final class ChangesOption {
    private static final Logger LOG = LoggerFactory.getLogger("pdm.changes");

    @Option(names = "--changes", description = {"Walk only the directories that pdm watch's journal says changed "
            + "since the last complete --changes pass of this kind over the same SRC, TGT and PATH; when the journal "
            + "cannot vouch for that, say why and walk everything. Embedded: the journal file of a watcher on this "
            + "node; distributed: the stream of a watcher started with the broker configured."})
    boolean changes;

    private final List<String> reasons = new ArrayList<>();
    /** The command's one mark and the journal read after it, once its first pass has asked. */
    private Changes.Marked marked;
    private boolean anyFull;
    private long dirsListed;

    /** What one pass walks: {@code scope} null for everything; {@code mark} to store once it completes. */
    record Walk(WalkScope scope, Changes.Mark mark, String key) {
    }

    /**
     * Null without --changes. The first pass of the command asks for one mark for all of
     * {@code passes} and reads the journal once; each pass reads its own interval up to that mark
     * (docs/change-journal.md, "One mark for a sync's passes").
     *
     * @param passes every pass of the command, in order, {@code pass} among them
     */
    Walk begin(JobSpec pass, List<JobSpec> passes) throws IOException {
        if (!changes) {
            return null;
        }
        String key = key(pass);
        if (timeFiltered(pass)) {
            full(pass.pass(), "skip_files_newer_minutes/skip_files_older_minutes make files eligible as time passes, "
                    + "with no change a journal could see");
            return new Walk(null, null, key);
        }
        if (marked == null) {
            marked = Changes.mark(pass.src().root(), pass.walkRoot(),
                    passes.stream().filter(p -> !timeFiltered(p)).map(ChangesOption::key).toList());
        }
        Changes c = marked.since(key);
        if (!c.vouched()) {
            full(pass.pass(), c.reason());
            return new Walk(null, c.mark(), key);
        }
        // (only a pass that writes files' data must find every name of an inode: delete and dirtimes
        // change nothing under a name that lies where nothing else changed)
        return new Walk(new WalkScope(c, pass.pass().writesTarget() && pass.pass().handlesFiles(),
                pass.tgt().root().resolve(pass.walkRoot())), c.mark(), key);
    }

    /** A time-based skip filter: a file becomes eligible with no change at all. */
    private static boolean timeFiltered(JobSpec pass) {
        SkipFilter f = pass.filter();
        return f.newerThanNs() != Long.MAX_VALUE || f.olderThanNs() != Long.MIN_VALUE;
    }

    /** The pass is over: a complete one (nothing failed, not interrupted, not a dry run) stores its mark. */
    void done(Walk w, JobSpec pass, JobSummary s) throws IOException {
        if (w == null) {
            return;
        }
        dirsListed += s.counters().dirs();
        if (w.scope() != null && w.scope().tainted() != null) {
            full(pass.pass(), w.scope().tainted());
        }
        if (w.mark() != null && s.exitCode() == 0 && !s.interrupted() && !pass.options().dryRun()) {
            Changes.complete(w.mark(), w.key());
        }
    }

    void print(JobSummary summary, boolean json, PrintStream out, SummaryForm form) throws IOException {
        if (!changes) {
            Summaries.print(summary, json, out, form.width(), form.listFailures());
            return;
        }
        print(summary, json, out, form, anyFull, dirsListed, reasons);
    }

    /** A --changes pass's summary: --json adds which walk it made, how many directories it listed, and why not by the journal. */
    static void print(JobSummary summary, boolean json, PrintStream out, SummaryForm form, boolean full, long dirs,
                      List<String> why) throws IOException {
        if (!json) {
            Summaries.print(summary, false, out, form.width(), form.listFailures());
            return;
        }
        out.println(SummaryJson.of(summary, g -> {
            g.writeStringField("walk", full ? "full" : "changes");
            g.writeNumberField("dirs_listed", dirs);
            if (!why.isEmpty()) {
                g.writeStringField("walk_reason", String.join("; ", why));
            }
        }));
    }

    private void full(Pass pass, String reason) {
        anyFull = true;
        reasons.add(pass.cliName() + ": " + reason);
        LOG.warn("{} walks everything: {}", pass.cliName(), reason);
    }

    /** The pass kind, both roots, PATH and every option that changes what a pass does. */
    private static String key(JobSpec p) {
        var o = p.options();
        return String.join("\0", p.pass().cliName(), p.src().root().toString(), p.tgt().root().toString(),
                Names.display(p.path()), "checksum=" + o.checksum(), "file=" + o.singleFile(),
                "excludes=" + o.excludes(), "deleteExcluded=" + o.deleteExcluded(),
                "larger=" + p.filter().largerThan());
    }
}

package pdm.task;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * The passes a job can run, each with what it does as data: the preflight, the engine, the
 * task runner, the job tracker and the progress line ask a pass's traits, never which pass it
 * is. {@code sync} is not one: it is COPY, DELETE, DIRTIMES in order.
 *
 * <p>The code says <em>pass</em> for this concept everywhere. Only the wire keeps the word the
 * original pdm used: task messages and JSON summaries carry {@code "action": "copy"}
 * (docs/message-format.md), and a pass's strategy over the walk is {@code pdm.engine.PassStrategy}.
 *
 * <p>Adding a pass is these edits, and no others:
 * <ol>
 * <li>a constant here with its traits (its {@link #cliName()} is its wire name);</li>
 * <li>its strategy over the walk, a {@code pdm.engine.PassStrategy}, and its line in {@code pdm.engine.Passes.of};</li>
 * <li>its command in {@code pdm.cli.PassCommand} (the list of passes a command runs);</li>
 * <li>README.md (commands) and docs/message-format.md (the new {@code "action"} value).</li>
 * </ol>
 */
public enum Pass {
    COPY(Trait.WRITES_TARGET, Trait.MAKES_TARGET_ROOT, Trait.SETS_DIR_META, Trait.HANDLES_FILES),
    DELETE(Trait.WRITES_TARGET, Trait.REMOVES),
    DIRTIMES(Trait.WRITES_TARGET, Trait.SETS_DIR_META),
    VERIFY(Trait.HANDLES_FILES, Trait.REPORTS_DIFFERENCES);

    /** What a pass does; each is asked through its method below. */
    private enum Trait {
        WRITES_TARGET, MAKES_TARGET_ROOT, SETS_DIR_META, REMOVES, HANDLES_FILES, REPORTS_DIFFERENCES
    }

    private final Set<Trait> traits;

    Pass(Trait first, Trait... rest) {
        this.traits = EnumSet.of(first, rest);
    }

    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Changes the target (unless a dry run): needs it configured {@code write = true}, and root to keep owners. */
    public boolean writesTarget() {
        return traits.contains(Trait.WRITES_TARGET);
    }

    /**
     * Makes the target root and the job PATH on it when they are missing, and walks even where
     * the target has nothing yet (a dry run lists what it would create).
     */
    public boolean makesTargetRoot() {
        return traits.contains(Trait.MAKES_TARGET_ROOT);
    }

    /** Sets each target directory's owner, mode and times once its subtree is done (deepest first). */
    public boolean setsDirMeta() {
        return traits.contains(Trait.SETS_DIR_META);
    }

    /**
     * Removes from the target what the source lacks: an empty source over a full target is
     * refused, and a --file job needs no source file.
     */
    public boolean removes() {
        return traits.contains(Trait.REMOVES);
    }

    /**
     * Handles every source file against its target: the target's placement of file data
     * (Lustre layouts) matters to it, and its progress total is the source's entry count.
     */
    public boolean handlesFiles() {
        return traits.contains(Trait.HANDLES_FILES);
    }

    /** Reports how the target differs (and changes nothing): a missing target is a finding, in a dry run too. */
    public boolean reportsDifferences() {
        return traits.contains(Trait.REPORTS_DIFFERENCES);
    }
}

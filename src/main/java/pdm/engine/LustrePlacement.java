package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import pdm.PdmException;
import pdm.config.DataSource;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.lustre.LfsException;
import pdm.lustre.LustreTarget;

/**
 * The {@link Placement} of a {@code type = "lustre"} target: {@link LustreTarget}'s policy at
 * the engine's hooks. "Top-level" (the directories mds spreads) means the entries of the job's
 * PATH itself, which every task of a distributed job knows, so every node decides alike.
 */
final class LustrePlacement implements Placement {
    private final LustreTarget lustre;
    private final DataSource src;
    private final DataSource tgt;
    private final Path jobDir;

    /** @param jobDir the directory the job walks (its PATH; PATH's parent for --file) */
    LustrePlacement(DataSource src, DataSource tgt, Path jobDir) {
        this.lustre = new LustreTarget(tgt.lustre());
        this.src = src;
        this.tgt = tgt;
        this.jobDir = jobDir;
    }

    /** The placement of a job writing to {@code tgt}: Lustre's for a lustre target, else plain POSIX. */
    static Placement of(DataSource src, DataSource tgt, Path jobDir) {
        return tgt.isLustre() ? new LustrePlacement(src, tgt, jobDir) : Placement.POSIX;
    }

    @Override
    public void preflight(JobSpec job) {
        check(lustre, src, tgt);
    }

    /**
     * lfs works on the target (and on the source, for stripe = "source"): the start check of every
     * copy and verify, in the node that runs it and, where it sees the filesystems, the submitting client.
     */
    static void check(LustreTarget lustre, DataSource src, DataSource tgt) {
        boolean source = lustre.copiesSourceLayout();
        if (source && !src.isLustre()) {
            throw new PdmException("target filesystem '" + tgt.name() + "' has stripe = \"source\" but the source '"
                    + src.name() + "' is type = \"" + src.type() + "\": only a Lustre source has a layout to copy; "
                    + "set stripe = \"size\" or \"none\"; nothing was changed");
        }
        try {
            lustre.check(tgt.path(), source ? src.path() : null);
        } catch (LfsException e) {
            throw new PdmException("target filesystem '" + tgt.name() + "' is type = \"lustre\" but lfs does not work on "
                    + (source ? tgt.path() + " and " + src.path() : tgt.path()) + ": " + e.getMessage()
                    + "; install the Lustre client tools, set lfs_path, or set type = \"posix\"; nothing was changed", e);
        }
    }

    @Override
    public FileHandle createFile(DirPair dir, Path tmp, FileHandle in, FileMeta src) throws IOException {
        return lustre.createFile(dir.tgt(), tmp, in, src.size());
    }

    @Override
    public boolean placesFile(FileMeta src) {
        return lustre.setsLayout(src.size());
    }

    @Override
    public void makeDir(DirPair dir, Path name) throws IOException {
        lustre.makeDir(dir.tgt(), name, TempNames.next(), dir.rel().equals(jobDir), dir.src());
    }

    @Override
    public List<String> fileDiffs(DirPair dir, Path name, FileMeta src, FileMeta tgt) {
        return lustre.fileDiffs(dir.src(), dir.tgt(), name, src.size());
    }

    @Override
    public List<String> dirDiffs(DirPair dir, Path name) {
        return lustre.dirDiffs(dir.src(), dir.tgt(), name, dir.rel().equals(jobDir));
    }
}

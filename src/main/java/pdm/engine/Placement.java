package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;

/**
 * Where the target puts new data: the hook a filesystem with its own data placement (Lustre's
 * stripes and MDTs) plugs into. The copy asks it for every new file's temp file and every new
 * directory; verify asks it what differs from its policy. {@link #POSIX} does what a plain
 * filesystem needs: create and mkdir, nothing to check.
 */
public interface Placement {
    /** Refuses (exit 2, nothing changed) a job this placement cannot serve; run by the preflight. */
    void preflight(JobSpec job);

    /**
     * Creates the empty temp file {@code tmp} in the target directory for the data of the
     * source file {@code src} (open as {@code in}), and opens it for writing: before any byte
     * of data is written, so a layout can still be set.
     */
    FileHandle createFile(DirPair dir, Path tmp, FileHandle in, FileMeta src) throws IOException;

    /**
     * Whether a new file for {@code src} needs more than a plain create (a layout set before
     * its data): if not, the copy may make an empty one under its own name.
     */
    boolean placesFile(FileMeta src);

    /** Makes the new target directory {@code name} in {@code dir}, owner-only (mode 0700). */
    void makeDir(DirPair dir, Path name) throws IOException;

    /** For verify: how the target file {@code name} differs from what the placement asked for. */
    List<String> fileDiffs(DirPair dir, Path name, FileMeta src, FileMeta tgt);

    /** For verify: how the target directory {@code name} differs from what the placement asked for. */
    List<String> dirDiffs(DirPair dir, Path name);

    Placement POSIX = new Placement() {
        @Override
        public void preflight(JobSpec job) {
        }

        @Override
        public FileHandle createFile(DirPair dir, Path tmp, FileHandle in, FileMeta src) throws IOException {
            return dir.tgt().create(tmp);
        }

        @Override
        public boolean placesFile(FileMeta src) {
            return false;
        }

        @Override
        public void makeDir(DirPair dir, Path name) throws IOException {
            dir.tgt().mkdir(name, 0700);
        }

        @Override
        public List<String> fileDiffs(DirPair dir, Path name, FileMeta src, FileMeta tgt) {
            return List.of();
        }

        @Override
        public List<String> dirDiffs(DirPair dir, Path name) {
            return List.of();
        }
    };
}

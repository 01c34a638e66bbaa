package pdm.engine;

import java.nio.file.Path;
import pdm.fs.FileMeta;

/** One name of a merged listing: its source and target entries, either of which may be missing. */
public record Pair(Path name, FileMeta src, FileMeta tgt) {
}

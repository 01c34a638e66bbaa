package pdm.fs;

import java.nio.file.Path;

/** One directory entry: its name (exact bytes, one component) and what lstat said. */
public record Entry(Path name, FileMeta meta) {
}

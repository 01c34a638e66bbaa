package pdm.engine;

import java.io.IOException;
import java.nio.file.Path;
import pdm.fs.Dir;
import pdm.fs.Names;

/**
 * A source directory and its target counterpart, both open.
 *
 * @param tgt null when the target directory does not exist (yet, or in a dry run)
 */
public record DirPair(Path rel, Dir src, Dir tgt) implements AutoCloseable {

    /** The entry's path inside its filesystem, for messages. */
    public String display(Path name) {
        return Names.display(rel.resolve(name));
    }

    @Override
    public void close() throws IOException {
        try {
            if (src != null) {
                src.close();
            }
        } finally {
            if (tgt != null) {
                tgt.close();
            }
        }
    }
}

package pdm.engine;

import java.nio.file.Path;
import pdm.fs.Entry;
import pdm.fs.FileMeta;

/**
 * One name of a merged listing: its source and target entries, either of which may be
 * missing. The name's Path comes from the listing's entry when first asked for (see Entry).
 */
public final class Pair {
    private final Entry listed;
    private final FileMeta src;
    private final FileMeta tgt;
    private Path name;

    public Pair(Path name, FileMeta src, FileMeta tgt) {
        this.listed = null;
        this.name = name;
        this.src = src;
        this.tgt = tgt;
    }

    public Pair(Entry listed, FileMeta src, FileMeta tgt) {
        this.listed = listed;
        this.src = src;
        this.tgt = tgt;
    }

    public Path name() {
        if (name == null) {
            name = listed.name();
        }
        return name;
    }

    public FileMeta src() {
        return src;
    }

    public FileMeta tgt() {
        return tgt;
    }

    @Override
    public String toString() {
        return name() + " " + src + " " + tgt;
    }
}

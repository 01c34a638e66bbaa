package pdm.engine;

import pdm.fs.FileMeta;

/**
 * An inode by its device and number: the key of the hard-link maps of the copy and verify passes.
 * Its equals and hashCode are written out. A record's own are made by an invokedynamic bootstrap
 * at first use, whose method handles the JVM spins into classes at every start (the AOT cache
 * does not keep them) and then compiles: CPU a pass paid for the comparison of two longs
 * (bench/README, "eighth").
 */
record InodeId(long dev, long ino) {
    static InodeId of(FileMeta m) {
        return new InodeId(m.dev(), m.ino());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InodeId i && i.ino == ino && i.dev == dev;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(ino * 31 + dev);
    }
}

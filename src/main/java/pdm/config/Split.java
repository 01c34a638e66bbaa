package pdm.config;

/**
 * How big files are cut: a file of at least {@code splitSize} bytes is copied (and verified) as
 * ranges of {@code chunkSize} bytes, several at once, instead of by one thread from start to end.
 * Part of the job's options, so every process of a job cuts a file the same way.
 *
 * @param splitSize files of this size and more are split; 0: none is
 * @param chunkSize the length of each range (the last one may be shorter)
 */
public record Split(long splitSize, long chunkSize) {
    /**
     * 1 GiB: below it a file takes about a second on one stream of a parallel filesystem, so
     * ranges would gain little and cost a temp file shared by threads; above it a single file
     * starts to hold the job's end. Also what dcp's and rclone's defaults come to in practice.
     */
    public static final long DEFAULT_SPLIT_SIZE = 1L << 30;
    /** Chosen by bench/split.sh (docs/spec.md, "Big files"): see there for the figures. */
    public static final long DEFAULT_CHUNK_SIZE = 64L << 20;
    /**
     * The smallest range: small enough for tests to split a file of a few MiB, large enough that
     * a range is still many copy calls' worth of work rather than per-call overhead.
     */
    public static final long MIN_CHUNK_SIZE = 256L << 10;
    /** Largest range: beyond this one range would be a whole file's worth of waiting again. */
    public static final long MAX_CHUNK_SIZE = 64L << 30;
    /** Ranges start at multiples of this, so a reflink or a filesystem block is never cut. */
    public static final long ALIGN = 4096;
    /** The smallest non-zero split_size. */
    public static final long MIN_SPLIT_SIZE = 1L << 20;

    public static final Split DEFAULT = new Split(DEFAULT_SPLIT_SIZE, DEFAULT_CHUNK_SIZE);

    /** @throws IllegalArgumentException naming the bad value and what would be right */
    public Split {
        if (chunkSize < MIN_CHUNK_SIZE || chunkSize > MAX_CHUNK_SIZE || chunkSize % ALIGN != 0) {
            throw new IllegalArgumentException("chunk_size must be a multiple of 4 KiB from 256 KiB to 64 GiB, not "
                    + chunkSize + " bytes (e.g. \"64M\")");
        }
        if (splitSize != 0 && (splitSize < MIN_SPLIT_SIZE || splitSize < chunkSize)) {
            throw new IllegalArgumentException("split_size must be 0 (never split) or at least 1 MiB and at least "
                    + "chunk_size (" + chunkSize + " bytes), not " + splitSize + " bytes: "
                    + (splitSize < MIN_SPLIT_SIZE ? "e.g. \"1G\"" : "raise split_size or lower chunk_size"));
        }
    }

    /** Whether a file of {@code size} bytes is copied as ranges. */
    public boolean splits(long size) {
        return splitSize > 0 && size >= splitSize && size > chunkSize;
    }

    /** How many ranges a file of {@code size} bytes has. */
    public int ranges(long size) {
        long n = (size + chunkSize - 1) / chunkSize;
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a file of " + size + " bytes would be more than 2^31 ranges of "
                    + chunkSize + " bytes; raise chunk_size");
        }
        return (int) Math.max(1, n);
    }

    /** Where range {@code i} of a file of {@code size} bytes starts. */
    public long from(int i) {
        return i * chunkSize;
    }

    /** Where range {@code i} of a file of {@code size} bytes ends (exclusive). */
    public long to(int i, long size) {
        return Math.min(size, (i + 1) * chunkSize);
    }
}

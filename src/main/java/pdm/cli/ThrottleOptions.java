package pdm.cli;

import pdm.PdmException;
import pdm.config.PdmConfig;
import pdm.config.Rates;
import picocli.CommandLine.Option;

/** {@code --bwlimit RATE} and {@code --max-files-per-second N}: the limits of this one process. */
final class ThrottleOptions {
    @Option(names = "--bwlimit", paramLabel = "RATE", description = {"Copy at most RATE bytes of file data per second "
            + "in this process (K, M, G: powers of 1024; KB, MB, GB: of 1000; 0 = no limit). Default: bwlimit of the config."})
    String bwlimit;

    @Option(names = "--max-files-per-second", paramLabel = "N", converter = NumberArgs.Count.class, description = {"Take on at most N entries per second "
            + "(copied, compared, fixed or removed) in this process; 0 = no limit. Default: max_files_per_second of "
            + "the config."})
    Long maxFilesPerSecond;

    boolean given() {
        return bwlimit != null || maxFilesPerSecond != null;
    }

    /** Bytes per second in force: the option, else the config's (0 = none). */
    long bytesPerSecond(PdmConfig config) {
        if (bwlimit == null) {
            return config.bwlimit();
        }
        try {
            return Rates.bytesPerSecond(bwlimit);
        } catch (IllegalArgumentException e) {
            throw new PdmException("--bwlimit " + e.getMessage());
        }
    }

    /** Entries per second in force: the option, else the config's (0 = none). */
    long filesPerSecond(PdmConfig config) {
        if (maxFilesPerSecond == null) {
            return config.maxFilesPerSecond();
        }
        if (maxFilesPerSecond < 0) {
            throw new PdmException("--max-files-per-second must be 0 (no limit) or more, not " + maxFilesPerSecond);
        }
        return maxFilesPerSecond;
    }
}

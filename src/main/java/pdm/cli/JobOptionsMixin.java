package pdm.cli;

import java.nio.file.Path;
import pdm.task.JobOptions;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Options every pass command takes. */
final class JobOptionsMixin {
    @CommandLine.Mixin
    ConfigOption config;

    @Option(names = "--file", description = "PATH names a single file, not a directory tree.")
    boolean file;

    @Option(names = {"-n", "--dry-run"}, description = "Report what would change; change nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Print one JSON summary object on stdout at the end.")
    boolean json;

    @Option(names = {"-i", "--itemize"}, description = {"List every change, one line per path on stdout (on stderr "
            + "with --json): mkdir, copy, meta, symlink, link, fifo, remove, dirmeta, keep. A dry run lists the same "
            + "lines without -i. Embedded mode only; workers log every removal."})
    boolean itemize;

    @Option(names = "--fsync", description = {"Flush each copied file to disk before renaming it into place, so that "
            + "a crash of the target node never leaves a complete-looking file without its data (slower)."})
    boolean fsync;

    @CommandLine.Mixin
    LogFormatOption logFormat;

    @Option(names = "--dir-workers", paramLabel = "N", description = "Override dir_workers from the config.")
    Integer dirWorkers;

    @Option(names = "--file-workers", paramLabel = "N", description = "Override file_workers from the config.")
    Integer fileWorkers;

    Path config() {
        return config.file;
    }

    /**
     * @param deleting  the command removes what the source lacks (delete, sync)
     * @param maxDelete the --max-delete in force, or null
     */
    JobOptions jobOptions(boolean checksum, boolean deleting, boolean allowEmptySource, Long maxDelete) {
        return new JobOptions(dryRun, checksum, file, fsync, deleting, allowEmptySource, maxDelete);
    }
}

package pdm.cli;

import picocli.CommandLine.Option;

/** --checksum, for the commands that copy (copy, and sync's copy passIndex). */
final class ChecksumOption {
    @Option(names = "--checksum",
            description = "Compare the content of files of equal size instead of trusting size and mtime.")
    boolean checksum;
}

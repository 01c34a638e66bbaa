package pdm.cli;

import java.nio.file.Path;
import pdm.PdmException;
import pdm.config.SizeText;
import pdm.config.Split;
import pdm.fs.AttrPolicy;
import pdm.fs.XattrScope;
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

    @Option(names = "--xattrs", paramLabel = "all|user|none", description = {"Which xattrs to keep and compare: all "
            + "(the default: user.*, security.* with file capabilities, trusted.*; never Lustre's own names), user "
            + "(user.* only) or none. Wins over the target's xattrs key in config.toml. ACLs have --no-acls."})
    String xattrs;

    @Option(names = "--no-acls", description = "Do not keep or compare POSIX ACLs (access and default).")
    boolean noAcls;

    @Option(names = "--no-flags", description = {"Do not keep or compare inode flags (chattr: i, a, d, A, S, D, P, C) "
            + "and project IDs."})
    boolean noFlags;

    @CommandLine.Mixin
    LogFormatOption logFormat;

    @Option(names = "--dir-workers", paramLabel = "N", converter = NumberArgs.Workers.class, description = "Override dir_workers from the config.")
    Integer dirWorkers;

    @Option(names = "--file-workers", paramLabel = "N", converter = NumberArgs.Workers.class, description = "Override file_workers from the config.")
    Integer fileWorkers;

    @Option(names = "--split-size", paramLabel = "SIZE", description = {"Copy and verify files of SIZE and more as "
            + "ranges, by several threads (and workers) at once (K, M, G, T: powers of 1024; KB, MB, GB, TB: of 1000; 0 = never). Default: "
            + "split_size of the config, else 1G."})
    String splitSize;

    @Option(names = "--chunk-size", paramLabel = "SIZE", description = {"The length of one range of a split file "
            + "(a multiple of 4K, from 256K). Default: chunk_size of the config, else 64M."})
    String chunkSize;

    Path config() {
        return config.file;
    }

    /**
     * @param deleting  the command removes what the source lacks (delete, sync)
     * @param maxDelete the --max-delete in force, or null
     */
    /**
     * The attributes kept: --xattrs, else the target's {@code xattrs} key ({@code configured}, null
     * where unset), else all; --no-acls and --no-flags drop theirs.
     */
    AttrPolicy attrPolicy(String configured) {
        String word = xattrs != null ? xattrs : configured;
        XattrScope scope;
        try {
            scope = word == null ? XattrScope.ALL : XattrScope.parse(word, xattrs != null ? "--xattrs" : "config.toml");
        } catch (IllegalArgumentException e) {
            throw new PdmException(e.getMessage());
        }
        return new AttrPolicy(scope, !noAcls, !noFlags);
    }

    /** How big files are cut: --split-size and --chunk-size over the config's ({@code configured}). */
    Split split(Split configured) {
        long split = size(splitSize, "--split-size", configured.splitSize());
        long chunk = size(chunkSize, "--chunk-size", configured.chunkSize());
        try {
            return new Split(split, chunk);
        } catch (IllegalArgumentException e) {
            String option = chunkSize != null ? "--chunk-size" : splitSize != null ? "--split-size" : "config.toml";
            throw new PdmException(option + ": " + e.getMessage().replace("chunk_size", "the chunk size")
                    .replace("split_size", "the split size"));
        }
    }

    private static long size(String text, String option, long dflt) {
        if (text == null) {
            return dflt;
        }
        try {
            return SizeText.bytes(text);
        } catch (IllegalArgumentException e) {
            throw new PdmException(option + " " + e.getMessage());
        }
    }

    JobOptions jobOptions(boolean checksum, boolean deleting, boolean allowEmptySource, Long maxDelete) {
        return new JobOptions(dryRun, checksum, file, fsync, deleting, allowEmptySource, maxDelete);
    }
}

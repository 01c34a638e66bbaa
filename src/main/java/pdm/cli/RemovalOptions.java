package pdm.cli;

import java.util.Optional;
import pdm.PdmException;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The guards of the commands that may remove: --max-delete (and, for delete and sync, --allow-empty-source). */
final class RemovalOptions {
    /** --max-delete alone: copy removes only what a type change replaces, but that too is capped. */
    static final class Cap {
        @Option(names = "--max-delete", paramLabel = "N", converter = NumberArgs.Count.class,
                description = {"Remove at most N entries in this run (each file, link and directory counts); "
                        + "past that no more are removed and pdm exits 1. Default: max_delete of the config, else no cap."})
        Long maxDelete;

        /** The cap in force: the option, else the config's, else none (null). */
        Long resolve(Optional<Long> configured) {
            if (maxDelete != null && maxDelete < 0) {
                throw new PdmException("--max-delete must be 0 or more, not " + maxDelete);
            }
            return maxDelete != null ? maxDelete : configured.orElse(null);
        }
    }

    /** delete and sync. */
    static final class Deleting {
        @CommandLine.Mixin
        Cap cap;

        @Option(names = "--allow-empty-source",
                description = {"Run although the source PATH is empty and the target's is not. Without it pdm refuses "
                        + "(exit 2): an unmounted source or a wrong path would otherwise remove everything on the target."})
        boolean allowEmptySource;

        @Option(names = "--delete-excluded",
                description = {"Also remove from TGT what --exclude, --exclude-from or skip_paths exclude (counted, "
                        + "listed and capped by --max-delete like every removal). Without it excluded entries stay."})
        boolean deleteExcluded;
    }

    private RemovalOptions() {
    }
}

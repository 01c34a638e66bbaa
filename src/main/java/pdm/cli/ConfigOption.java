package pdm.cli;

import java.nio.file.Path;
import pdm.config.ConfigLoader;
import pdm.config.PdmConfig;
import picocli.CommandLine.Option;

/** {@code --config FILE}, for every command that reads config.toml. */
final class ConfigOption {
    @Option(names = "--config", paramLabel = "FILE",
            description = "config.toml to use (default: ./config.toml, then ~/.pdm/config.toml).")
    Path file;

    PdmConfig load() {
        return new ConfigLoader().load(file);
    }
}

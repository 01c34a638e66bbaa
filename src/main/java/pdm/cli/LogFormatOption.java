package pdm.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code --log-format text|json}, {@code -v} and {@code --log-file FILE}, each applied as soon as it is parsed. */
final class LogFormatOption {
    enum Format { text, json }

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines on stderr: ${COMPLETION-CANDIDATES}; text (readable) is the default, json "
                    + "writes ECS fields, one object per line.")
    void setFormat(Format format) {
        Logging.format(format == Format.json);
    }

    /** How many -v were given. */
    int verbosity;

    @Option(names = {"-v", "--verbose"}, description = {"A pass lists what it changes, as rsync -v does (each entry "
            + "made or replaced; 'deleting PATH'); and log pdm's INFO lines too (on stderr, and to --log-file); "
            + "-vv: DEBUG. The default is WARN."})
    void setVerbose(boolean[] verbose) {
        verbosity = verbose.length;
        if (verbose.length >= 2) {
            Logging.debug();
        } else if (verbose.length == 1) {
            Logging.info();
        }
    }

    @Option(names = "--log-file", paramLabel = "FILE", description = {"Also append every log line to FILE, in the "
            + "--log-format, at the same level as stderr."})
    void setLogFile(Path file) {
        try {
            Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND).close();
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "its directory does not exist"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : String.valueOf(e.getMessage());
            throw new CommandLine.ParameterException(mixee.commandLine(), "--log-file '" + file
                    + "': cannot write to it (" + why + ")");
        }
        Logging.file(file);
    }
}

package pdm.cli;

import picocli.CommandLine.Option;

/** {@code --log-format text|json}, applied as soon as it is parsed. */
final class LogFormatOption {
    enum Format { text, json }

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines on stderr: ${COMPLETION-CANDIDATES}; text (readable) is the default, json "
                    + "writes ECS fields, one object per line.")
    void setFormat(Format format) {
        Logging.format(format == Format.json);
    }
}

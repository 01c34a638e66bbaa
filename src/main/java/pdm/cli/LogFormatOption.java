package pdm.cli;

import picocli.CommandLine.Option;

/** {@code --log-format text|json}, applied as soon as it is parsed. */
final class LogFormatOption {
    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "text",
            description = "Log lines on stderr: text (readable, the default) or json (ECS fields, one object per line).")
    void setFormat(String format) {
        Logging.format(format);
    }
}

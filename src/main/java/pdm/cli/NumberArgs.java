package pdm.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;
import pdm.config.PdmConfig;

/**
 * Numeric options read so that a value that is no number is refused with what the option takes
 * ("'x' is not an int" told a user neither the range nor the unit). A range that a config key
 * shares is checked where the value is used, once for both; a port's here.
 */
final class NumberArgs {
    private NumberArgs() {
    }

    /** --dir-workers, --file-workers */
    static final class Workers implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, Integer.MIN_VALUE, Integer.MAX_VALUE,
                    "a number of threads from 1 to " + PdmConfig.MAX_WORKERS);
        }
    }

    /** --metrics-port, --port */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            return (int) parse(value, 0, 65535, "a TCP port (1-65535, or 0 for any free one)");
        }
    }

    /** --max-delete, --max-files-per-second */
    static final class Count implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return parse(value, Long.MIN_VALUE, Long.MAX_VALUE, "a whole number, 0 or more");
        }
    }

    private static long parse(String value, long min, long max, String what) {
        long n;
        try {
            n = Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not " + what);
        }
        if (n < min || n > max) {
            throw new TypeConversionException("'" + value + "' is not " + what);
        }
        return n;
    }
}

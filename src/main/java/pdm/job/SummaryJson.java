package pdm.job;

/**
 * A summary's {@code --json} object, written here rather than by Jackson's ObjectMapper: building
 * one and the serializers of a summary cost a pass command about 200 ms of CPU at its end (class
 * loading and introspection, measured on the final {@code sync --changes}, whose passes together
 * took 250 ms). The text is the one Jackson writes for {@link JobSummary} (its property order,
 * {@link Counters} unwrapped, Jackson's string escapes); SummaryJsonTest compares the two.
 */
public final class SummaryJson {
    private SummaryJson() {
    }

    /** The summary's JSON object. */
    public static String of(JobSummary s) {
        return open(s).append('}').toString();
    }

    /** The summary's JSON object without its closing brace, for a caller that adds fields of its own ({@link #field}). */
    public static StringBuilder open(JobSummary s) {
        StringBuilder b = new StringBuilder(512).append('{');
        text(b, "job", s.job());
        text(b.append(','), "action", s.action());
        text(b.append(','), "source", s.source());
        text(b.append(','), "target", s.target());
        text(b.append(','), "path", s.path());
        name(b.append(','), "dry_run").append(s.dryRun());
        Counters c = s.counters();
        if (c != null) {
            number(b, "files_copied", c.filesCopied());
            number(b, "files_skipped", c.filesSkipped());
            number(b, "files_removed", c.filesRemoved());
            number(b, "files_failed", c.filesFailed());
            number(b, "meta_fixed", c.metaFixed());
            number(b, "dirs", c.dirs());
            number(b, "dirs_created", c.dirsCreated());
            number(b, "bytes", c.bytes());
            number(b, "differences", c.differences());
            number(b, "not_replaced", c.notReplaced());
            number(b, "files_vanished", c.filesVanished());
            number(b, "owners_not_kept", c.ownersNotKept());
            number(b, "removals_skipped", c.removalsSkipped());
            number(b, "attrs_not_kept", c.attrsNotKept());
            number(b, "unlocked", c.unlocked());
            number(b, "dirs_differ", c.dirsDiffer());
            number(b, "bytes_written", c.bytesWritten());
        }
        name(b.append(','), "seconds").append(s.seconds());
        name(b.append(','), "interrupted").append(s.interrupted());
        name(b.append(','), "failures");
        if (s.failures() == null) {
            b.append("null");
        } else {
            b.append('[');
            for (int i = 0; i < s.failures().size(); i++) {
                Failure f = s.failures().get(i);
                text(b.append(i == 0 ? "{" : ",{"), "path", f.path());
                text(b.append(','), "error", f.error()).append('}');
            }
            b.append(']');
        }
        return b;
    }

    /** Appends {@code ,"name":"value"} (a string) to an object begun by {@link #open}. */
    public static StringBuilder field(StringBuilder b, String name, String value) {
        return text(b.append(','), name, value);
    }

    /** Appends {@code ,"name":value} (a number) to an object begun by {@link #open}. */
    public static StringBuilder field(StringBuilder b, String name, long value) {
        return name(b.append(','), name).append(value);
    }

    private static void number(StringBuilder b, String name, long value) {
        name(b.append(','), name).append(value);
    }

    private static StringBuilder name(StringBuilder b, String name) {
        return quoted(b, name).append(':');
    }

    private static StringBuilder text(StringBuilder b, String name, String value) {
        name(b, name);
        return value == null ? b.append("null") : quoted(b, value);
    }

    /** A JSON string as Jackson writes it: {@code "} and {@code \} escaped, control characters as \b \t \n \f \r or \\u00XX. */
    private static StringBuilder quoted(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\b' -> b.append("\\b");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\f' -> b.append("\\f");
                case '\r' -> b.append("\\r");
                default -> {
                    if (ch < 0x20) {
                        b.append(String.format("\\u%04X", (int) ch));
                    } else {
                        b.append(ch);
                    }
                }
            }
        }
        return b.append('"');
    }
}

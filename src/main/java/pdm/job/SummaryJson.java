package pdm.job;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;

/**
 * A summary's {@code --json} object, written with Jackson's streaming generator rather than its
 * ObjectMapper: building a mapper and introspecting a summary's serializers cost a pass command
 * about 200 ms of CPU at its end (measured on the final {@code sync --changes}, whose passes
 * together took 250 ms), the generator a millisecond. The text is the one the mapper writes for
 * {@link JobSummary} (its property order, {@link Counters} unwrapped); SummaryJsonTest compares them.
 */
public final class SummaryJson {
    private static final JsonFactory JSON = new JsonFactory();

    /** Fields a caller writes after the summary's own, inside the same object. */
    @FunctionalInterface
    public interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private SummaryJson() {
    }

    /** The summary's JSON object. */
    public static String of(JobSummary s) {
        return of(s, g -> { });
    }

    /** The summary's JSON object with {@code more} fields at its end. */
    public static String of(JobSummary s, Fields more) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("job", s.job());
            g.writeStringField("action", s.action());
            g.writeStringField("source", s.source());
            g.writeStringField("target", s.target());
            g.writeStringField("path", s.path());
            g.writeBooleanField("dry_run", s.dryRun());
            Counters c = s.counters();
            if (c != null) {
                g.writeNumberField("files_copied", c.filesCopied());
                g.writeNumberField("files_skipped", c.filesSkipped());
                g.writeNumberField("files_removed", c.filesRemoved());
                g.writeNumberField("files_failed", c.filesFailed());
                g.writeNumberField("meta_fixed", c.metaFixed());
                g.writeNumberField("dirs", c.dirs());
                g.writeNumberField("dirs_created", c.dirsCreated());
                g.writeNumberField("bytes", c.bytes());
                g.writeNumberField("differences", c.differences());
                g.writeNumberField("not_replaced", c.notReplaced());
                g.writeNumberField("files_vanished", c.filesVanished());
                g.writeNumberField("owners_not_kept", c.ownersNotKept());
                g.writeNumberField("removals_skipped", c.removalsSkipped());
                g.writeNumberField("attrs_not_kept", c.attrsNotKept());
                g.writeNumberField("unlocked", c.unlocked());
                g.writeNumberField("dirs_differ", c.dirsDiffer());
                g.writeNumberField("bytes_written", c.bytesWritten());
            }
            g.writeNumberField("seconds", s.seconds());
            g.writeBooleanField("interrupted", s.interrupted());
            g.writeFieldName("failures");
            if (s.failures() == null) {
                g.writeNull();
            } else {
                g.writeStartArray();
                for (Failure f : s.failures()) {
                    g.writeStartObject();
                    g.writeStringField("path", f.path());
                    g.writeStringField("error", f.error());
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            more.write(g);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // (a StringWriter does not fail)
        }
        return out.toString();
    }
}

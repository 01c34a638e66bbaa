package pdm.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import pdm.config.Split;
import pdm.fs.AttrPolicy;
import pdm.fs.XattrScope;
import pdm.fs.linux.NameBytes;

/**
 * {@link JobOptions} as JSON, one spelling (snake_case) for task messages and the event log
 * alike; see docs/message-format.md. Decoding is strict: a missing or mistyped field refuses the
 * whole object with the field's name, as the rest of a task message is refused.
 */
public final class JobOptionsCodec {
    private JobOptionsCodec() {
    }

    public static ObjectNode encode(JobOptions o) {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("dry_run", o.dryRun());
        n.put("checksum", o.checksum());
        n.put("single_file", o.singleFile());
        n.put("fsync", o.fsync());
        n.put("deleting", o.deleting());
        n.put("allow_empty_source", o.allowEmptySource());
        if (o.maxDelete() != null) {
            n.put("max_delete", o.maxDelete());
        }
        if (!o.excludes().isEmpty() || o.deleteExcluded()) {
            ArrayNode ex = n.putArray("excludes");
            for (String p : o.excludes()) {
                ex.add(NameBytes.percent(p.getBytes(StandardCharsets.ISO_8859_1)));
            }
            n.put("delete_excluded", o.deleteExcluded());
        }
        if (!o.attrs().equals(AttrPolicy.ALL)) {
            // (only a job that drops some says so: absent means all, as older clients meant)
            n.putObject("attrs").put("xattrs", o.attrs().xattrs().word()).put("acls", o.attrs().acls())
                    .put("flags", o.attrs().flags());
        }
        if (!o.split().equals(Split.DEFAULT)) {
            // (absent means the defaults: a message of an older client splits as this release does by default)
            n.put("split_size", o.split().splitSize());
            n.put("chunk_size", o.split().chunkSize());
        }
        if (o.changes()) {
            n.put("changes", true); // (absent means a full walk, as older clients meant)
        }
        return n;
    }

    /**
     * Decodes what {@link #encode} wrote.
     *
     * @param guards whether the writer knew {@code deleting} and {@code allow_empty_source} (task
     *               messages of version 1 did not, and their jobs never set them)
     */
    public static JobOptions decode(JsonNode n, boolean guards) throws BadMessageException {
        if (n == null || !n.isObject()) {
            throw new BadMessageException("'options' must be an object");
        }
        return new JobOptions(bool(n, "dry_run"), bool(n, "checksum"), bool(n, "single_file"), bool(n, "fsync"),
                guards && bool(n, "deleting"), guards && bool(n, "allow_empty_source"),
                n.has("max_delete") ? maxDelete(n.get("max_delete")) : null,
                // (only a job that has them says so: absent means none)
                n.has("excludes") ? excludes(n) : List.of(),
                n.has("delete_excluded") && bool(n, "delete_excluded"),
                n.has("attrs") ? attrs(n.get("attrs")) : AttrPolicy.ALL,
                n.has("split_size") || n.has("chunk_size") ? split(n) : Split.DEFAULT,
                n.has("changes") && bool(n, "changes"));
    }

    private static Split split(JsonNode n) throws BadMessageException {
        JsonNode s = n.get("split_size");
        JsonNode c = n.get("chunk_size");
        if (s == null || c == null || !s.isIntegralNumber() || !c.isIntegralNumber()) {
            throw new BadMessageException("'split_size' and 'chunk_size' must both be whole numbers of bytes");
        }
        try {
            return new Split(s.asLong(), c.asLong());
        } catch (IllegalArgumentException e) {
            throw new BadMessageException(e.getMessage());
        }
    }

    private static AttrPolicy attrs(JsonNode a) throws BadMessageException {
        if (!a.isObject() || !a.path("xattrs").isTextual()) {
            throw new BadMessageException("'attrs' must be an object with 'xattrs', 'acls' and 'flags'");
        }
        try {
            return new AttrPolicy(XattrScope.parse(a.get("xattrs").asText(), "'attrs'"), bool(a, "acls"),
                    bool(a, "flags"));
        } catch (IllegalArgumentException e) {
            throw new BadMessageException(e.getMessage());
        }
    }

    private static boolean bool(JsonNode o, String field) throws BadMessageException {
        JsonNode n = o.get(field);
        if (n == null || !n.isBoolean()) {
            throw new BadMessageException("'" + field + "' must be true or false");
        }
        return n.asBoolean();
    }

    private static long maxDelete(JsonNode n) throws BadMessageException {
        if (!n.canConvertToLong() || !n.isIntegralNumber() || n.asLong() < 0) {
            throw new BadMessageException("'max_delete' must be a whole number of 0 or more");
        }
        return n.asLong();
    }

    private static List<String> excludes(JsonNode opts) throws BadMessageException {
        JsonNode n = opts.get("excludes");
        if (n == null || !n.isArray()) {
            throw new BadMessageException("'excludes' must be an array of patterns");
        }
        List<String> out = new ArrayList<>(n.size());
        for (JsonNode p : n) {
            if (!p.isTextual()) {
                throw new BadMessageException("'excludes' must hold strings, not " + p);
            }
            out.add(new String(WirePaths.decodeBytes(p.asText()), StandardCharsets.ISO_8859_1));
        }
        return out;
    }
}

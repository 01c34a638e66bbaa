package pdm.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.fs.Names;

/**
 * The wire format of tasks, version 1: one JSON object per message, paths as exact bytes
 * (see {@link PathBytes}). Decoding checks everything a worker relies on and says what is
 * wrong, so a bad message can go to the dead-letter queue with its reason. The format is
 * described in docs/message-format.md.
 */
public final class TaskCodec {
    /** The newest version this pdm writes and reads. */
    public static final int VERSION = 3;
    /**
     * Version 3 added excludes and delete_excluded. A job without them is still written as
     * version 2, so workers of the previous release serve it; one with them is refused by
     * those workers (to the dead-letter queue, with the reason) rather than run unfiltered.
     */
    private static final int WITHOUT_EXCLUDES = 2;
    /** Version 1 had no deleting, allow_empty_source and max_delete; its jobs never set them. */
    private static final int OLDEST_READ = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskCodec() {
    }

    public static byte[] encode(TaskMessage m) {
        ObjectNode o = JSON.createObjectNode();
        boolean filtered = !m.options().excludes().isEmpty() || m.options().deleteExcluded();
        o.put("v", filtered ? VERSION : WITHOUT_EXCLUDES);
        o.put("job", m.jobId());
        o.put("task", m.taskId());
        o.put("action", m.action().cliName());
        o.put("src", m.src());
        o.put("tgt", m.tgt());
        o.put("job_path", PathBytes.encode(m.jobPath()));
        ObjectNode opts = o.putObject("options");
        opts.put("dry_run", m.options().dryRun());
        opts.put("checksum", m.options().checksum());
        opts.put("single_file", m.options().singleFile());
        opts.put("fsync", m.options().fsync());
        opts.put("deleting", m.options().deleting());
        opts.put("allow_empty_source", m.options().allowEmptySource());
        if (m.options().maxDelete() != null) {
            opts.put("max_delete", m.options().maxDelete());
        }
        if (filtered) {
            ArrayNode ex = opts.putArray("excludes");
            for (String p : m.options().excludes()) {
                ex.add(PathBytes.encodeBytes(p.getBytes(StandardCharsets.ISO_8859_1)));
            }
            opts.put("delete_excluded", m.options().deleteExcluded());
        }
        if (m.task() instanceof DirTask d) {
            ObjectNode n = o.putObject("dir");
            n.put("path", PathBytes.encode(d.rel()));
            n.set("src_id", meta(d.srcMeta()));
            n.set("tgt_id", meta(d.tgtMeta()));
        } else if (m.task() instanceof FileTask f) {
            ObjectNode n = o.putObject("files");
            n.put("dir", PathBytes.encode(f.dir()));
            n.set("src_id", meta(f.srcDir()));
            n.set("tgt_id", meta(f.tgtDir()));
            ArrayNode items = n.putArray("items");
            for (WorkItem w : f.items()) {
                ObjectNode i = items.addObject();
                i.put("name", PathBytes.encode(w.name()));
                i.put("op", w.op().name().toLowerCase(Locale.ROOT));
                i.set("src", meta(w.src()));
                i.set("tgt", meta(w.tgt()));
            }
        } else if (m.task() instanceof DirMetaTask d) {
            o.putObject("dirmeta").put("path", PathBytes.encode(d.rel()));
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
    }

    /**
     * The job and task ids of a message that may not decode, so that a dead-lettered task
     * can still be reported done (with its reason) and its job does not wait for it forever.
     * Null when the body does not name both.
     */
    public static String[] peekIds(byte[] body) {
        try {
            JsonNode o = JSON.readTree(body);
            if (o != null && o.path("job").isTextual() && o.path("task").isTextual()
                    && o.path("task").asText().matches("[0-9a-f]{16}")) {
                return new String[]{o.path("job").asText(), o.path("task").asText()};
            }
        } catch (IOException e) {
            // not JSON: nothing to report
        }
        return null;
    }

    public static TaskMessage decode(byte[] body) throws BadMessageException {
        JsonNode o;
        try {
            o = JSON.readTree(body);
        } catch (IOException e) {
            throw new BadMessageException("not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()), e);
        }
        if (o == null || !o.isObject()) {
            throw new BadMessageException("not a JSON object");
        }
        int v = (int) number(o, "v");
        if (v < OLDEST_READ || v > VERSION) {
            throw new BadMessageException("message version " + v + " is not supported; this pdm reads versions "
                    + OLDEST_READ + " to " + VERSION + " (upgrade the workers or the client so they match)");
        }
        Action action = action(text(o, "action"));
        JsonNode opts = object(o, "options");
        JobOptions options = new JobOptions(bool(opts, "dry_run"), bool(opts, "checksum"), bool(opts, "single_file"),
                bool(opts, "fsync"), v >= 2 && bool(opts, "deleting"), v >= 2 && bool(opts, "allow_empty_source"),
                opts.has("max_delete") ? maxDelete(opts.get("max_delete")) : null,
                v >= 3 ? excludes(opts) : List.of(), v >= 3 && bool(opts, "delete_excluded"));
        Task task;
        int kinds = (o.has("dir") ? 1 : 0) + (o.has("files") ? 1 : 0) + (o.has("dirmeta") ? 1 : 0);
        if (kinds != 1) {
            throw new BadMessageException("a message carries exactly one of 'dir', 'files' and 'dirmeta'");
        } else if (o.has("dirmeta")) {
            task = new DirMetaTask(PathBytes.decodeRelative(text(object(o, "dirmeta"), "path")));
        } else if (o.has("dir")) {
            JsonNode d = object(o, "dir");
            task = new DirTask(PathBytes.decodeRelative(text(d, "path")), meta(d, "src_id"), meta(d, "tgt_id"));
        } else {
            JsonNode f = object(o, "files");
            JsonNode items = f.get("items");
            if (items == null || !items.isArray() || items.isEmpty()) {
                throw new BadMessageException("'files.items' must be a non-empty array");
            }
            List<WorkItem> list = new ArrayList<>(items.size());
            for (JsonNode i : items) {
                list.add(new WorkItem(PathBytes.decodeName(text(i, "name")), op(text(i, "op")), meta(i, "src"),
                        meta(i, "tgt")));
            }
            task = new FileTask(PathBytes.decodeRelative(text(f, "dir")), meta(f, "src_id"), meta(f, "tgt_id"), list);
        }
        String taskId = text(o, "task");
        if (!taskId.matches("[0-9a-f]{16}")) {
            throw new BadMessageException("'task' must be 16 lowercase hex digits, not '" + taskId + "'");
        }
        String job = text(o, "job");
        if (!TaskIds.isJobId(job)) {
            throw new BadMessageException("'job' must be 1 to 64 letters, digits and '-', not '" + job + "'");
        }
        Path jobPath = PathBytes.decodeRelative(text(o, "job_path"));
        TaskMessage m = new TaskMessage(job, taskId, action, text(o, "src"), text(o, "tgt"), options, jobPath, task);
        boolean fileDir = options.singleFile() && !Names.isRoot(jobPath)
                && m.dir().equals(jobPath.getParent() == null ? Names.ROOT : jobPath.getParent());
        if (!(options.singleFile() ? fileDir : within(m.dir(), jobPath))) {
            throw new BadMessageException("task path '" + PathBytes.encode(m.dir()) + "' is outside the job PATH '"
                    + PathBytes.encode(jobPath) + "'");
        }
        return m;
    }

    private static boolean within(Path p, Path top) {
        return Names.isRoot(top) || p.startsWith(top);
    }

    private static JsonNode meta(FileMeta m) {
        if (m == null) {
            return JSON.nullNode();
        }
        ObjectNode n = JSON.createObjectNode();
        n.put("type", m.type().name().toLowerCase(Locale.ROOT));
        n.put("perms", m.perms());
        n.put("uid", m.uid());
        n.put("gid", m.gid());
        n.put("size", m.size());
        n.put("mtime_ns", m.mtimeNs());
        n.put("atime_ns", m.atimeNs());
        n.put("dev", m.dev());
        n.put("ino", m.ino());
        n.put("nlink", m.nlink());
        n.put("rdev", m.rdev());
        if (m.ctimeNs() != FileMeta.UNKNOWN_CTIME) {
            n.put("ctime_ns", m.ctimeNs());
        }
        return n;
    }

    private static FileMeta meta(JsonNode parent, String field) throws BadMessageException {
        JsonNode n = parent.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isObject()) {
            throw new BadMessageException("'" + field + "' must be an object or null");
        }
        FileType type;
        try {
            type = FileType.valueOf(text(n, "type").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new BadMessageException("'" + field + ".type' is not a file type: " + n.get("type"));
        }
        long perms = number(n, "perms");
        if (perms < 0 || perms > 07777) {
            throw new BadMessageException("'" + field + ".perms' out of range: " + perms);
        }
        return new FileMeta(type, (int) perms, (int) number(n, "uid"), (int) number(n, "gid"), number(n, "size"),
                number(n, "mtime_ns"), number(n, "atime_ns"), number(n, "dev"), number(n, "ino"),
                (int) number(n, "nlink"), number(n, "rdev"),
                // (optional: a peer of before it says nothing, and unknown means "look")
                n.hasNonNull("ctime_ns") ? number(n, "ctime_ns") : FileMeta.UNKNOWN_CTIME);
    }

    private static Action action(String s) throws BadMessageException {
        for (Action a : Action.values()) {
            if (a.cliName().equals(s)) {
                return a;
            }
        }
        throw new BadMessageException("unknown action '" + s + "'");
    }

    private static WorkItem.Op op(String s) throws BadMessageException {
        for (WorkItem.Op op : WorkItem.Op.values()) {
            if (op.name().toLowerCase(Locale.ROOT).equals(s)) {
                return op;
            }
        }
        throw new BadMessageException("unknown item op '" + s + "'");
    }

    private static JsonNode object(JsonNode o, String field) throws BadMessageException {
        JsonNode n = o.get(field);
        if (n == null || !n.isObject()) {
            throw new BadMessageException("'" + field + "' must be an object");
        }
        return n;
    }

    private static String text(JsonNode o, String field) throws BadMessageException {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new BadMessageException("'" + field + "' must be a string");
        }
        return n.asText();
    }

    private static long number(JsonNode o, String field) throws BadMessageException {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new BadMessageException("'" + field + "' must be a whole number");
        }
        return n.asLong();
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
            out.add(new String(PathBytes.decodeBytes(p.asText()), StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static boolean bool(JsonNode o, String field) throws BadMessageException {
        JsonNode n = o.get(field);
        if (n == null || !n.isBoolean()) {
            throw new BadMessageException("'" + field + "' must be true or false");
        }
        return n.asBoolean();
    }
}

package pdm.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.fs.Names;

/**
 * The wire format of tasks: one JSON object per message, paths as exact bytes (see
 * {@link WirePaths}). Since version 3 a message carries a batch: the job, pass, pair, options
 * and PATH once, then one or more tasks, each with its own id (one broker message, one
 * delivery and one ack for many tasks). Decoding checks everything a worker relies on and says
 * what is wrong, so a bad message can go to the dead-letter queue with its reason. The format
 * is described in docs/message-format.md.
 */
public final class TaskCodec {
    /** The version this pdm writes and reads. */
    public static final int VERSION = 3;
    /**
     * Version 1 had no deleting, allow_empty_source and max_delete (its jobs never set them);
     * versions 1 and 2 carry one task per message, in fields of the message itself, and no
     * excludes (their jobs have none).
     */
    private static final int OLDEST_READ = 1;
    private static final ObjectMapper JSON = new ObjectMapper();

    private TaskCodec() {
    }

    /**
     * Several tasks of one job and pass in one message.
     *
     * @throws IllegalArgumentException when the batch is empty or its tasks differ in job, pass, pair, options or PATH
     */
    public static byte[] encode(List<TaskMessage> batch) {
        if (batch.isEmpty()) {
            throw new IllegalArgumentException("a message carries at least one task");
        }
        TaskMessage m = batch.get(0);
        ObjectNode o = JSON.createObjectNode();
        o.put("v", VERSION);
        o.put("job", m.jobId());
        o.put("action", m.pass().cliName());
        o.put("src", m.src());
        o.put("tgt", m.tgt());
        o.put("job_path", WirePaths.encode(m.jobPath()));
        o.set("options", JobOptionsCodec.encode(m.options()));
        ArrayNode tasks = o.putArray("tasks");
        for (TaskMessage t : batch) {
            if (!sameBatch(m, t)) {
                throw new IllegalArgumentException("tasks of one message share job, pass, pair, options and PATH: "
                        + t.taskId() + " differs from " + m.taskId());
            }
            task(tasks.addObject().put("task", t.taskId()), t.task());
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot happen for a tree of plain values", e);
        }
    }

    private static boolean sameBatch(TaskMessage a, TaskMessage b) {
        return a.jobId().equals(b.jobId()) && a.pass() == b.pass() && a.src().equals(b.src())
                && a.tgt().equals(b.tgt()) && a.options().equals(b.options()) && a.jobPath().equals(b.jobPath());
    }

    private static void task(ObjectNode o, Task task) {
        if (task instanceof DirTask d) {
            ObjectNode n = o.putObject("dir");
            n.put("path", WirePaths.encode(d.rel()));
            n.set("src_id", meta(d.srcMeta()));
            n.set("tgt_id", meta(d.tgtMeta()));
        } else if (task instanceof FileTask f) {
            ObjectNode n = o.putObject("files");
            n.put("dir", WirePaths.encode(f.dir()));
            n.set("src_id", meta(f.srcDir()));
            n.set("tgt_id", meta(f.tgtDir()));
            ArrayNode items = n.putArray("items");
            for (WorkItem w : f.items()) {
                ObjectNode i = items.addObject();
                i.put("name", WirePaths.encode(w.name()));
                i.put("op", w.op().name().toLowerCase(Locale.ROOT));
                i.set("src", meta(w.src()));
                i.set("tgt", meta(w.tgt()));
            }
        } else if (task instanceof DirMetaTask d) {
            o.putObject("dirmeta").put("path", WirePaths.encode(d.rel()));
        } else if (task instanceof RangeTask r) {
            ObjectNode n = o.putObject("range");
            n.put("dir", WirePaths.encode(r.dir()));
            n.put("name", WirePaths.encode(r.name()));
            if (r.verifies()) {
                n.put("op", "verify"); // (absent: copy, as in every message of before verify ranges)
                n.set("tgt", meta(r.tgt()));
            } else {
                n.put("temp", WirePaths.encode(r.temp()));
                n.put("temp_ino", r.tempIno());
            }
            n.set("src", meta(r.src()));
            n.put("from", r.from());
            n.put("to", r.to());
        } else if (task instanceof FinishTask f) {
            o.set("finish", finishJson(f));
        }
    }

    /** A finish task's object, as in a task message and in the done event that announces it (docs/message-format.md). */
    public static ObjectNode finishJson(FinishTask f) {
        ObjectNode n = JSON.createObjectNode();
        n.put("dir", WirePaths.encode(f.dir()));
        n.put("name", WirePaths.encode(f.name()));
        if (f.verify()) {
            n.put("op", "verify"); // (absent: copy, as in every message of before verify finishes)
            if (f.differsAt() >= 0) {
                n.put("differs_at", f.differsAt());
            }
        } else {
            n.put("temp", WirePaths.encode(f.temp()));
            n.put("temp_ino", f.tempIno());
        }
        n.set("src", meta(f.src()));
        n.set("tgt", meta(f.tgt()));
        if (f.discard() != null) {
            n.put("discard", f.discard());
        }
        return n;
    }

    /** The finish task of {@link #finishJson}. */
    public static FinishTask finish(JsonNode n) throws BadMessageException {
        if (n == null || !n.isObject()) {
            throw new BadMessageException("'finish' must be an object");
        }
        FileMeta src = meta(n, "src");
        if (src == null) {
            throw new BadMessageException("'finish.src' must be an object");
        }
        Path dir = WirePaths.decodeRelative(text(n, "dir"));
        Path name = WirePaths.decodeName(text(n, "name"));
        String discard = n.hasNonNull("discard") ? text(n, "discard") : null;
        if (verifies(n)) {
            FileMeta tgt = meta(n, "tgt");
            if (tgt == null) {
                throw new BadMessageException("a verify 'finish' needs 'tgt'");
            }
            long at = n.has("differs_at") ? number(n, "differs_at") : -1;
            if (n.has("differs_at") && at < 0) {
                throw new BadMessageException("'differs_at' must be a byte offset, not " + at);
            }
            return new FinishTask(dir, name, null, 0, src, tgt, discard, true, at);
        }
        return new FinishTask(dir, name, WirePaths.decodeName(text(n, "temp")), number(n, "temp_ino"), src,
                meta(n, "tgt"), discard);
    }

    /** A range's or finish's op: "verify", or absent for copy (the only op before verify ranges). */
    private static boolean verifies(JsonNode n) throws BadMessageException {
        if (!n.has("op")) {
            return false;
        }
        String op = text(n, "op");
        if (!op.equals("verify")) {
            throw new BadMessageException("unknown range op '" + op + "' (this pdm knows 'verify'; absent: copy)");
        }
        return true;
    }

    /** The job a message names and the ids of its tasks. */
    public record Ids(String job, List<String> tasks) {
    }

    /**
     * The job and task ids of a message that may not decode, so that a dead-lettered message
     * can still be reported done (with its reason) and its job does not wait for it forever.
     * Null when the body does not name a job and at least one well-formed task id.
     */
    public static Ids peekIds(byte[] body) {
        try {
            JsonNode o = JSON.readTree(body);
            if (o == null || !o.path("job").isTextual()) {
                return null;
            }
            List<String> ids = new ArrayList<>();
            if (o.path("tasks").isArray()) {
                o.path("tasks").forEach(t -> ids.add(t.path("task").asText("")));
            } else {
                ids.add(o.path("task").asText(""));
            }
            ids.removeIf(id -> !TaskIds.isTaskId(id));
            return ids.isEmpty() ? null : new Ids(o.path("job").asText(), ids);
        } catch (IOException e) {
            return null; // not JSON: nothing to report
        }
    }

    /** Every task of a message, in order; a message any part of which is wrong is refused whole. */
    public static List<TaskMessage> decodeAll(byte[] body) throws BadMessageException {
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
        Pass pass = pass(text(o, "action"));
        JobOptions options = JobOptionsCodec.decode(o.get("options"), v >= 2);
        String job = text(o, "job");
        if (!TaskIds.isJobId(job)) {
            throw new BadMessageException("'job' must be 1 to 64 letters, digits and '-', not '" + job + "'");
        }
        Path jobPath = WirePaths.decodeRelative(text(o, "job_path"));
        List<JsonNode> tasks = new ArrayList<>();
        if (v < 3) {
            tasks.add(o);
        } else {
            JsonNode array = o.get("tasks");
            if (array == null || !array.isArray() || array.isEmpty()) {
                throw new BadMessageException("'tasks' must be a non-empty array");
            }
            array.forEach(tasks::add);
        }
        List<TaskMessage> out = new ArrayList<>(tasks.size());
        for (JsonNode t : tasks) {
            if (!t.isObject()) {
                throw new BadMessageException("each of 'tasks' must be an object");
            }
            String taskId = text(t, "task");
            if (!TaskIds.isTaskId(taskId)) {
                throw new BadMessageException("'task' must be 16 lowercase hex digits, not '" + taskId + "'");
            }
            TaskMessage m = new TaskMessage(job, taskId, pass, text(o, "src"), text(o, "tgt"), options, jobPath,
                    task(t));
            boolean fileDir = options.singleFile() && !Names.isRoot(jobPath)
                    && m.dir().equals(jobPath.getParent() == null ? Names.ROOT : jobPath.getParent());
            if (!(options.singleFile() ? fileDir : within(m.dir(), jobPath))) {
                throw new BadMessageException("task path '" + WirePaths.encode(m.dir()) + "' is outside the job PATH '"
                        + WirePaths.encode(jobPath) + "'");
            }
            out.add(m);
        }
        return out;
    }

    private static Task task(JsonNode o) throws BadMessageException {
        int kinds = (o.has("dir") ? 1 : 0) + (o.has("files") ? 1 : 0) + (o.has("dirmeta") ? 1 : 0)
                + (o.has("range") ? 1 : 0) + (o.has("finish") ? 1 : 0);
        if (kinds != 1) {
            throw new BadMessageException("a task carries exactly one of 'dir', 'files', 'dirmeta', 'range' and 'finish'");
        } else if (o.has("range")) {
            JsonNode r = object(o, "range");
            FileMeta src = meta(r, "src");
            long from = number(r, "from");
            long to = number(r, "to");
            if (src == null || from < 0 || to <= from) {
                throw new BadMessageException("'range' needs 'src' and 0 <= 'from' < 'to', not [" + from + ", " + to + ")");
            }
            if (verifies(r)) {
                FileMeta tgt = meta(r, "tgt");
                if (tgt == null) {
                    throw new BadMessageException("a verify 'range' needs 'tgt'");
                }
                return RangeTask.verify(WirePaths.decodeRelative(text(r, "dir")), WirePaths.decodeName(text(r, "name")),
                        src, tgt, from, to);
            }
            return new RangeTask(WirePaths.decodeRelative(text(r, "dir")), WirePaths.decodeName(text(r, "name")),
                    WirePaths.decodeName(text(r, "temp")), number(r, "temp_ino"), src, from, to);
        } else if (o.has("finish")) {
            return finish(object(o, "finish"));
        } else if (o.has("dirmeta")) {
            return new DirMetaTask(WirePaths.decodeRelative(text(object(o, "dirmeta"), "path")));
        } else if (o.has("dir")) {
            JsonNode d = object(o, "dir");
            return new DirTask(WirePaths.decodeRelative(text(d, "path")), meta(d, "src_id"), meta(d, "tgt_id"));
        }
        JsonNode f = object(o, "files");
        JsonNode items = f.get("items");
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw new BadMessageException("'files.items' must be a non-empty array");
        }
        List<WorkItem> list = new ArrayList<>(items.size());
        for (JsonNode i : items) {
            list.add(new WorkItem(WirePaths.decodeName(text(i, "name")), op(text(i, "op")), meta(i, "src"),
                    meta(i, "tgt")));
        }
        return new FileTask(WirePaths.decodeRelative(text(f, "dir")), meta(f, "src_id"), meta(f, "tgt_id"), list);
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
        if (m.locks() != FileMeta.UNKNOWN_LOCKS) {
            n.put("locks", m.locks());
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
                n.hasNonNull("ctime_ns") ? number(n, "ctime_ns") : FileMeta.UNKNOWN_CTIME,
                n.hasNonNull("locks") ? locks(n, field) : FileMeta.UNKNOWN_LOCKS);
    }

    /** statx's immutable (0x10) and append-only (0x20) bits; nothing else is sent. */
    private static int locks(JsonNode n, String field) throws BadMessageException {
        long locks = number(n, "locks");
        if ((locks & ~0x30L) != 0) {
            throw new BadMessageException("'" + field + ".locks' holds more than the immutable (0x10) and append-only"
                    + " (0x20) bits: " + locks);
        }
        return (int) locks;
    }

    private static Pass pass(String s) throws BadMessageException {
        for (Pass a : Pass.values()) {
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
}

package pdm.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import pdm.task.Pass;
import pdm.task.BadMessageException;
import pdm.task.JobOptions;
import pdm.task.JobOptionsCodec;
import pdm.task.TaskCodec;
import pdm.task.TaskKind;

/** Job events as one JSON object per stream message ({@code "e"} names the kind). */
public final class EventCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {
    }

    public static byte[] encode(JobEvent e) {
        ObjectNode o = JSON.createObjectNode();
        if (e instanceof JobEvent.Submitted s) {
            o.put("e", "job");
            o.put("job", s.job());
            o.put("command", s.command());
            ArrayNode passes = o.putArray("passes");
            s.passes().forEach(a -> passes.add(a.cliName()));
            o.put("src", s.src());
            o.put("tgt", s.tgt());
            o.put("source_text", s.sourceText());
            o.put("target_text", s.targetText());
            o.put("path", s.path());
            o.set("options", JobOptionsCodec.encode(s.options()));
            o.put("ts", s.submittedMs());
            o.put("by", s.by());
            if (s.noQueue()) {
                o.put("no_queue", true); // (absent: queue, as every job did before --no-queue)
            }
            if (s.embedded()) {
                o.put("embedded", true);
            }
        } else if (e instanceof JobEvent.Done d) {
            o.put("e", "done");
            o.put("job", d.job());
            done(o, d);
            o.put("node", d.node());
            o.put("ts", d.ts());
        } else if (e instanceof JobEvent.Dones b) {
            // job, node and ts once: the tasks of one message, run by one worker
            o.put("e", "dones");
            o.put("job", b.job());
            JobEvent.Done first = b.done().isEmpty() ? null : b.done().get(0);
            o.put("node", first == null ? null : first.node());
            o.put("ts", first == null ? 0 : first.ts());
            ArrayNode tasks = o.putArray("tasks");
            for (JobEvent.Done d : b.done()) {
                ObjectNode t = tasks.addObject();
                done(t, d);
                if (!Objects.equals(d.node(), first.node())) {
                    t.put("node", d.node());
                }
                if (d.ts() != first.ts()) {
                    t.put("ts", d.ts());
                }
            }
        } else if (e instanceof JobEvent.Published p) {
            o.put("e", "published").put("job", p.job());
            if (p.tasks().size() == 1) {
                o.put("task", p.tasks().get(0)); // as before batches: readers of older versions still follow
            } else {
                ArrayNode tasks = o.putArray("tasks");
                p.tasks().forEach(tasks::add);
            }
        } else if (e instanceof JobEvent.Mark m) {
            o.put("e", "mark").put("id", m.id());
        } else if (e instanceof JobEvent.Cancelled c) {
            o.put("e", "cancelled").put("job", c.job()).put("by", c.by()).put("ts", c.ts());
        } else if (e instanceof JobEvent.Queued q) {
            o.put("e", "queued").put("job", q.job()).put("behind", q.behind()).put("what", q.what()).put("ts", q.ts());
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot happen for a tree of plain values", ex);
        }
    }

    /** A done event's own fields (without job, node and ts). */
    private static void done(ObjectNode o, JobEvent.Done d) {
        o.put("task", d.task());
        o.put("kind", wire(d.kind()));
        ArrayNode children = o.putArray("children");
        for (JobEvent.Child c : d.children()) {
            ObjectNode n = children.addObject().put("id", c.id()).put("kind", wire(c.kind()));
            if (c.rel() != null) {
                n.put("rel", c.rel());
            }
        }
        o.set("counters", JSON.valueToTree(d.counters()));
        o.set("failures", JSON.valueToTree(d.failures()));
        if (d.refused() != null) {
            o.put("refused", d.refused());
        }
        o.put("dirmeta", d.dirMeta());
        if (d.differsAt() >= 0) {
            o.put("differs_at", d.differsAt()); // (absent: none, as in every event of before verify ranges)
        }
        if (!d.splits().isEmpty()) {
            ArrayNode splits = o.putArray("splits");
            for (JobEvent.Split s : d.splits()) {
                ObjectNode n = splits.addObject().put("finish_id", s.finishId());
                ArrayNode ranges = n.putArray("ranges");
                s.ranges().forEach(ranges::add);
                n.set("finish", TaskCodec.finishJson(s.finish()));
            }
        }
    }

    /** The big files a file task cut into ranges (absent: none, as in every event of before them). */
    private static List<JobEvent.Split> splits(JsonNode o) throws IOException {
        List<JobEvent.Split> out = new ArrayList<>();
        if (!o.has("splits")) {
            return out;
        }
        for (JsonNode s : array(o, "splits")) {
            List<String> ranges = new ArrayList<>();
            for (JsonNode r : array(s, "ranges")) {
                if (!r.isTextual()) {
                    throw new BadEventException("'ranges' must hold task ids, not " + r);
                }
                ranges.add(r.asText());
            }
            try {
                out.add(new JobEvent.Split(text(s, "finish_id"), ranges, TaskCodec.finish(s.get("finish"))));
            } catch (BadMessageException e) {
                throw new BadEventException("splits: " + e.getMessage());
            }
        }
        return out;
    }

    private static JobEvent.Done done(JsonNode o, String job, String node, long ts) throws IOException {
        List<JobEvent.Child> children = new ArrayList<>();
        for (JsonNode c : array(o, "children")) {
            children.add(new JobEvent.Child(text(c, "id"), TaskKind.fromWire(text(c, "kind")),
                    c.has("rel") ? text(c, "rel") : null));
        }
        List<Failure> failures = new ArrayList<>();
        for (JsonNode f : array(o, "failures")) {
            failures.add(new Failure(text(f, "path"), text(f, "error")));
        }
        JsonNode counters = o.get("counters");
        if (counters == null || !counters.isObject()) {
            throw new BadEventException("'counters' must be an object");
        }
        // (optional, as they were added: a refusal; dirmeta absent in events of before it; node and ts
        // of a task in a dones event, when they differ from the event's)
        return new JobEvent.Done(job, text(o, "task"), TaskKind.fromWire(text(o, "kind")), children,
                JSON.treeToValue(counters, Counters.class), failures,
                o.has("refused") ? text(o, "refused") : null, !o.has("dirmeta") || bool(o, "dirmeta"),
                o.has("node") ? text(o, "node") : node, o.has("ts") ? number(o, "ts") : ts, splits(o),
                o.has("differs_at") ? number(o, "differs_at") : -1);
    }

    private static String wire(TaskKind k) {
        return k == null ? null : k.wire();
    }

    /** An event that names its kind but lacks a field of it, or has one of the wrong type. */
    public static final class BadEventException extends IOException {
        BadEventException(String reason) {
            super(reason);
        }
    }

    /**
     * Decodes one event; an event this pdm does not know (a newer writer) gives null and is
     * skipped. A known event missing a field, or with one of the wrong type, is refused.
     */
    public static JobEvent decode(byte[] body) throws IOException {
        JsonNode o = JSON.readTree(body);
        if (o == null || !o.isObject() || !o.has("e")) {
            return null;
        }
        switch (text(o, "e")) {
            case "job" -> {
                List<Pass> passes = new ArrayList<>();
                // "phases" is the field's name in logs written before the code said "pass" everywhere
                for (JsonNode p : array(o, o.has("passes") || !o.has("phases") ? "passes" : "phases")) {
                    passes.add(pass(p));
                }
                return new JobEvent.Submitted(text(o, "job"), text(o, "command"), passes, text(o, "src"),
                        text(o, "tgt"), text(o, "source_text"), text(o, "target_text"), text(o, "path"),
                        options(o.get("options")), number(o, "ts"), text(o, "by"),
                        o.has("no_queue") && bool(o, "no_queue"), o.has("embedded") && bool(o, "embedded"));
            }
            case "done" -> {
                return done(o, text(o, "job"), null, 0);
            }
            case "dones" -> {
                List<JobEvent.Done> done = new ArrayList<>();
                String job = text(o, "job");
                JsonNode tasks = array(o, "tasks");
                // (an empty batch has no first task to name the node: null then)
                String node = tasks.isEmpty() && o.path("node").isNull() ? null : text(o, "node");
                long ts = number(o, "ts");
                for (JsonNode t : tasks) {
                    done.add(done(t, job, node, ts));
                }
                return new JobEvent.Dones(job, done);
            }
            case "published" -> {
                List<String> tasks = new ArrayList<>();
                if (o.has("task")) {
                    tasks.add(text(o, "task"));
                } else {
                    for (JsonNode t : array(o, "tasks")) {
                        if (!t.isTextual()) {
                            throw new BadEventException("'tasks' must hold task ids, not " + t);
                        }
                        tasks.add(t.asText());
                    }
                }
                return new JobEvent.Published(text(o, "job"), tasks);
            }
            case "mark" -> {
                return new JobEvent.Mark(text(o, "id"));
            }
            case "cancelled" -> {
                return new JobEvent.Cancelled(text(o, "job"), text(o, "by"), number(o, "ts"));
            }
            case "queued" -> {
                return new JobEvent.Queued(text(o, "job"), text(o, "behind"), text(o, "what"), number(o, "ts"));
            }
            default -> {
                return null;
            }
        }
    }

    /**
     * A job's options. Events of pdm 0.1 before this spelling wrote them as Jackson does a record
     * (camelCase: {@code dryRun}, {@code singleFile} …); an event log keeps them for its retention,
     * so {@code pdm status} and the tracker still read them, field for field as then.
     */
    private static JobOptions options(JsonNode n) throws IOException {
        if (n != null && n.isObject() && !n.has("dry_run") && n.has("dryRun")) {
            return JSON.treeToValue(n, JobOptions.class);
        }
        try {
            return JobOptionsCodec.decode(n, true);
        } catch (BadMessageException e) {
            throw new BadEventException("options: " + e.getMessage());
        }
    }

    private static Pass pass(JsonNode n) throws IOException {
        for (Pass p : Pass.values()) {
            if (n.isTextual() && p.cliName().equals(n.asText())) {
                return p;
            }
        }
        throw new BadEventException("'passes' holds " + n + ", not a pass");
    }

    private static String text(JsonNode o, String field) throws BadEventException {
        JsonNode n = o.get(field);
        if (n == null || !n.isTextual()) {
            throw new BadEventException("'" + field + "' must be a string");
        }
        return n.asText();
    }

    private static long number(JsonNode o, String field) throws BadEventException {
        JsonNode n = o.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new BadEventException("'" + field + "' must be a whole number");
        }
        return n.asLong();
    }

    private static boolean bool(JsonNode o, String field) throws BadEventException {
        JsonNode n = o.get(field);
        if (n == null || !n.isBoolean()) {
            throw new BadEventException("'" + field + "' must be true or false");
        }
        return n.asBoolean();
    }

    private static JsonNode array(JsonNode o, String field) throws BadEventException {
        JsonNode n = o.get(field);
        if (n == null || !n.isArray()) {
            throw new BadEventException("'" + field + "' must be an array");
        }
        return n;
    }
}

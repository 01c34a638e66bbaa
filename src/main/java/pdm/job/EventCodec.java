package pdm.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import pdm.task.Action;
import pdm.task.JobOptions;
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
            ArrayNode phases = o.putArray("phases");
            s.phases().forEach(a -> phases.add(a.cliName()));
            o.put("src", s.src());
            o.put("tgt", s.tgt());
            o.put("source_text", s.sourceText());
            o.put("target_text", s.targetText());
            o.put("path", s.path());
            o.set("options", JSON.valueToTree(s.options()));
            o.put("ts", s.submittedMs());
            o.put("by", s.by());
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
    }

    private static JobEvent.Done done(JsonNode o, String job, String node, long ts) throws IOException {
        List<JobEvent.Child> children = new ArrayList<>();
        for (JsonNode c : o.path("children")) {
            children.add(new JobEvent.Child(c.path("id").asText(), TaskKind.fromWire(c.path("kind").asText()),
                    c.has("rel") ? c.path("rel").asText() : null));
        }
        List<Failure> failures = new ArrayList<>();
        for (JsonNode f : o.path("failures")) {
            failures.add(new Failure(f.path("path").asText(), f.path("error").asText()));
        }
        return new JobEvent.Done(job, o.path("task").asText(), TaskKind.fromWire(o.path("kind").asText()), children,
                JSON.treeToValue(o.path("counters"), Counters.class), failures,
                o.has("refused") ? o.path("refused").asText() : null, o.path("dirmeta").asBoolean(true),
                o.has("node") ? o.path("node").asText() : node, o.has("ts") ? o.path("ts").asLong() : ts);
    }

    private static String wire(TaskKind k) {
        return k == null ? null : k.wire();
    }

    /** Decodes one event; an event this pdm does not know (a newer writer) gives null and is skipped. */
    public static JobEvent decode(byte[] body) throws IOException {
        JsonNode o = JSON.readTree(body);
        if (o == null || !o.isObject() || !o.has("e")) {
            return null;
        }
        switch (o.path("e").asText()) {
            case "job" -> {
                List<Action> phases = new ArrayList<>();
                for (JsonNode p : o.path("phases")) {
                    phases.add(Action.valueOf(p.asText().toUpperCase(Locale.ROOT)));
                }
                return new JobEvent.Submitted(o.path("job").asText(), o.path("command").asText(), phases,
                        o.path("src").asText(), o.path("tgt").asText(), o.path("source_text").asText(),
                        o.path("target_text").asText(), o.path("path").asText(),
                        JSON.treeToValue(o.path("options"), JobOptions.class), o.path("ts").asLong(),
                        o.path("by").asText());
            }
            case "done" -> {
                return done(o, o.path("job").asText(), null, 0);
            }
            case "dones" -> {
                List<JobEvent.Done> done = new ArrayList<>();
                for (JsonNode t : o.path("tasks")) {
                    done.add(done(t, o.path("job").asText(), o.path("node").asText(), o.path("ts").asLong()));
                }
                return new JobEvent.Dones(o.path("job").asText(), done);
            }
            case "published" -> {
                List<String> tasks = new ArrayList<>();
                if (o.has("task")) {
                    tasks.add(o.path("task").asText());
                }
                o.path("tasks").forEach(t -> tasks.add(t.asText()));
                return new JobEvent.Published(o.path("job").asText(), tasks);
            }
            case "mark" -> {
                return new JobEvent.Mark(o.path("id").asText());
            }
            default -> {
                return null;
            }
        }
    }
}

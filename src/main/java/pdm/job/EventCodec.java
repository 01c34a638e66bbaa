package pdm.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
            o.put("node", d.node());
            o.put("ts", d.ts());
        } else if (e instanceof JobEvent.Published p) {
            o.put("e", "published").put("job", p.job()).put("task", p.task());
        } else if (e instanceof JobEvent.Mark m) {
            o.put("e", "mark").put("id", m.id());
        }
        try {
            return JSON.writeValueAsBytes(o);
        } catch (IOException ex) {
            throw new IllegalStateException("cannot happen for a tree of plain values", ex);
        }
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
                List<JobEvent.Child> children = new ArrayList<>();
                for (JsonNode c : o.path("children")) {
                    children.add(new JobEvent.Child(c.path("id").asText(), TaskKind.fromWire(c.path("kind").asText()),
                            c.has("rel") ? c.path("rel").asText() : null));
                }
                List<Failure> failures = new ArrayList<>();
                for (JsonNode f : o.path("failures")) {
                    failures.add(new Failure(f.path("path").asText(), f.path("error").asText()));
                }
                return new JobEvent.Done(o.path("job").asText(), o.path("task").asText(),
                        TaskKind.fromWire(o.path("kind").asText()),
                        children, JSON.treeToValue(o.path("counters"), Counters.class), failures,
                        o.has("refused") ? o.path("refused").asText() : null, o.path("dirmeta").asBoolean(true),
                        o.path("node").asText(),
                        o.path("ts").asLong());
            }
            case "published" -> {
                return new JobEvent.Published(o.path("job").asText(), o.path("task").asText());
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

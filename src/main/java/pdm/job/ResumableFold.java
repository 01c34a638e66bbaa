package pdm.job;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A fold that can be saved and resumed without reading the log from its start: the saved
 * form keeps every finished job (its numbers per node, which later events no longer change)
 * and the offset to read on from, the start of the oldest running job. Running jobs are
 * folded again from their own start, so a resumed fold equals one that read everything.
 */
public final class ResumableFold {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JobFold fold = new JobFold(false);
    private final Map<String, Long> runningFrom = new HashMap<>();
    private final long resumedFrom;
    private long lastOffset;

    public ResumableFold() {
        this(-1);
    }

    private ResumableFold(long resumedFrom) {
        this.resumedFrom = resumedFrom;
        // (a resumed fold that reads nothing new saves the offset it resumed at, not 0)
        this.lastOffset = resumedFrom - 1;
    }

    /** The fold (callers synchronize on it while they read it; {@link #apply} does too). */
    public JobFold fold() {
        return fold;
    }

    /** Where to read the log from: its first event, or the offset a saved fold resumes at. */
    public LogPosition readFrom() {
        return resumedFrom < 0 ? LogPosition.FIRST : LogPosition.at(resumedFrom);
    }

    public void apply(JobEvent e, long offset) {
        synchronized (fold) {
            lastOffset = Math.max(lastOffset, offset);
            boolean known = e.job() != null && fold.job(e.job()) != null;
            fold.apply(e);
            JobFold.Job j = e.job() == null ? null : fold.job(e.job());
            if (e instanceof JobEvent.Submitted && !known && j != null && j.state() == JobFold.State.RUNNING) {
                // (only a job the fold took: a refused one must not pin the offset forever; an
                // unknown offset, -1, makes a save resume from the log's start: safe, only slower)
                runningFrom.put(j.id(), offset);
            }
            if (j != null && j.state() != JobFold.State.RUNNING) {
                runningFrom.remove(j.id());
            }
        }
    }

    /** The saved form: finished jobs, and the offset to resume at. */
    public byte[] save() {
        synchronized (fold) {
            long from = lastOffset + 1;
            for (long o : runningFrom.values()) {
                from = Math.min(from, o);
            }
            ObjectNode root = JSON.createObjectNode().put("v", 1).put("from", from);
            ArrayNode jobs = root.putArray("finished");
            for (JobFold.Job j : fold.jobs()) {
                if (j.state() == JobFold.State.RUNNING) {
                    continue;
                }
                ObjectNode o = jobs.addObject();
                try {
                    o.set("def", JSON.readTree(EventCodec.encode(j.def)));
                } catch (IOException ex) {
                    throw new IllegalStateException("cannot re-read an encoded event", ex);
                }
                o.put("state", j.state().name()).put("pass_index", j.passIndex()).put("last_ms", j.lastMs())
                        .put("tasks_done", j.tasksDone());
                if (j.refused() != null) {
                    o.put("refused", j.refused());
                }
                // per host, as the monitor shows them: one entry per worker process would grow with restarts
                ObjectNode nodes = o.putObject("by_node");
                j.workByHost().forEach((host, w) -> nodes.putObject(host)
                        .put("tasks", w.tasks()).set("counters", JSON.valueToTree(w.counters())));
            }
            try {
                return JSON.writeValueAsBytes(root);
            } catch (IOException ex) {
                throw new IllegalStateException("cannot happen for a tree of plain values", ex);
            }
        }
    }

    /** A fold resumed from its saved form; read the log from {@link #readFrom()} into it. */
    public static ResumableFold resume(byte[] saved) throws IOException {
        JsonNode root = JSON.readTree(saved);
        if (root == null || root.path("v").asInt() != 1 || !root.path("from").canConvertToLong()) {
            throw new IOException("not a saved fold of version 1");
        }
        ResumableFold r = new ResumableFold(root.path("from").asLong());
        for (JsonNode o : root.path("finished")) {
            if (!(EventCodec.decode(JSON.writeValueAsBytes(o.path("def"))) instanceof JobEvent.Submitted def)) {
                throw new IOException("a finished job without its definition");
            }
            Map<String, JobFold.NodeWork> byNode = new HashMap<>();
            var fields = o.path("by_node").fields();
            while (fields.hasNext()) {
                var f = fields.next();
                byNode.put(f.getKey(), new JobFold.NodeWork(JSON.treeToValue(f.getValue().path("counters"),
                        Counters.class), f.getValue().path("tasks").asLong()));
            }
            r.fold.restore(def, JobFold.State.valueOf(o.path("state").asText()), o.path(o.has("pass_index") ? "pass_index" : "phase").asInt(),
                    o.path("last_ms").asLong(), o.path("tasks_done").asLong(),
                    o.has("refused") ? o.path("refused").asText() : null, byNode);
        }
        return r;
    }
}

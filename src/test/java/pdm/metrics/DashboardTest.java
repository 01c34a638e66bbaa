package pdm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard queries only what pdm exports: metric names and the labels they select on. */
class DashboardTest {
    private static final Pattern METRIC = Pattern.compile("\\bpdm_[a-z_]+");
    private static final Pattern SELECTOR = Pattern.compile("\\b(pdm_[a-z_]+)\\{([^}]*)}");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)");
    private static final Pattern SAMPLE_LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"");
    private static final Pattern BY = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((pdm_[a-z_]+)\\s*,\\s*([a-z_]+)\\)");

    @Test
    void everyQueryNamesAnExportedMetricAndItsLabels() throws Exception {
        Map<String, Set<String>> exported = exported();
        List<String> queries = queries();
        assertThat(queries).as("queries in the dashboard").hasSizeGreaterThan(10);

        Set<String> used = new HashSet<>();
        for (String q : queries) {
            Matcher m = METRIC.matcher(q);
            while (m.find()) {
                used.add(m.group());
                assertThat(exported).as("metric in query: " + q).containsKey(m.group());
            }
            // grouping labels must exist on one of the metrics the query reads
            Set<String> labelsHere = new HashSet<>();
            Matcher names = METRIC.matcher(q);
            while (names.find()) {
                labelsHere.addAll(exported.getOrDefault(names.group(), Set.of()));
            }
            Matcher by = BY.matcher(q);
            while (by.find()) {
                for (String l : by.group(1).split(",")) {
                    if (!l.isBlank()) {
                        assertThat(labelsHere).as("grouping label " + l.strip() + " in: " + q).contains(l.strip());
                    }
                }
            }
            Matcher lv = LABEL_VALUES.matcher(q);
            while (lv.find()) {
                assertThat(exported.get(lv.group(1))).as("label_values label in: " + q).contains(lv.group(2));
            }
            Matcher s = SELECTOR.matcher(q);
            while (s.find()) {
                Matcher l = LABEL.matcher(s.group(2));
                while (l.find()) {
                    assertThat(exported.get(s.group(1))).as("label " + l.group(1) + " of " + s.group(1) + " in: " + q)
                            .contains(l.group(1));
                }
            }
        }
        assertThat(used).as("the dashboard shows throughput, failures, queues, workers and job progress")
                .contains("pdm_files_copied_total", "pdm_copied_bytes_total", "pdm_files_failed_total",
                        "pdm_queue_messages_ready", "pdm_queue_messages_unacked", "pdm_workers_alive",
                        "pdm_job_state", "pdm_job_tasks_pending");
    }

    /** Every metric name a scrape shows, with the label names of its samples. */
    private static Map<String, Set<String>> exported() throws Exception {
        Map<String, Set<String>> out = new HashMap<>();
        for (String key : Exposition.samples(Exposition.render(PdmCollectorTest.sample())).keySet()) {
            int brace = key.indexOf('{');
            Set<String> labels = out.computeIfAbsent(brace < 0 ? key : key.substring(0, brace), k -> new HashSet<>());
            Matcher l = SAMPLE_LABEL.matcher(brace < 0 ? "" : key.substring(brace));
            while (l.find()) {
                labels.add(l.group(1));
            }
        }
        return out;
    }

    private static List<String> queries() throws Exception {
        JsonNode dash = new ObjectMapper().readTree(Path.of("monitoring/grafana-dashboard.json").toFile());
        List<String> out = new ArrayList<>();
        collect(dash, out);
        return out;
    }

    private static void collect(JsonNode n, List<String> out) {
        if (n.isObject()) {
            n.fields().forEachRemaining(e -> {
                if (e.getValue().isTextual() && List.of("expr", "query", "definition").contains(e.getKey())) {
                    out.add(e.getValue().asText());
                } else if (e.getValue().isObject() && e.getKey().equals("query") && e.getValue().has("query")) {
                    out.add(e.getValue().get("query").asText());
                } else {
                    collect(e.getValue(), out);
                }
            });
        } else if (n.isArray()) {
            n.forEach(c -> collect(c, out));
        }
    }
}

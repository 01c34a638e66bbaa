package pdm.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import pdm.task.Pass;
import pdm.task.JobOptions;
import pdm.task.TaskIds;
import pdm.task.TaskKind;

/** The event log's spelling: options as task messages spell them, and strict decoding like TaskCodec's. */
class EventCodecTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB = "20261206-101842-l9ql";
    private static final JobOptions OPTIONS = new JobOptions(false, true, false, true, true, false, 5L,
            List.of("*.log", "caf\u00e9"), true);

    private static JobEvent.Submitted submitted() {
        return new JobEvent.Submitted(JOB, "sync", List.of(Pass.COPY, Pass.DELETE, Pass.DIRTIMES), "panda",
                "badger", "panda (/p)", "badger (/b)", "user_xyz", OPTIONS, 1000, "me@here");
    }

    @Test
    void aFileTasksSplitsTravelInItsDoneEventAndEventsWithoutThemStillRead() throws IOException {
        pdm.fs.FileMeta src = new pdm.fs.FileMeta(pdm.fs.FileType.FILE, 0640, 1, 2, 3L << 30, 5, 6, 7, 8, 1, 0, 9);
        String files = TaskIds.childFiles(TaskIds.root(JOB, 0), -1, 0);
        List<String> ranges = List.of(TaskIds.range(files, "big", "t", 0), TaskIds.range(files, "big", "t", 1));
        JobEvent.Split split = new JobEvent.Split(TaskIds.finish(files, "big", "t"), ranges,
                new pdm.task.FinishTask(java.nio.file.Path.of("d"), java.nio.file.Path.of("big"),
                        java.nio.file.Path.of(".pdm-tmp-x-r.y"), 11, src, null, null));
        JobEvent.Dones e = new JobEvent.Dones(JOB, List.of(new JobEvent.Done(JOB, files, TaskKind.FILES,
                List.of(new JobEvent.Child(ranges.get(0), TaskKind.RANGE, "d/big"),
                        new JobEvent.Child(ranges.get(1), TaskKind.RANGE, "d/big")),
                Counters.ZERO, List.of(), null, true, "h:1", 5, List.of(split))));

        assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
        ObjectNode o = (ObjectNode) JSON.readTree(EventCodec.encode(e));
        ((ObjectNode) o.get("tasks").get(0)).remove("splits");
        JobEvent.Dones old = (JobEvent.Dones) EventCodec.decode(JSON.writeValueAsBytes(o));
        assertThat(old.done().get(0).splits()).isEmpty();
    }

    @Test
    void aVerifyRangesFirstDifferenceAndItsVerifyFinishTravelInDoneEventsAndOldEventsReadAsNone() throws IOException {
        pdm.fs.FileMeta src = new pdm.fs.FileMeta(pdm.fs.FileType.FILE, 0640, 1, 2, 3L << 30, 5, 6, 7, 8, 1, 0, 9);
        String files = TaskIds.childFiles(TaskIds.root(JOB, 0), -1, 0);
        String range = TaskIds.range(files, "big", "", 0);
        JobEvent.Split split = new JobEvent.Split(TaskIds.finish(files, "big", ""), List.of(range),
                pdm.task.FinishTask.verify(java.nio.file.Path.of("d"), java.nio.file.Path.of("big"), src, src));
        JobEvent.Dones e = new JobEvent.Dones(JOB, List.of(
                new JobEvent.Done(JOB, files, TaskKind.FILES, List.of(new JobEvent.Child(range, TaskKind.RANGE, "d/big")),
                        Counters.ZERO, List.of(), null, true, "h:1", 5, List.of(split)),
                new JobEvent.Done(JOB, range, TaskKind.RANGE, List.of(), Counters.ZERO, List.of(), null, true, "h:2", 6,
                        List.of(), (2L << 30) + 17)));

        assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
        ObjectNode o = (ObjectNode) JSON.readTree(EventCodec.encode(e));
        assertThat(o.get("tasks").get(1).get("differs_at").asLong()).isEqualTo((2L << 30) + 17);
        assertThat(o.get("tasks").get(0).has("differs_at")).isFalse(); // (none: absent, as before verify ranges)
        ((ObjectNode) o.get("tasks").get(1)).remove("differs_at");
        JobEvent.Dones old = (JobEvent.Dones) EventCodec.decode(JSON.writeValueAsBytes(o));
        assertThat(old.done().get(1).differsAt()).isEqualTo(-1);
    }

    @Test
    void jobOptionsAreSnakeCaseAsInTaskMessages() throws IOException {
        ObjectNode o = (ObjectNode) JSON.readTree(EventCodec.encode(submitted()));

        assertThat(o.get("options").toString()).isEqualTo("{\"dry_run\":false,\"checksum\":true,\"single_file\":false,"
                + "\"fsync\":true,\"deleting\":true,\"allow_empty_source\":false,\"max_delete\":5,"
                + "\"excludes\":[\"*.log\",\"caf%E9\"],\"delete_excluded\":true}");
        assertThat(EventCodec.decode(EventCodec.encode(submitted()))).isEqualTo(submitted());
    }

    @Test
    void jobEventsOfTheOldCamelCaseSpellingStillRead() throws IOException {
        // as pdm wrote a job event before the one spelling (Jackson's record names), from a live log
        String old = "{\"e\":\"job\",\"job\":\"" + JOB + "\",\"command\":\"sync\",\"passes\":[\"copy\",\"delete\","
                + "\"dirtimes\"],\"src\":\"panda\",\"tgt\":\"badger\",\"source_text\":\"panda (/p)\",\"target_text\":"
                + "\"badger (/b)\",\"path\":\"user_xyz\",\"options\":{\"dryRun\":false,\"checksum\":true,"
                + "\"singleFile\":false,\"fsync\":true,\"deleting\":true,\"allowEmptySource\":false,\"maxDelete\":5,"
                + "\"excludes\":[\"*.log\",\"caf\u00e9\"],\"deleteExcluded\":true},\"ts\":1000,\"by\":\"me@here\"}";

        assertThat(EventCodec.decode(old.getBytes(StandardCharsets.UTF_8))).isEqualTo(submitted());
    }

    @Test
    void aJobEventMissingAFieldIsRefusedNamingIt() throws IOException {
        for (String field : List.of("job", "command", "passes", "src", "tgt", "source_text", "target_text", "path",
                "options", "ts", "by")) {
            ObjectNode o = (ObjectNode) JSON.readTree(EventCodec.encode(submitted()));
            o.remove(field);
            assertThatThrownBy(() -> EventCodec.decode(JSON.writeValueAsBytes(o))).as(field)
                    .isInstanceOf(EventCodec.BadEventException.class).hasMessageContaining(field);
        }
        for (String field : List.of("dry_run", "checksum", "single_file", "fsync", "deleting", "allow_empty_source")) {
            ObjectNode o = (ObjectNode) JSON.readTree(EventCodec.encode(submitted()));
            ((ObjectNode) o.get("options")).remove(field);
            assertThatThrownBy(() -> EventCodec.decode(JSON.writeValueAsBytes(o))).as(field)
                    .isInstanceOf(EventCodec.BadEventException.class).hasMessageContaining(field);
        }
        ObjectNode wrongType = (ObjectNode) JSON.readTree(EventCodec.encode(submitted()));
        wrongType.put("ts", "yesterday");
        assertThatThrownBy(() -> EventCodec.decode(JSON.writeValueAsBytes(wrongType)))
                .isInstanceOf(EventCodec.BadEventException.class).hasMessageContaining("ts");
    }

    @Test
    void aDoneEventMissingAFieldIsRefusedNotReadAsEmpty() throws IOException {
        JobEvent.Done d = new JobEvent.Done(JOB, TaskIds.root(JOB, 0), TaskKind.DIR, List.of(),
                Counters.ZERO, List.of(new Failure("a/b", "Permission denied")), null, true, "vm:1", 42);
        for (String field : List.of("job", "task", "kind", "children", "counters", "failures")) {
            ObjectNode o = (ObjectNode) JSON.readTree(EventCodec.encode(d));
            o.remove(field);
            assertThatThrownBy(() -> EventCodec.decode(JSON.writeValueAsBytes(o))).as(field)
                    .isInstanceOf(EventCodec.BadEventException.class).hasMessageContaining(field);
        }
        ObjectNode noError = (ObjectNode) JSON.readTree(EventCodec.encode(d));
        ((ObjectNode) noError.get("failures").get(0)).remove("error");
        assertThatThrownBy(() -> EventCodec.decode(JSON.writeValueAsBytes(noError)))
                .isInstanceOf(EventCodec.BadEventException.class).hasMessageContaining("error");
    }
}

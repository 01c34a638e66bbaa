package pdm.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import pdm.fs.AttrPolicy;
import pdm.fs.FileMeta;
import pdm.fs.FileType;
import pdm.fs.Names;
import pdm.fs.XattrScope;
import pdm.fs.linux.NameBytes;

/** The wire format: exact round trips of any name and metadata; bad messages refused with a reason. */
class TaskCodecTest {

    @Property(tries = 200)
    void fileTasksRoundTripExactly(@ForAll("names") List<byte[]> names, @ForAll("metas") FileMeta meta,
                                   @ForAll("dirs") byte[] dir) throws BadMessageException {
        List<WorkItem> items = new ArrayList<>();
        WorkItem.Op[] ops = WorkItem.Op.values();
        for (int i = 0; i < names.size(); i++) {
            items.add(new WorkItem(NameBytes.path(names.get(i)), ops[i % ops.length], i % 2 == 0 ? meta : null, meta));
        }
        TaskMessage m = new TaskMessage("job-1", TaskIds.root("job-1", names.size()), Pass.COPY, "panda", "badger",
                new JobOptions(true, false, false, false), Names.ROOT, new FileTask(NameBytes.path(dir), meta, null, items));

        TaskMessage back = decodeOne(TaskCodec.encode(List.of(m)));

        assertThat(back).isEqualTo(m);
        FileTask f = (FileTask) back.task();
        for (int i = 0; i < names.size(); i++) {
            assertThat(NameBytes.bytes(f.items().get(i).name())).isEqualTo(names.get(i));
        }
        assertThat(NameBytes.bytes(f.dir())).isEqualTo(dir);
    }

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void rangeAndFinishTasksRoundTripExactly(@ForAll("names") List<byte[]> names, @ForAll("metas") FileMeta meta,
                                            @ForAll("dirs") byte[] dir) throws BadMessageException {
        Path name = NameBytes.path(names.get(0));
        Path d = NameBytes.path(dir);
        String files = TaskIds.childFiles(TaskIds.root("job-1", 0), -1, 0);
        TaskMessage range = new TaskMessage("job-1", TaskIds.range(files, WirePaths.encode(name), "t", 3), Pass.COPY,
                "panda", "badger", JobOptions.DEFAULT, Names.ROOT,
                new RangeTask(d, name, Path.of(".pdm-tmp-" + files + "-r.0123456789abcdef"), 4242, meta, 3L << 26, 4L << 26));
        TaskMessage finish = new TaskMessage("job-1", TaskIds.finish(files, WirePaths.encode(name), "t"), Pass.COPY,
                "panda", "badger", JobOptions.DEFAULT, Names.ROOT,
                new FinishTask(d, name, Path.of(".pdm-tmp-x-r.y"), 4242, meta, names.size() > 1 ? meta : null,
                        names.size() > 2 ? "not placed, as a range of it failed: EIO" : null));

        assertThat(decodeOne(TaskCodec.encode(List.of(range)))).isEqualTo(range);
        assertThat(decodeOne(TaskCodec.encode(List.of(finish)))).isEqualTo(finish);
        // (a redelivered file task derives the same ids; another range or file, others)
        assertThat(TaskIds.range(files, WirePaths.encode(name), "t", 3)).isEqualTo(range.taskId())
                .isNotEqualTo(TaskIds.range(files, WirePaths.encode(name), "t", 4));
    }

    @Property(tries = 100, edgeCases = EdgeCasesMode.NONE)
    void verifyRangeAndFinishTasksRoundTripExactly(@ForAll("names") List<byte[]> names, @ForAll("metas") FileMeta meta,
                                                  @ForAll("dirs") byte[] dir) throws BadMessageException {
        Path name = NameBytes.path(names.get(0));
        Path d = NameBytes.path(dir);
        String files = TaskIds.childFiles(TaskIds.root("job-1", 0), -1, 0);
        TaskMessage range = new TaskMessage("job-1", TaskIds.range(files, WirePaths.encode(name), "", 3), Pass.VERIFY,
                "panda", "badger", JobOptions.DEFAULT, Names.ROOT, RangeTask.verify(d, name, meta, meta, 3L << 26, 4L << 26));
        FinishTask f = FinishTask.verify(d, name, meta, meta);
        f = names.size() > 1 ? f.differing((3L << 26) + 5) : f;
        f = names.size() > 2 ? f.discarded("not compared whole, as a range of it failed: EIO") : f;
        TaskMessage finish = new TaskMessage("job-1", TaskIds.finish(files, WirePaths.encode(name), ""), Pass.VERIFY,
                "panda", "badger", JobOptions.DEFAULT, Names.ROOT, f);

        assertThat(decodeOne(TaskCodec.encode(List.of(range)))).isEqualTo(range);
        assertThat(decodeOne(TaskCodec.encode(List.of(finish)))).isEqualTo(finish);
        assertThat(((RangeTask) decodeOne(TaskCodec.encode(List.of(range))).task()).verifies()).isTrue();
    }

    @Test
    void aRangeWithoutAnOpIsACopyRangeAsBeforeVerifyRangesAndAnUnknownOpIsRefused() throws BadMessageException {
        String head = "{\"v\":3,\"job\":\"j\",\"action\":\"copy\",\"src\":\"a\",\"tgt\":\"b\",\"job_path\":\"\","
                + "\"options\":{\"dry_run\":false,\"checksum\":false,\"single_file\":false,\"fsync\":false,"
                + "\"deleting\":false,\"allow_empty_source\":false},\"tasks\":[{\"task\":\"0123456789abcdef\","
                + "\"range\":{\"dir\":\"d\",\"name\":\"f\",\"temp\":\"t\",\"temp_ino\":1,"
                + "\"src\":{\"type\":\"file\",\"perms\":420,\"uid\":0,\"gid\":0,\"size\":9,\"mtime_ns\":1,"
                + "\"atime_ns\":1,\"ino\":2,\"dev\":3,\"nlink\":1,\"rdev\":0,\"ctime_ns\":1},\"from\":0,\"to\":9";
        TaskMessage old = decodeOne((head + "}}]}").getBytes(StandardCharsets.UTF_8));
        RangeTask r = (RangeTask) old.task();
        assertThat(r.verifies()).isFalse();
        assertThat(r.temp()).isEqualTo(Path.of("t"));
        assertRefused(head + ",\"op\":\"checksum\"}}]}", "unknown range op 'checksum'");
        assertRefused(head + ",\"op\":\"verify\"}}]}", "a verify 'range' needs 'tgt'");
    }

    @Test
    void aRangeOutsideItsFileIsRefused() {
        assertRefused("{\"v\":3,\"job\":\"j\",\"action\":\"copy\",\"src\":\"a\",\"tgt\":\"b\",\"job_path\":\"\","
                + "\"options\":{\"dry_run\":false,\"checksum\":false,\"single_file\":false,\"fsync\":false,"
                + "\"deleting\":false,\"allow_empty_source\":false},\"tasks\":[{\"task\":\"0123456789abcdef\","
                + "\"range\":{\"dir\":\"d\",\"name\":\"f\",\"temp\":\"t\",\"temp_ino\":1,\"src\":null,\"from\":5,\"to\":5}}]}",
                "'range' needs 'src'");
    }

    @Test
    void dirTaskOfTheRootRoundTrips() throws BadMessageException {
        TaskMessage m = new TaskMessage("j", TaskIds.root("j", 0), Pass.DELETE, "a", "b", JobOptions.DEFAULT,
                Names.ROOT, new DirTask(Names.ROOT, null, null));

        TaskMessage back = decodeOne(TaskCodec.encode(List.of(m)));

        assertThat(back.task()).isInstanceOf(DirTask.class);
        assertThat(Names.isRoot(((DirTask) back.task()).rel())).isTrue();
        assertThat(back.pass()).isEqualTo(Pass.DELETE);
    }

    @Test
    void removalGuardsTravelAndVersionOneMessagesKeepTheirMeaning() throws BadMessageException {
        JobOptions guarded = new JobOptions(false, false, false, false, true, true, 25L);
        TaskMessage m = new TaskMessage("j", TaskIds.root("j", 0), Pass.DELETE, "a", "b", guarded,
                Names.ROOT, new DirTask(Names.ROOT, null, null));

        assertThat(decodeOne(TaskCodec.encode(List.of(m))).options()).isEqualTo(guarded);

        // what a worker of this version reads from a client of version 1: no guard, no cap, one task per message
        String v1 = "{\"v\":1,\"job\":\"j\",\"task\":\"" + TaskIds.root("j", 0) + "\",\"action\":\"delete\","
                + "\"src\":\"a\",\"tgt\":\"b\",\"job_path\":\"\",\"options\":{\"dry_run\":false,\"checksum\":false,"
                + "\"single_file\":false,\"fsync\":false},\"dir\":{\"path\":\"\",\"src_id\":null,\"tgt_id\":null}}";
        TaskMessage old = decodeOne(v1.getBytes(StandardCharsets.UTF_8));
        assertThat(old.options()).isEqualTo(JobOptions.DEFAULT);
        assertThat(old.taskId()).isEqualTo(TaskIds.root("j", 0));
        assertThat(decodeOne(v1.replace("\"v\":1", "\"v\":2").replace("\"fsync\":false",
                "\"fsync\":false,\"deleting\":true,\"allow_empty_source\":false").getBytes(StandardCharsets.UTF_8))
                .options().deleting()).isTrue();
        byte[] negative = new String(TaskCodec.encode(List.of(m)), StandardCharsets.UTF_8)
                .replace("\"max_delete\":25", "\"max_delete\":-1").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decodeOne(negative))
                .isInstanceOf(BadMessageException.class).hasMessageContaining("max_delete");
    }

    @Test
    void theAttributePolicyTravelsOnlyWhenTheJobDropsSome() throws BadMessageException {
        JobOptions dropping = JobOptions.DEFAULT.withAttrs(new AttrPolicy(XattrScope.USER, false, true));
        TaskMessage m = new TaskMessage("j", TaskIds.root("j", 0), Pass.COPY, "a", "b", dropping,
                Names.ROOT, new DirTask(Names.ROOT, null, null));

        String wire = new String(TaskCodec.encode(List.of(m)), StandardCharsets.UTF_8);

        assertThat(wire).contains("\"attrs\":{\"xattrs\":\"user\",\"acls\":false,\"flags\":true}");
        assertThat(decodeOne(wire.getBytes(StandardCharsets.UTF_8)).options()).isEqualTo(dropping);
        String plain = new String(TaskCodec.encode(List.of(new TaskMessage("j", TaskIds.root("j", 0), Pass.COPY, "a",
                "b", JobOptions.DEFAULT, Names.ROOT, new DirTask(Names.ROOT, null, null)))), StandardCharsets.UTF_8);
        assertThat(plain).doesNotContain("attrs");
        assertThat(decodeOne(plain.getBytes(StandardCharsets.UTF_8)).options().attrs()).isEqualTo(AttrPolicy.ALL);
        byte[] bad = wire.replace("\"user\"", "\"some\"").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decodeOne(bad))
                .isInstanceOf(BadMessageException.class).hasMessageContaining("xattrs must be");
    }

    @Test
    void excludesTravelAsExactBytesAndOnlyWhenTheJobHasThem() throws BadMessageException {
        String latin1 = new String(new byte[]{'c', 'a', 'f', (byte) 0xe9, '*'}, StandardCharsets.ISO_8859_1);
        JobOptions filtered = JobOptions.DEFAULT.withExcludes(List.of("*.log", "/cache/", latin1, "a b%"), true);
        TaskMessage m = new TaskMessage("j", TaskIds.root("j", 0), Pass.DELETE, "a", "b", filtered,
                Names.ROOT, new DirTask(Names.ROOT, null, null));

        String wire = new String(TaskCodec.encode(List.of(m)), StandardCharsets.UTF_8);

        assertThat(wire).contains("\"v\":3").contains("\"excludes\":[\"*.log\",\"/cache/\",\"caf%E9*\",\"a%20b%25\"]")
                .contains("\"delete_excluded\":true");
        assertThat(decodeOne(wire.getBytes(StandardCharsets.UTF_8)).options()).isEqualTo(filtered);
        // a job without them says nothing of them
        String plain = new String(TaskCodec.encode(List.of(new TaskMessage("j", TaskIds.root("j", 0), Pass.COPY, "a", "b",
                JobOptions.DEFAULT, Names.ROOT, new DirTask(Names.ROOT, null, null)))), StandardCharsets.UTF_8);
        assertThat(plain).contains("\"v\":3").doesNotContain("excludes");
        byte[] badList = wire.replace("\"excludes\":[", "\"excludes\":[7,").getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> decodeOne(badList))
                .isInstanceOf(BadMessageException.class).hasMessageContaining("excludes");
    }

    @Test
    void dirMetaTasksRoundTripAndIdsAreDerivedNotRandom() throws BadMessageException {
        String dirId = TaskIds.childDir(TaskIds.root("j", 0), "a");
        TaskMessage m = new TaskMessage("j", TaskIds.dirMeta(dirId), Pass.DIRTIMES, "a", "b", JobOptions.DEFAULT,
                Path.of("a"), new DirMetaTask(Path.of("a/b")));

        assertThat(decodeOne(TaskCodec.encode(List.of(m)))).isEqualTo(m);
        assertThat(TaskIds.childDir(TaskIds.root("j", 0), "a")).isEqualTo(dirId)
                .isNotEqualTo(TaskIds.childDir(TaskIds.root("j", 1), "a"));
        assertThat(TaskIds.toHex(TaskIds.toLong(dirId))).isEqualTo(dirId);
    }

    @Test
    void encodingIsReadableForPlainNamesAndEscapesTheRest() {
        byte[] weird = "caf\u00e9 x\n%".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(WirePaths.encode(Path.of("user_xyz/data.txt"))).isEqualTo("user_xyz/data.txt");
        assertThat(WirePaths.encode(NameBytes.path(weird))).isEqualTo("caf%E9%20x%0A%25");
    }

    @Test
    void badMessagesAreRefusedWithAReason() {
        String ok = new String(TaskCodec.encode(List.of(new TaskMessage("j", TaskIds.root("j", 0), Pass.COPY, "a", "b", JobOptions.DEFAULT,
                Path.of("x"), new DirTask(Path.of("x"), null, null)))), StandardCharsets.UTF_8);

        assertRefused("{not json", "not JSON");
        assertRefused("[1,2]", "not a JSON object");
        assertRefused(ok.replace("\"v\":3", "\"v\":4"), "version 4 is not supported");
        assertRefused(ok.replace("\"tasks\":[", "\"tasks\":[7,"), "must be an object");
        assertRefused(ok.replaceAll("\"tasks\":\\[.*\\]", "\"tasks\":[]"), "non-empty array");
        assertRefused(ok.replace("\"copy\"", "\"shred\""), "unknown action 'shred'");
        assertRefused(ok.replace("\"path\":\"x\"", "\"path\":\"../etc\""), "'..'");
        assertRefused(ok.replace("\"path\":\"x\"", "\"path\":\"/etc\""), "absolute");
        assertRefused(ok.replace("\"path\":\"x\"", "\"path\":\"a//b\""), "empty component");
        assertRefused(ok.replace("\"path\":\"x\"", "\"path\":\"a%00b\""), "NUL");
        assertRefused(ok.replace("\"path\":\"x\"", "\"path\":\"a%G0\""), "bad %XX escape");
        assertRefused(ok.replace("\"path\":\"x\"", "\"path\":\"a%2\""), "ends inside");
        assertRefused(ok.replace("\"job\":\"j\",", ""), "'job' must be a string");
        assertRefused(ok.replace("\"dir\":{", "\"files\":{\"items\":[]},\"dir\":{"), "exactly one");
        assertRefused(ok.replace("\"job_path\":\"x\"", "\"job_path\":\"y\""), "outside the job PATH");
        assertRefused(ok.replace("\"job_path\":\"x\"", "\"job_path\":\"x/deeper\""), "outside the job PATH");
        assertRefused(ok.replace(TaskIds.root("j", 0), "t1"), "16 lowercase hex digits");
    }

    /** Version 3: one message, many tasks of one job and pass, each with its own id. */
    @Test
    void aBatchOfTasksTravelsInOneMessage() throws BadMessageException {
        String parent = TaskIds.root("j", 0);
        List<TaskMessage> batch = List.of(
                new TaskMessage("j", TaskIds.childDir(parent, "a"), Pass.COPY, "a", "b", JobOptions.DEFAULT,
                        Names.ROOT, new DirTask(Path.of("a"), null, null)),
                new TaskMessage("j", TaskIds.childFiles(parent, -1, 0), Pass.COPY, "a", "b", JobOptions.DEFAULT,
                        Names.ROOT, new FileTask(Path.of("b"), null, null,
                        List.of(new WorkItem(Path.of("f"), WorkItem.Op.COPY, null, null)))),
                new TaskMessage("j", TaskIds.dirMeta(parent), Pass.COPY, "a", "b", JobOptions.DEFAULT,
                        Names.ROOT, new DirMetaTask(Path.of("c/d"))));

        byte[] body = TaskCodec.encode(batch);

        assertThat(TaskCodec.decodeAll(body)).isEqualTo(batch);
        assertThat(TaskCodec.peekIds(body)).isEqualTo(new TaskCodec.Ids("j", batch.stream().map(TaskMessage::taskId).toList()));
        TaskMessage otherJob = new TaskMessage("k", parent, Pass.COPY, "a", "b", JobOptions.DEFAULT, Names.ROOT,
                new DirTask(Names.ROOT, null, null));
        assertThatThrownBy(() -> TaskCodec.encode(List.of(batch.get(0), otherJob)))
                .isInstanceOf(IllegalArgumentException.class);
        // one task outside the job PATH refuses the whole message
        String bad = new String(body, StandardCharsets.UTF_8).replace("\"path\":\"c/d\"", "\"path\":\"../x\"");
        assertRefused(bad, "'..'");
    }

    @Test
    void entryNamesAreSingleComponents() {
        assertThatThrownBy(() -> WirePaths.decodeName("a/b")).isInstanceOf(BadMessageException.class)
                .hasMessageContaining("one component");
        assertThatThrownBy(() -> WirePaths.decodeName("..")).isInstanceOf(BadMessageException.class);
    }

    /** The one task of a message that must carry one. */
    private static TaskMessage decodeOne(byte[] body) throws BadMessageException {
        List<TaskMessage> all = TaskCodec.decodeAll(body);
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static void assertRefused(String body, String reason) {
        assertThatThrownBy(() -> decodeOne(body.getBytes(StandardCharsets.UTF_8)))
                .as(body)
                .isInstanceOf(BadMessageException.class)
                .hasMessageContaining(reason);
    }

    @Provide
    Arbitrary<List<byte[]>> names() {
        return name().list().ofMinSize(1).ofMaxSize(20);
    }

    @Provide
    Arbitrary<byte[]> dirs() {
        return name().list().ofMinSize(1).ofMaxSize(5).map(parts -> {
            List<Byte> out = new ArrayList<>();
            for (byte[] p : parts) {
                if (!out.isEmpty()) {
                    out.add((byte) '/');
                }
                for (byte b : p) {
                    out.add(b);
                }
            }
            byte[] b = new byte[out.size()];
            for (int i = 0; i < b.length; i++) {
                b[i] = out.get(i);
            }
            return b;
        });
    }

    private static Arbitrary<byte[]> name() {
        return Arbitraries.bytes().filter(b -> b != 0 && b != '/').array(byte[].class).ofMinSize(1).ofMaxSize(255)
                .filter(b -> !Arrays.equals(b, new byte[]{'.'}) && !Arrays.equals(b, new byte[]{'.', '.'}));
    }

    @Provide
    Arbitrary<FileMeta> metas() {
        Arbitrary<FileType> type = Arbitraries.of(FileType.class);
        Arbitrary<Integer> perms = Arbitraries.integers().between(0, 07777);
        Arbitrary<Integer> id = Arbitraries.integers();
        Arbitrary<Long> any = Arbitraries.longs();
        Arbitrary<Integer> locks = Arbitraries.of(FileMeta.UNKNOWN_LOCKS, 0, 0x10, 0x20, 0x30);
        return Combinators.combine(type, perms, id, id, any, any, any, locks).as((t, p, u, g, size, mtime, ino, l) ->
                new FileMeta(t, p, u, g, size, mtime, mtime ^ 12345, ino >>> 3, ino, u & 0xffff, size ^ ino, mtime ^ 777, l));
    }
}

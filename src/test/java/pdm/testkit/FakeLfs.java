package pdm.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The recording stand-in for Lustre's {@code lfs} (src/test/resources/pdm/testkit/fake-lfs.py),
 * installed in a test's temp dir: it logs every call and keeps layouts in a store keyed by
 * device and inode, outside the trees pdm copies. No Lustre exists where the tests run.
 */
public final class FakeLfs {
    private static final ObjectMapper JSON = new ObjectMapper();

    public final Path script;
    public final Path log;
    public final Path store;

    /** One call: its arguments, each path argument resolved when it was made, and what it created. */
    public record Call(List<String> argv, Map<String, String> paths, Long createdIno, String error) {
        public String command() {
            return argv.get(0);
        }

        /** The file or directory the call was about, resolved (the last argument). */
        public Path target() {
            return Path.of(paths.get(argv.get(argv.size() - 1)));
        }
    }

    private FakeLfs(Path dir) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("lfs-bin"));
        this.script = bin.resolve("lfs");
        this.log = dir.resolve("lfs.log");
        this.store = Files.createDirectories(dir.resolve("lfs-store"));
        String text;
        try (InputStream in = FakeLfs.class.getResourceAsStream("fake-lfs.py")) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "/usr/bin/env python3";
        text = text.replaceFirst("#!.*", "#!" + python)
                .replace("@LOG@", log.toString()).replace("@STORE@", store.toString());
        Files.writeString(script, text);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(log, "");
    }

    public static FakeLfs install(Path dir) {
        try {
            return new FakeLfs(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every call so far, oldest first. */
    public List<Call> calls() {
        try {
            List<Call> out = new ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                JsonNode n = JSON.readTree(line);
                List<String> argv = new ArrayList<>();
                n.get("argv").forEach(a -> argv.add(a.asText()));
                Map<String, String> paths = new TreeMap<>();
                n.get("paths").fields().forEachRemaining(e -> paths.put(e.getKey(), e.getValue().asText()));
                out.add(new Call(argv, paths, n.has("created_ino") ? n.get("created_ino").asLong() : null,
                        n.has("error") ? n.get("error").asText() : null));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The calls of one lfs command (setstripe, mkdir, getstripe). */
    public List<Call> calls(String command) {
        return calls().stream().filter(c -> c.command().equals(command)).toList();
    }

    /** Runs the stand-in as a test sets up a source ({@code setstripe -c 4 FILE}); returns its stdout. */
    public String run(String... args) {
        try {
            List<String> cmd = new ArrayList<>(List.of(script.toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new AssertionError("lfs " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    /** What the store holds for a file or directory: {layout: [...]}, {default: [...]}, {mdt: N}; empty when nothing. */
    public JsonNode record(Path p) {
        Path f = recordFile(p);
        try {
            return Files.exists(f) ? JSON.readTree(f.toFile()) : JSON.createObjectNode();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Changes what the store says of {@code p}, as a later {@code lfs migrate} on the target would. */
    public void setRecord(Path p, String key, JsonNode value) {
        ObjectNode n = (ObjectNode) record(p);
        n.set(key, value);
        try {
            Files.writeString(recordFile(p), n.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Logs a changelog record of the stand-in's MDT as Lustre would for a change the test just
     * made: {@code type} (CREAT, MKDIR, UNLNK, RENME, CLOSE, SATTR...), the target and its parent
     * directory, and for RENME the source name's parent. Returns the record number.
     */
    public long changelog(String type, Path target, Path parent, Path renamedFrom) {
        try {
            Path f = store.resolve("changelog");
            long recno = Files.exists(f) ? Files.readAllLines(f).size() + 1 : 1;
            String[] types = {"MARK", "CREAT", "MKDIR", "HLINK", "SLINK", "MKNOD", "UNLNK", "RMDIR", "RENME",
                    "RNMTO", "OPEN", "CLOSE", "LYOUT", "TRUNC", "SATTR", "XATTR", "HSM", "MTIME", "CTIME"};
            int code = List.of(types).indexOf(type);
            StringBuilder line = new StringBuilder().append(recno).append(' ')
                    .append(String.format("%02d%s", code, type)).append(" 13:25:11.4963 2026.12.06 0x0");
            line.append(" t=").append(target == null || !Files.exists(target, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                    ? "[0x0:0x0:0x0]" : fid(target));
            line.append(" ef=0xf u=0:0 nid=0@lo");
            if (parent != null) {
                line.append(" p=").append(fid(parent)).append(' ').append(target.getFileName());
            }
            if (renamedFrom != null) {
                line.append(" s=").append(fid(target)).append(" sp=").append(fid(renamedFrom.getParent())).append(' ')
                        .append(renamedFrom.getFileName());
            }
            Files.writeString(f, line + "\n", java.nio.file.StandardOpenOption.CREATE,
                    java.nio.file.StandardOpenOption.APPEND);
            return recno;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last record {@code user} cleared, or -1. */
    public long cleared(String user) {
        try {
            Path f = store.resolve("cleared-" + user);
            return Files.exists(f) ? Long.parseLong(Files.readString(f).strip()) : -1;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fid(Path p) {
        return "[0x200000400:0x" + Long.toHexString(ino(p)) + ":0x0]";
    }

    /** From now on every call whose arguments contain {@code match} fails, as lfs does when Lustre says no. */
    public void failWhen(String match) {
        try {
            Files.writeString(store.resolve("fail"), match + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long ino(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:ino")).longValue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path recordFile(Path p) {
        try {
            long dev = ((Number) Files.getAttribute(p, "unix:dev")).longValue();
            return store.resolve(dev + "-" + ino(p) + ".json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

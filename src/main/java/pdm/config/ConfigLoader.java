package pdm.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.Secrets;

/**
 * Finds and reads config.toml: {@code --config PATH}, else {@code ./config.toml}, else
 * {@code ~/.pdm/config.toml}, else defaults. Every value is checked; an error names the
 * file, line and key, and pdm never starts half-configured. Unknown keys are warnings.
 */
public final class ConfigLoader {
    private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    /** Keys of sdsc/pdm's example config that this pdm accepts but does not use (a warning says so). */
    private static final Set<String> SEED_ONLY = Set.of("tika_jar", "elastic_index", "copy", "scan", "scan_update",
            "mds", "recognise_types", "purge_files_older_days");

    /** The tables of config.toml. */
    private enum Table { TOP, RABBITMQ, DATASOURCE, LUSTRE }

    /**
     * Every key pdm reads, once: the reads below name these, and a key a table has that is not
     * here is unknown (a warning naming it). LUSTRE keys are keys of a datasource of type = "lustre".
     */
    private enum Key {
        DIR_WORKERS(Table.TOP), FILE_WORKERS(Table.TOP), FILE_PREFETCH(Table.TOP), DIR_PREFETCH(Table.TOP),
        MONITOR_INTERVAL(Table.TOP), MONITOR_MOUNT_SEC(Table.TOP), DEBUG(Table.TOP), ELASTIC_URL(Table.TOP),
        FILES_PER_TASK(Table.TOP), MAX_DELETE(Table.TOP), BWLIMIT(Table.TOP), MAX_FILES_PER_SECOND(Table.TOP),
        SPLIT_SIZE(Table.TOP), CHUNK_SIZE(Table.TOP), RABBITMQ(Table.TOP), DATASOURCE(Table.TOP),
        CONNECT_STRING(Table.RABBITMQ), QUEUE_SHARDS(Table.RABBITMQ),
        TYPE(Table.DATASOURCE), PATH(Table.DATASOURCE), MOUNT(Table.DATASOURCE), WRITE(Table.DATASOURCE),
        SKIP_FILES_NEWER_MINUTES(Table.DATASOURCE), SKIP_FILES_OLDER_MINUTES(Table.DATASOURCE),
        SKIP_FILES_LARGER_GB(Table.DATASOURCE), SKIP_PATHS(Table.DATASOURCE), XATTRS(Table.DATASOURCE),
        STRIPE(Table.LUSTRE), STRIPE_THRESHOLDS(Table.LUSTRE), MDS(Table.LUSTRE), LFS_PATH(Table.LUSTRE),
        CHANGELOG_USER(Table.LUSTRE);

        final Table table;
        /** As config.toml spells it. */
        final String text;

        Key(Table table) {
            this.table = table;
            this.text = name().toLowerCase(Locale.ROOT);
        }

        static boolean known(String text, Table... tables) {
            for (Key k : values()) {
                if (k.text.equals(text) && List.of(tables).contains(k.table)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A size: digits and an optional unit, said outright: KB, MB, GB, TB, PB are powers of 1000;
     * KiB, MiB, GiB, TiB, PiB and lfs's own K, M, G, T, P (either case, as lfs takes them) are
     * powers of 1024.
     */
    private static final Pattern SIZE = Pattern.compile("(\\d{1,15}) ?([KMGTPkmgtp]|[KMGTP]i?B)?");

    private final List<String> warnings = new ArrayList<>();

    /** Loads the config the way the CLI does; {@code explicit} is the --config value or null. */
    public PdmConfig load(Path explicit) {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new ConfigException("config file " + explicit + " (from --config) does not exist or is not a file");
            }
            return read(explicit);
        }
        Path local = Path.of("config.toml");
        if (Files.isRegularFile(local)) {
            return read(local.toAbsolutePath());
        }
        String home = System.getProperty("user.home");
        if (home != null) {
            Path user = Path.of(home, ".pdm", "config.toml");
            if (Files.isRegularFile(user)) {
                return read(user);
            }
        }
        return PdmConfig.defaults();
    }

    /** Warnings of the last load (also logged). */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    public PdmConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
        }
        return parse(file, text);
    }

    PdmConfig parse(Path file, String text) {
        JsonNode root;
        try {
            root = new TomlMapper().readTree(text);
        } catch (JsonProcessingException e) {
            int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
            throw new ConfigException(file + (line > 0 ? " line " + line : "") + ": not valid TOML: "
                    + e.getOriginalMessage());
        }
        Reader r = new Reader(file, text);
        PdmConfig d = PdmConfig.defaults();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Key.known(key, Table.TOP)) {
                r.unknown(null, key);
            }
        }
        JsonNode rabbit = r.table(root, null, Key.RABBITMQ);
        if (rabbit != null) {
            for (Iterator<String> it = rabbit.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!Key.known(key, Table.RABBITMQ)) {
                    r.unknown("rabbitmq", key);
                }
            }
        }
        Map<String, DataSource> sources = new LinkedHashMap<>();
        JsonNode ds = r.table(root, null, Key.DATASOURCE);
        if (ds != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = ds.fields(); it.hasNext(); ) {
                var e = it.next();
                sources.put(e.getKey(), datasource(r, e.getKey(), e.getValue()));
            }
        }
        return new PdmConfig(Optional.of(file),
                r.positiveInt(root, null, Key.DIR_WORKERS, d.dirWorkers(), PdmConfig.MAX_WORKERS),
                r.positiveInt(root, null, Key.FILE_WORKERS, d.fileWorkers(), PdmConfig.MAX_WORKERS),
                r.positiveInt(root, null, Key.FILE_PREFETCH, d.filePrefetch()),
                r.positiveInt(root, null, Key.DIR_PREFETCH, d.dirPrefetch()),
                r.positiveInt(root, null, Key.MONITOR_INTERVAL, d.monitorInterval()),
                r.positiveInt(root, null, Key.MONITOR_MOUNT_SEC, d.monitorMountSec()),
                r.bool(root, null, Key.DEBUG, false),
                Optional.ofNullable(r.string(root, null, Key.ELASTIC_URL, null)).filter(s -> !s.isBlank()),
                r.positiveInt(root, null, Key.FILES_PER_TASK, d.filesPerTask()),
                r.optionalCount(root, null, Key.MAX_DELETE),
                Optional.ofNullable(rabbit == null ? null : r.string(rabbit, "rabbitmq", Key.CONNECT_STRING, null))
                        .filter(s -> !s.isBlank()),
                sources,
                r.rate(root, null, Key.BWLIMIT),
                r.optionalCount(root, null, Key.MAX_FILES_PER_SECOND).orElse(0L),
                rabbit == null ? d.queueShards() : r.queueShards(rabbit),
                r.split(root));
    }

    private DataSource datasource(Reader r, String name, JsonNode t) {
        String section = "datasource." + name;
        if (!NAME.matcher(name).matches()) {
            throw r.error(section, null, "filesystem name '" + name + "' may only use letters, digits, '_' and '-' "
                    + "(it becomes part of queue names)");
        }
        if (!t.isObject()) {
            throw r.error(null, Key.DATASOURCE.text, "[datasource." + name + "] must be a table");
        }
        for (Iterator<String> it = t.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Key.known(key, Table.DATASOURCE, Table.LUSTRE)) {
                r.unknown(section, key);
            }
        }
        String type = r.string(t, section, Key.TYPE, null);
        if (type == null) {
            throw r.error(section, null, "[" + section + "] needs type = \"posix\" or \"lustre\"");
        }
        if (!type.equals("posix") && !type.equals("lustre")) {
            throw r.error(section, Key.TYPE.text, "type must be \"posix\" or \"lustre\", not \"" + type + "\"");
        }
        String path = r.string(t, section, Key.PATH, null);
        if (path == null) {
            throw r.error(section, null, "[" + section + "] needs path = \"/mount/point\"");
        }
        if (!path.startsWith("/")) {
            throw r.error(section, Key.PATH.text, "path must be absolute, not \"" + path + "\"");
        }
        LustreOptions lustre = null;
        if (type.equals("lustre")) {
            lustre = lustre(r, section, t);
        } else {
            for (Key key : Key.values()) {
                if (key.table == Table.LUSTRE && t.has(key.text)) {
                    throw r.error(section, key.text, key.text + " is a key of Lustre filesystems; set type = \"lustre\" "
                            + "or remove it");
                }
            }
        }
        String xattrs = r.string(t, section, Key.XATTRS, null);
        if (xattrs != null && !List.of("all", "user", "none").contains(xattrs)) {
            throw r.error(section, Key.XATTRS.text, "xattrs must be \"all\", \"user\" or \"none\", not \"" + xattrs
                    + "\"");
        }
        return new DataSource(name, type, Path.of(path), r.bool(t, section, Key.MOUNT, false),
                r.bool(t, section, Key.WRITE, false),
                r.nonNegativeLong(t, section, Key.SKIP_FILES_NEWER_MINUTES),
                r.nonNegativeLong(t, section, Key.SKIP_FILES_OLDER_MINUTES),
                r.nonNegativeDouble(t, section, Key.SKIP_FILES_LARGER_GB), lustre,
                r.strings(t, section, Key.SKIP_PATHS), xattrs);
    }

    private static LustreOptions lustre(Reader r, String section, JsonNode t) {
        LustreOptions d = LustreOptions.defaults();
        String stripeText = r.string(t, section, Key.STRIPE, d.stripe().key());
        LustreOptions.Stripe stripe = null;
        for (LustreOptions.Stripe s : LustreOptions.Stripe.values()) {
            if (s.key().equals(stripeText)) {
                stripe = s;
            }
        }
        if (stripe == null) {
            throw r.error(section, Key.STRIPE.text, "stripe must be \"size\", \"source\" or \"none\", not \"" + stripeText + "\"");
        }
        List<LustreOptions.Threshold> thresholds = d.thresholds();
        JsonNode th = t.get(Key.STRIPE_THRESHOLDS.text);
        if (th != null) {
            if (!th.isObject() || th.isEmpty()) {
                throw r.error(section, Key.STRIPE_THRESHOLDS.text, "stripe_thresholds must be a table of SIZE = STRIPE_COUNT, "
                        + "e.g. { \"10GB\" = 5, \"100GB\" = 10 }, not " + Reader.shown(th));
            }
            thresholds = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = th.fields(); it.hasNext(); ) {
                var e = it.next();
                thresholds.add(new LustreOptions.Threshold(size(r, section, e.getKey()), stripeCount(r, section, e)));
            }
        }
        int mds = 0;
        JsonNode m = t.get(Key.MDS.text);
        if (m != null) {
            if (!m.isIntegralNumber() || m.asLong() < 1 || m.asLong() > 4096) {
                throw r.error(section, Key.MDS.text, "mds must be the number of MDTs to spread top-level directories over, "
                        + "from 1 to 4096, not " + Reader.shown(m));
            }
            mds = m.asInt();
        }
        String lfs = r.string(t, section, Key.LFS_PATH, d.lfs());
        if (lfs.isBlank() || lfs.contains("\0") || (lfs.contains("/") && !lfs.startsWith("/"))) {
            throw r.error(section, Key.LFS_PATH.text, "lfs_path must be an absolute path or a command name on PATH, not \""
                    + lfs + "\"");
        }
        String user = r.string(t, section, Key.CHANGELOG_USER, null);
        if (user != null && !user.matches("cl[0-9]+(-[A-Za-z0-9_.]+)?")) {
            throw r.error(section, Key.CHANGELOG_USER.text, "changelog_user must be a changelog user as lctl "
                    + "changelog_register names it (cl1, or cl1-name), not \"" + user + "\"");
        }
        return new LustreOptions(stripe, thresholds, mds, lfs, user);
    }

    /** "10GB", "10GiB" or "10G" as bytes (see {@link #SIZE}). */
    private static long size(Reader r, String section, String text) {
        var mt = SIZE.matcher(text.strip());
        if (!mt.matches()) {
            throw r.error(section, Key.STRIPE_THRESHOLDS.text, "stripe_thresholds: \"" + text + "\" is not a size; write "
                    + "digits and a unit: GB, TB (powers of 1000, as the original pdm counts), or GiB, TiB and "
                    + "lfs's G, T (powers of 1024), e.g. \"10GB\"");
        }
        long n = Long.parseLong(mt.group(1));
        long factor = SizeText.factor(mt.group(2) == null ? "" : mt.group(2).toUpperCase(Locale.ROOT));
        if (n > Long.MAX_VALUE / factor) {
            throw r.error(section, Key.STRIPE_THRESHOLDS.text, "stripe_thresholds: \"" + text + "\" is too large");
        }
        return n * factor;
    }

    private static int stripeCount(Reader r, String section, Map.Entry<String, JsonNode> e) {
        JsonNode n = e.getValue();
        if (!n.isIntegralNumber() || (n.asLong() != -1 && (n.asLong() < 1 || n.asLong() > 2000))) {
            throw r.error(section, Key.STRIPE_THRESHOLDS.text, "stripe_thresholds: the stripe count of \"" + e.getKey()
                    + "\" must be from 1 to 2000, or -1 for every OST, not " + Reader.shown(n));
        }
        return n.asInt();
    }

    /** Typed reads that know where each key is written, for messages. */
    private final class Reader {
        private final Path file;
        private final String[] lines;

        Reader(Path file, String text) {
            this.file = file;
            this.lines = text.split("\n", -1);
        }

        void unknown(String section, String key) {
            String where = where(section, key);
            String msg = SEED_ONLY.contains(key)
                    ? where + ": '" + key + "' is a setting of sdsc/pdm (the Go pdm this one replaces) that this pdm does not use; ignored"
                    : where + ": unknown key '" + key + "' ignored (check its spelling)";
            warnings.add(msg);
            log.warn(msg);
        }

        ConfigException error(String section, String key, String msg) {
            return new ConfigException(where(section, key) + ": " + msg);
        }

        JsonNode table(JsonNode parent, String section, Key key) {
            JsonNode n = parent.get(key.text);
            if (n != null && !n.isObject()) {
                throw error(section, key.text, "'" + key.text + "' must be a table ([" + key.text + "])");
            }
            return n;
        }

        int positiveInt(JsonNode t, String section, Key key, int dflt) {
            return positiveInt(t, section, key, dflt, 1_000_000);
        }

        int positiveInt(JsonNode t, String section, Key key, int dflt, int max) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return dflt;
            }
            if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > max) {
                throw error(section, key.text, key.text + " must be a whole number from 1 to " + max + ", not " + shown(n));
            }
            return n.asInt();
        }

        /** [rabbitmq] queue_shards: 1 when absent, at most {@link PdmConfig#MAX_QUEUE_SHARDS}. */
        int queueShards(JsonNode rabbit) {
            JsonNode n = rabbit.get(Key.QUEUE_SHARDS.text);
            if (n == null) {
                return 1;
            }
            if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > PdmConfig.MAX_QUEUE_SHARDS) {
                throw error("rabbitmq", "queue_shards", "queue_shards must be a whole number from 1 to "
                        + PdmConfig.MAX_QUEUE_SHARDS + ", not " + shown(n));
            }
            return n.asInt();
        }

        /** A count of entries, 0 or more, or empty when the key is absent. */
        Optional<Long> optionalCount(JsonNode t, String section, Key key) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return Optional.empty();
            }
            if (!n.isIntegralNumber() || n.asLong() < 0) {
                throw error(section, key.text, key.text + " must be a whole number of entries, 0 or more, not " + n);
            }
            return Optional.of(n.asLong());
        }

        /** Bytes per second: a whole number, or a string with a K/M/G/T suffix; 0 (or absent) = no limit. */
        long rate(JsonNode t, String section, Key key) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return 0;
            }
            try {
                if (n.isIntegralNumber() && n.asLong() >= 0) {
                    return n.asLong();
                }
                if (n.isTextual()) {
                    return Rates.bytesPerSecond(n.asText());
                }
            } catch (IllegalArgumentException e) {
                throw error(section, key.text, key.text + ": " + e.getMessage());
            }
            throw error(section, key.text, key.text + " must be bytes per second, a whole number or a string such as \"50M\", "
                    + "not " + shown(n));
        }

        /** split_size and chunk_size: bytes, a whole number or a string such as "64M"; the defaults where absent. */
        Split split(JsonNode t) {
            long split = size(t, Key.SPLIT_SIZE, Split.DEFAULT_SPLIT_SIZE);
            long chunk = size(t, Key.CHUNK_SIZE, Split.DEFAULT_CHUNK_SIZE);
            try {
                return new Split(split, chunk);
            } catch (IllegalArgumentException e) {
                throw error(null, (t.has(Key.CHUNK_SIZE.text) ? Key.CHUNK_SIZE : Key.SPLIT_SIZE).text, e.getMessage());
            }
        }

        private long size(JsonNode t, Key key, long dflt) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return dflt;
            }
            try {
                if (n.isIntegralNumber() && n.asLong() >= 0) {
                    return n.asLong();
                }
                if (n.isTextual()) {
                    return SizeText.bytes(n.asText());
                }
            } catch (IllegalArgumentException e) {
                throw error(null, key.text, key.text + ": " + e.getMessage());
            }
            throw error(null, key.text, key.text + " must be bytes, a whole number or a string such as \"64M\", not "
                    + shown(n));
        }

        /** A list of strings (patterns), empty when the key is absent. */
        List<String> strings(JsonNode t, String section, Key key) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return List.of();
            }
            List<String> out = new ArrayList<>();
            if (n.isArray()) {
                for (JsonNode x : n) {
                    if (!x.isTextual()) {
                        break;
                    }
                    out.add(x.asText());
                }
            }
            if (!n.isArray() || out.size() != n.size()) {
                throw error(section, key.text, key.text + " must be a list of patterns in quotes, e.g. [\"*.tmp\", \"/scratch/\"], "
                        + "not " + shown(n));
            }
            return out;
        }

        long nonNegativeLong(JsonNode t, String section, Key key) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return 0;
            }
            if (!n.isIntegralNumber() || n.asLong() < 0) {
                throw error(section, key.text, key.text + " must be a whole number of minutes, 0 or more (0 = off), not " + shown(n));
            }
            return n.asLong();
        }

        double nonNegativeDouble(JsonNode t, String section, Key key) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return 0;
            }
            if (!n.isNumber() || n.asDouble() < 0) {
                throw error(section, key.text, key.text + " must be a number of GiB, 0 or more (0 = off), not " + shown(n));
            }
            return n.asDouble();
        }

        boolean bool(JsonNode t, String section, Key key, boolean dflt) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return dflt;
            }
            if (!n.isBoolean()) {
                throw error(section, key.text, key.text + " must be true or false, not " + shown(n));
            }
            return n.asBoolean();
        }

        String string(JsonNode t, String section, Key key, String dflt) {
            JsonNode n = t.get(key.text);
            if (n == null) {
                return dflt;
            }
            if (!n.isTextual()) {
                throw error(section, key.text, key.text + " must be a string in quotes, not " + shown(n));
            }
            return n.asText();
        }

        /** A wrong value as the error quotes it: it may be a connect string, password and all. */
        static String shown(JsonNode n) {
            return Secrets.mask(n.toString());
        }

        /** "FILE line N, [section] key" as precisely as the text allows. */
        String where(String section, String key) {
            int line = find(section, key);
            StringBuilder b = new StringBuilder(file.toString());
            if (line > 0) {
                b.append(" line ").append(line);
            }
            if (key != null) {
                b.append(": ").append(section == null ? "" : "[" + section + "] ").append(key);
            } else if (section != null) {
                b.append(": [").append(section).append("]");
            }
            return b.toString();
        }

        private int find(String section, String key) {
            String current = null;
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i].strip();
                if (l.startsWith("[")) {
                    int end = l.indexOf(']');
                    current = end > 0 ? l.substring(1, end).replace("[", "").strip() : l;
                    if (key == null && current.equals(section)) {
                        return i + 1;
                    }
                    continue;
                }
                if (key == null) {
                    continue;
                }
                boolean inSection = section == null ? current == null : section.equals(current);
                if (inSection && l.matches(Pattern.quote(key) + "\\s*=.*")) {
                    return i + 1;
                }
                if (section == null && current == null && l.matches(Pattern.quote(key) + "\\s*=.*")) {
                    return i + 1;
                }
            }
            return -1;
        }
    }
}

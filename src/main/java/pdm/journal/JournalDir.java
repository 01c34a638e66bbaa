package pdm.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import pdm.PdmException;
import pdm.fs.linux.NameBytes;

/**
 * Where the journal of one watched directory lives: {@code STATE/journal/KEY/}, STATE being
 * {@code $PDM_STATE_DIR} or {@code ~/.pdm/state}, KEY a digest of the directory's absolute path.
 */
public record JournalDir(Path dir) {

    /**
     * pdm's state directory (journals, the totals of earlier passes): {@code $PDM_STATE_DIR}, else
     * {@code ~/.pdm/state}. The one place that reads it, so that every command refuses the same
     * bad value: a relative path would name another directory from each working directory (a
     * watcher and the passes it serves would not meet), and a file cannot hold anything.
     */
    public static Path stateDir() {
        String prop = System.getProperty("pdm.state.dir"); // (tests: one JVM runs many passes)
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv("PDM_STATE_DIR");
        if (env == null || env.isBlank()) {
            return Path.of(System.getProperty("user.home"), ".pdm", "state");
        }
        Path dir;
        try {
            dir = Path.of(env);
        } catch (InvalidPathException e) {
            throw new PdmException("PDM_STATE_DIR '" + env + "' is not a path: " + e.getReason());
        }
        if (!dir.isAbsolute()) {
            throw new PdmException("PDM_STATE_DIR '" + env + "' is a relative path; give an absolute directory,"
                    + " the same for every pdm command of this user (e.g. " + dir.toAbsolutePath() + ")");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new PdmException("PDM_STATE_DIR '" + env + "' is not a directory; give a directory"
                    + " (pdm creates it when it is missing)");
        }
        return dir;
    }

    /** The journal of the absolute directory {@code watched}. */
    public static JournalDir of(Path watched) {
        return new JournalDir(stateDir().resolve("journal").resolve(digest(NameBytes.bytes(watched.toAbsolutePath()))));
    }

    /**
     * The journal that covers {@code abs}: of it or of its nearest ancestor that has one (a
     * watcher of /data serves a pass over /data/user_xyz).
     */
    public static Optional<JournalDir> covering(Path abs) {
        for (Path p = abs.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            JournalDir d = of(p);
            if (Files.exists(d.journal())) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }

    public Path journal() {
        return dir.resolve("journal");
    }

    public Path lock() {
        return dir.resolve("watch.lock");
    }

    public Path socket() {
        return dir.resolve("watch.sock");
    }

    /** Where the mark of the last complete pass of {@code passKey} is kept. */
    public Path mark(String passKey) {
        return marks().resolve(markName(passKey));
    }

    /** The directory of the stored marks, one file per pass key: "SESSION SEQ". */
    public Path marks() {
        return dir.resolve("marks");
    }

    /** The file name of {@code passKey}'s mark, also what a pass names itself by when it asks for a mark. */
    public static String markName(String passKey) {
        return digest(passKey.getBytes(StandardCharsets.UTF_8));
    }

    static String digest(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package pdm.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.zip.CRC32C;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.engine.JobSpec;
import pdm.fs.Mounts;
import pdm.fs.Names;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Sys;
import pdm.job.JobSummary;
import pdm.journal.JournalDir;
import pdm.task.Pass;

/**
 * Where the progress line's total comes from: the previous complete pass of the same kind over
 * the same SRC, TGT and PATH (kept in a small file per job under the state dir), else, when PATH
 * is the root of a source that is a mount point, the inodes in use on it (statvfs). A total is a
 * guess; nothing depends on it but the percent and ETA shown.
 */
final class ProgressTotals {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressTotals.class);

    private final Path dir;

    ProgressTotals(Path dir) {
        this.dir = dir;
    }

    /** In pdm's state directory ($PDM_STATE_DIR, else ~/.pdm/state, next to ~/.pdm/config.toml). */
    static ProgressTotals forUser() {
        return new ProgressTotals(JournalDir.stateDir());
    }

    /** What one pass over these trees is expected to reach. */
    record Key(Pass pass, Path src, Path tgt, Path path) {
        static Key of(JobSpec spec) {
            return new Key(spec.pass(), spec.src().root(), spec.tgt().root(), spec.path());
        }
    }

    Optional<ProgressLine.Total> find(JobSpec pass) {
        return find(Key.of(pass));
    }

    Optional<ProgressLine.Total> find(Key pass) {
        Optional<ProgressLine.Total> previous = previous(pass);
        return previous.isPresent() ? previous : usedInodes(pass);
    }

    void remember(JobSpec pass, JobSummary summary) {
        remember(Key.of(pass), summary);
    }

    /** Keeps what a complete pass dealt with, for the next pass of its kind over the same trees. */
    void remember(Key pass, JobSummary summary) {
        if (summary.interrupted()) {
            return; // a part of the tree is no total
        }
        // (written out rather than by Properties.store, whose date comment loads the time zone rules:
        // 5% of a start's samples; the key is hex digits, spaces and a slash, nothing to escape)
        String text = "# pdm: what the last complete pass dealt with (for the progress line's percent)\n"
                + "key=" + key(pass) + "\n"
                + "entries=" + (summary.counters().files() + summary.counters().dirs()) + "\n"
                + "finished=" + java.time.Instant.now() + "\n";
        Path file = file(pass);
        // (named here: Files.createTempFile would seed a SecureRandom for this one name)
        Path tmp = dir.resolve(".totals-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".tmp");
        try {
            Files.createDirectories(dir);
            try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                w.write(text);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            removeLegacy();
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot keep the pass's total in {}: {}", dir, e.toString()); // only the next percent is lost
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException | RuntimeException gone) {
                // (a leftover of a few bytes in the state dir)
            }
        }
    }

    /**
     * The files versions before 2026-12-07 named by a 24-digit digest: never read since the names
     * are CRC-32C's, so they go (a directory listing at the end of a pass).
     */
    private void removeLegacy() throws IOException {
        try (java.nio.file.DirectoryStream<Path> old = Files.newDirectoryStream(dir,
                "totals-" + "?".repeat(24) + ".properties")) {
            for (Path p : old) {
                Files.deleteIfExists(p);
            }
        }
    }

    private Optional<ProgressLine.Total> previous(Key pass) {
        Path file = file(pass);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
            long entries = Long.parseLong(p.getProperty("entries", "0"));
            if (!key(pass).equals(p.getProperty("key")) || entries <= 0) {
                return Optional.empty();
            }
            return Optional.of(new ProgressLine.Total(entries, "from the previous " + pass.pass().cliName()
                    + " pass", "previous pass"));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot read the previous pass's total {}: {}", file, e.toString());
            return Optional.empty();
        }
    }

    /** statvfs counts the whole filesystem: right only when PATH is the source's root and that is a mount point. */
    private static Optional<ProgressLine.Total> usedInodes(Key pass) {
        // (a pass that handles every source file counts the source's entries; delete and dirtimes count other things)
        if (!Names.isRoot(pass.path()) || !pass.pass().handlesFiles()) {
            return Optional.empty();
        }
        Path root = pass.src();
        try {
            if (!Mounts.isMountPoint(root)) {
                return Optional.empty();
            }
            long inodes = Sys.statvfs(NameBytes.bytes(root)).usedInodes();
            return inodes > 0 ? Optional.of(new ProgressLine.Total(inodes, "inodes in use on " + root
                    + ", statvfs", "statvfs")) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            LOG.debug("no statvfs total for {}: {}", root, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The file of a key: named by a CRC-32C of it, which needs none of the JDK's security providers
     * (a SHA-256 set them up: 5% of a start's samples). Two keys of one name only cost a total:
     * the file holds its whole key, and another key's file is not read as this one's.
     */
    private Path file(Key pass) {
        CRC32C crc = new CRC32C();
        crc.update(key(pass).getBytes(StandardCharsets.UTF_8));
        return dir.resolve("totals-" + HexFormat.of().toHexDigits((int) crc.getValue()) + ".properties");
    }

    /** The pass, and its trees and PATH as exact bytes (hex): names need not be UTF-8. */
    private static String key(Key pass) {
        HexFormat hex = HexFormat.of();
        return pass.pass().cliName() + " " + hex.formatHex(NameBytes.bytes(pass.src())) + " "
                + hex.formatHex(NameBytes.bytes(pass.tgt())) + " "
                + (Names.isRoot(pass.path()) ? "/" : hex.formatHex(NameBytes.bytes(pass.path())));
    }
}

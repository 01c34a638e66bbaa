package pdm.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import pdm.config.DataSource;
import pdm.fs.FileMeta;
import pdm.fs.Names;
import pdm.fs.linux.NameBytes;
import pdm.task.JobOptions;

/**
 * What a job leaves out: its --exclude / --exclude-from patterns (which travel in its options)
 * and the source filesystem's skip_paths. An excluded name is neither copied, nor descended,
 * nor compared, nor removed from the target, in every pass and mode; only --delete-excluded
 * lets delete and sync remove it. Anchored --exclude patterns are below the job's root (its
 * PATH, or the directory of its --file), anchored skip_paths below the filesystem's root: the
 * setting belongs to the filesystem, whatever PATH a job names. The job root itself is never
 * excluded.
 */
public final class ExcludeFilter {
    /** Excludes nothing. */
    public static final ExcludeFilter NONE = new ExcludeFilter(List.of(), List.of(), List.of(), new byte[0], false);

    private final List<Glob> names;
    private final List<Glob> belowJob;
    private final List<Glob> belowFs;
    private final byte[] jobRoot;
    private final boolean deleteExcluded;

    private ExcludeFilter(List<Glob> names, List<Glob> belowJob, List<Glob> belowFs, byte[] jobRoot,
                          boolean deleteExcluded) {
        this.names = names;
        this.belowJob = belowJob;
        this.belowFs = belowFs;
        this.jobRoot = jobRoot;
        this.deleteExcluded = deleteExcluded;
    }

    /**
     * The one place every mode builds a job's filter.
     *
     * @param root the directory the job's walk starts in, below the filesystem root
     * @throws pdm.PdmException naming a pattern that is not valid
     */
    public static ExcludeFilter of(JobOptions options, DataSource src, Path root) {
        List<Glob> names = new ArrayList<>();
        List<Glob> belowJob = new ArrayList<>();
        List<Glob> belowFs = new ArrayList<>();
        for (String p : options.excludes()) {
            Glob g = Glob.compile(p.getBytes(StandardCharsets.ISO_8859_1), "--exclude");
            (g.anchored() ? belowJob : names).add(g);
        }
        for (String p : src.skipPaths()) {
            Glob g = Glob.compile(p.getBytes(StandardCharsets.UTF_8), "skip_paths of [datasource." + src.name() + "]");
            (g.anchored() ? belowFs : names).add(g);
        }
        if (names.isEmpty() && belowJob.isEmpty() && belowFs.isEmpty()) {
            return NONE;
        }
        return new ExcludeFilter(List.copyOf(names), List.copyOf(belowJob), List.copyOf(belowFs), bytes(root),
                options.deleteExcluded());
    }

    /** Checks patterns as a user gave them, before a job is made of them. */
    public static void check(List<byte[]> patterns, String origin) {
        for (byte[] p : patterns) {
            Glob.compile(p, origin);
        }
    }

    /** The filter of one directory's listing (below the filesystem root), or null when nothing is excluded. */
    Scope in(Path dirRel) {
        return this == NONE ? null : new Scope(bytes(dirRel));
    }

    /** Whether the target entry {@code rel} (below the filesystem root) must stay when a tree holding it is removed. */
    boolean keeps(Path rel, FileMeta meta) {
        if (this == NONE || deleteExcluded) {
            return false;
        }
        Path parent = rel.getParent();
        return in(parent == null ? Names.ROOT : parent).excludes(rel.getFileName(), meta.isDir());
    }

    /** delete and sync remove excluded entries from the target (--delete-excluded). */
    boolean deletesExcluded() {
        return deleteExcluded;
    }

    private static byte[] bytes(Path rel) {
        return Names.isRoot(rel) ? new byte[0] : NameBytes.bytes(rel);
    }

    /** The rules as they apply to the names of one directory: its paths are made once, not per name. */
    final class Scope {
        private final byte[] fsDir;
        private final byte[] jobDir;

        private Scope(byte[] fsDir) {
            this.fsDir = fsDir;
            // (every directory a job lists is its root or below it)
            this.jobDir = fsDir.length <= jobRoot.length ? new byte[0]
                    : jobRoot.length == 0 ? fsDir : Arrays.copyOfRange(fsDir, jobRoot.length + 1, fsDir.length);
        }

        /** Whether this name of a merged listing is excluded; a directory-only pattern asks the source's type first. */
        boolean excludes(Pair p) {
            FileMeta m = p.src() != null ? p.src() : p.tgt();
            return excludes(p.name(), m != null && m.isDir());
        }

        boolean excludes(Path name, boolean isDir) {
            byte[] n = NameBytes.bytes(name);
            for (Glob g : names) {
                if (g.matches(n, isDir)) {
                    return true;
                }
            }
            return matchesAny(belowJob, jobDir, n, isDir) || matchesAny(belowFs, fsDir, n, isDir);
        }

        private static boolean matchesAny(List<Glob> globs, byte[] dir, byte[] name, boolean isDir) {
            if (globs.isEmpty()) {
                return false;
            }
            byte[] path = join(dir, name);
            for (Glob g : globs) {
                if (g.matches(path, isDir)) {
                    return true;
                }
            }
            return false;
        }

        private static byte[] join(byte[] dir, byte[] name) {
            if (dir.length == 0) {
                return name;
            }
            byte[] out = Arrays.copyOf(dir, dir.length + 1 + name.length);
            out[dir.length] = '/';
            System.arraycopy(name, 0, out, dir.length + 1, name.length);
            return out;
        }
    }
}

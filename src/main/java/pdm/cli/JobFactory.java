package pdm.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.ThreadLocalRandom;
import pdm.PdmException;
import pdm.config.ConfigLoader;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.Engine;
import pdm.engine.ExcludeFilter;
import pdm.engine.JobSpec;
import pdm.engine.Preflight;
import pdm.engine.SkipFilter;
import pdm.fs.FsRoot;
import pdm.fs.Names;
import pdm.task.Action;
import pdm.task.JobOptions;

/**
 * Resolves the two addressing forms into a job: {@code panda badger /user_xyz} (names from
 * config.toml) or {@code /data/a /data/b [PATH]} (two absolute directories), and checks
 * what must hold before anything is touched.
 */
final class JobFactory {
    private static final DateTimeFormatter ID = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private final JobOptionsMixin options;

    JobFactory(JobOptionsMixin options) {
        this.options = options;
    }

    private PdmConfig config;

    /** The config.toml this command uses (read once). */
    PdmConfig config() {
        if (config == null) {
            config = new ConfigLoader().load(options.config());
            Logging.elastic(config.elasticUrl());
        }
        return config;
    }

    Job create(String command, Action first, String srcArg, String tgtArg, String pathArg, JobOptions jobOptions,
               ThrottleOptions limits) {
        PdmConfig config = config();
        if (config.debug()) {
            Logging.debug();
        }
        boolean srcDir = srcArg.startsWith("/");
        boolean tgtDir = tgtArg.startsWith("/");
        if (srcDir != tgtDir) {
            throw new PdmException("give SRC and TGT both as filesystem names from config.toml or both as absolute "
                    + "directories, not '" + srcArg + "' and '" + tgtArg + "'");
        }
        DataSource src;
        DataSource tgt;
        if (srcDir) {
            src = DataSource.adHoc(absoluteDir(srcArg, "SRC"), false);
            tgt = DataSource.adHoc(absoluteDir(tgtArg, "TGT"), true);
        } else {
            if (pathArg == null) {
                throw new PdmException("PATH is missing: with filesystem names give the path below both roots, "
                        + "e.g. pdm " + command + " " + srcArg + " " + tgtArg + " /user_xyz (or / for everything)");
            }
            src = config.datasource(srcArg);
            tgt = config.datasource(tgtArg);
            Preflight.requireMounted(src, "");
            Preflight.requireMounted(tgt, "");
            if (jobOptions.dryRun() && !Files.isDirectory(tgt.path())) {
                throw new PdmException("target root " + tgt.path() + " of filesystem '" + tgt.name()
                        + "' does not exist or is not a directory");
            }
        }
        if (jobOptions.singleFile() && pathArg == null) {
            throw new PdmException("--file needs PATH, the file below both roots (e.g. pdm " + command + " --file "
                    + srcArg + " " + tgtArg + " /user_xyz/data.bin); none was given");
        }
        Path path = Names.jobPath(pathArg == null ? "/" : pathArg);
        refuseFileRoot(jobOptions, path);
        SkipFilter filter = SkipFilter.of(src);
        ExcludeFilter excludes = ExcludeFilter.of(jobOptions, src,
                jobOptions.singleFile() ? Preflight.parentOf(path) : path);
        Engine.Settings settings = new Engine.Settings(
                positive(options.dirWorkers, config.dirWorkers(), "--dir-workers"),
                positive(options.fileWorkers, config.fileWorkers(), "--file-workers"),
                config.filesPerTask(), limits.bytesPerSecond(config), limits.filesPerSecond(config));
        JobSpec spec = new JobSpec(newId(), first, new FsRoot(src.name(), src.path(), src.write()),
                new FsRoot(tgt.name(), tgt.path(), tgt.write(), srcDir), path, jobOptions, filter,
                JobSpec.placementOf(src, tgt, path, jobOptions), excludes);
        return new Job(spec, settings);
    }

    /** --file names one file, so PATH cannot be the root. */
    static void refuseFileRoot(JobOptions options, Path path) {
        if (options.singleFile() && Names.isRoot(path)) {
            throw new PdmException("--file needs PATH to name a file below the roots, not the root '/'");
        }
    }

    private static int positive(Integer override, int configured, String option) {
        if (override == null) {
            return configured;
        }
        if (override < 1 || override > 10_000) {
            throw new PdmException(option + " must be from 1 to 10000, not " + override);
        }
        return override;
    }

    private static Path absoluteDir(String arg, String which) {
        if (arg.contains("\0")) {
            throw new PdmException(which + " '" + arg + "' contains a NUL byte");
        }
        return Path.of(arg).normalize();
    }

    static String newId() {
        return ID.format(Instant.now()) + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    }
}

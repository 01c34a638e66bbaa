package pdm.cli;

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
import pdm.task.JobOptions;

/** The config a pass command uses, and the embedded job of its {@link JobRequest}. */
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

    /** The embedded job of a request: this process runs it, so it checks the mounts from here. */
    Job create(JobRequest request, ThrottleOptions limits) {
        PdmConfig config = config();
        if (config.debug()) {
            Logging.debug();
        }
        DataSource src = request.src();
        DataSource tgt = request.tgt();
        Preflight.requireMounted(src, "");
        Preflight.requireMounted(tgt, "");
        JobOptions jobOptions = request.options();
        Path path = request.path();
        SkipFilter filter = SkipFilter.of(src);
        ExcludeFilter excludes = ExcludeFilter.of(jobOptions, src, JobSpec.walkRoot(path, jobOptions));
        Engine.Settings settings = new Engine.Settings(
                positive(options.dirWorkers, config.dirWorkers(), "--dir-workers"),
                positive(options.fileWorkers, config.fileWorkers(), "--file-workers"),
                config.filesPerTask(), limits.bytesPerSecond(config), limits.filesPerSecond(config));
        JobSpec spec = new JobSpec(newId(), request.passes().get(0), new FsRoot(src.name(), src.path(), src.write(), false,
                src.mount()), new FsRoot(tgt.name(), tgt.path(), tgt.write(), request.adHoc(), tgt.mount()), path, jobOptions, filter,
                JobSpec.placementOf(src, tgt, path, jobOptions), excludes);
        return new Job(spec, settings);
    }

    private static int positive(Integer override, int configured, String option) {
        if (override == null) {
            return configured;
        }
        if (override < 1 || override > PdmConfig.MAX_WORKERS) {
            throw new PdmException(option + " must be from 1 to " + PdmConfig.MAX_WORKERS + ", not " + override);
        }
        return override;
    }

    static String newId() {
        return ID.format(Instant.now()) + "-" + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36 * 36), 36);
    }
}

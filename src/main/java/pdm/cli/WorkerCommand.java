package pdm.cli;

import java.util.concurrent.Callable;
import pdm.Hosts;
import pdm.cluster.BrokerUri;
import pdm.cluster.FsPair;
import pdm.cluster.Worker;
import org.slf4j.LoggerFactory;
import pdm.config.DataSource;
import pdm.config.PdmConfig;
import pdm.engine.ExcludeFilter;
import pdm.engine.Throttle;
import pdm.fs.Names;
import pdm.task.JobOptions;
import pdm.metrics.MetricsServer;
import pdm.metrics.ProcessStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Work on distributed jobs: consume dir.SRC.TGT, file.SRC.TGT and link.SRC.TGT.* for every pair of "
                + "filesystems in the config whose target is write = true. Reconnects when the broker goes away; "
                + "takes no work for a pair while one of its mount = true filesystems is not mounted; "
                + "SIGTERM or SIGHUP: finishes the tasks it is running, returns the others, exits 0. "
                + "SIGUSR1: reads bwlimit and max_files_per_second from the config again; SIGUSR2: lifts both "
                + "limits until the next SIGUSR1. "
                + "Exits 2 when the broker refuses its user (unless --retry-auth)."})
final class WorkerCommand implements Callable<Integer> {
    @Mixin
    RetryAuthOption retry;

    @Mixin
    ConfigOption config;

    @Mixin
    BrokerOption broker;

    @Mixin
    LogFormatOption logFormat;

    @Mixin
    MetricsOption metrics;

    @Mixin
    ThrottleOptions limits;

    @Override
    public Integer call() throws Exception {
        metrics.validate();
        PdmConfig cfg = config.load();
        Logging.forService(cfg);
        BrokerUri uri = broker.require(cfg, "to work for");
        for (DataSource ds : cfg.datasources().values()) {
            ExcludeFilter.of(JobOptions.DEFAULT, ds, Names.ROOT); // a bad skip_paths pattern stops it here, not per task
        }
        Throttle throttle = new Throttle(limits.bytesPerSecond(cfg), limits.filesPerSecond(cfg));
        ProcessStats stats = new ProcessStats(Hosts.name(), Hosts.processId(), Logging::droppedToElastic);
        Worker worker = new Worker(cfg, uri, FsPair.servedBy(cfg), stats, retry.retryAuth, throttle);
        StopSignals.onStop(worker::stop);
        LimitSignals.install(throttle, () -> {
            PdmConfig now = config.load();
            return new long[]{limits.bytesPerSecond(now), limits.filesPerSecond(now)};
        });
        LoggerFactory.getLogger("pdm.worker").info("limits of this worker process: {}", throttle);
        try (MetricsServer server = metrics.start(stats::view)) {
            worker.run();
        }
        return 0;
    }
}

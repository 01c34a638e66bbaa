package pdm.cli;

import java.util.concurrent.Callable;
import pdm.Hosts;
import pdm.cluster.BrokerUri;
import pdm.cluster.FsPair;
import pdm.cluster.Worker;
import pdm.config.PdmConfig;
import pdm.metrics.MetricsServer;
import pdm.metrics.ProcessStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Work on distributed jobs: consume dir.SRC.TGT, file.SRC.TGT and link.SRC.TGT.* for every pair of "
                + "filesystems in the config whose target is write = true. Reconnects when the broker goes away; "
                + "takes no work for a pair while one of its mount = true filesystems is not mounted; "
                + "SIGTERM or SIGHUP: finishes the tasks it is running, returns the others, exits 0. "
                + "Exits 2 when the broker refuses its user (unless --retry-auth)."})
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--retry-auth", description = {"When the broker refuses the user (wrong password, no "
            + "permission), keep retrying with backoff instead of exiting with status 2."})
    boolean retryAuth;

    @Mixin
    ConfigOption config;

    @Mixin
    BrokerOption broker;

    @Mixin
    LogFormatOption logFormat;

    @Mixin
    MetricsOption metrics;

    @Override
    public Integer call() throws Exception {
        metrics.validate();
        PdmConfig cfg = config.load();
        Logging.forService(cfg);
        BrokerUri uri = broker.require(cfg, "to work for");
        ProcessStats stats = new ProcessStats(Hosts.name(), Hosts.processId(), Logging::droppedToElastic);
        Worker worker = new Worker(cfg, uri, FsPair.servedBy(cfg), stats, retryAuth);
        StopSignals.onStop(worker::stop);
        try (MetricsServer server = metrics.start(stats::view)) {
            worker.run();
        }
        return 0;
    }
}

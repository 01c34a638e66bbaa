package pdm.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import pdm.PdmException;
import pdm.config.ConfigLoader;
import pdm.config.PdmConfig;
import pdm.transport.BrokerUri;
import pdm.transport.Worker;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = {"Work on distributed jobs: consume dir.SRC.TGT, file.SRC.TGT and link.SRC.TGT.* for every pair of "
                + "filesystems in the config whose target is write = true. Reconnects when the broker goes away; "
                + "takes no work for a pair while one of its mount = true filesystems is not mounted; "
                + "SIGTERM or SIGHUP: finishes the tasks it is running, returns the others, exits 0."})
final class WorkerCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE",
            description = "config.toml to use (default: ./config.toml, then ~/.pdm/config.toml).")
    Path config;

    @Mixin
    BrokerOption broker;

    @Mixin
    LogFormatOption logFormat;

    @Override
    public Integer call() throws Exception {
        PdmConfig cfg = new ConfigLoader().load(config);
        Logging.info();
        Logging.elastic(cfg.elasticUrl());
        if (cfg.debug()) {
            Logging.debug();
        }
        BrokerUri uri = broker.resolve(cfg).orElseThrow(() -> new PdmException(
                "no RabbitMQ to work for: give --rabbitmq URI, set " + BrokerOption.ENV
                        + " or [rabbitmq] connect_string in the config"));
        Worker worker = new Worker(cfg, uri, Worker.pairsOf(cfg), nodeName());
        // Our own handlers, not shutdown hooks: the JVM would exit 143/129 after the hooks, and a
        // graceful stop must end with 0 once the running tasks are finished.
        for (String sig : new String[]{"TERM", "HUP", "INT"}) {
            Signal.handle(new Signal(sig), s -> worker.stop());
        }
        worker.run();
        return 0;
    }

    private static String nodeName() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        return host + ":" + ProcessHandle.current().pid();
    }
}

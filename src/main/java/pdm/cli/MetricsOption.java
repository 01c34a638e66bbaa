package pdm.cli;

import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import pdm.Hosts;
import pdm.PdmException;
import pdm.metrics.MetricsServer;
import pdm.metrics.MetricsView;
import picocli.CommandLine.Option;

/** {@code --metrics-port} and {@code --metrics-bind}: this process's own /metrics, for Prometheus. */
final class MetricsOption {
    @Option(names = "--metrics-port", paramLabel = "PORT", converter = NumberArgs.Port.class,
            description = "Serve this process's metrics on http://HOST:PORT/metrics (Prometheus text format), "
                    + "the same names pdm monitor exports; 0 picks a free port and logs it.")
    Integer port;

    @Option(names = "--metrics-bind", paramLabel = "ADDR",
            description = "The address --metrics-port listens on (default: every interface).")
    String bind;

    /** Refuses bad values before anything is done. */
    void validate() {
        if (port == null && bind != null) {
            throw new PdmException("--metrics-bind " + bind + " needs --metrics-port");
        }
        if (port != null) {
            checkPort("--metrics-port", port);
        }
    }

    /** Starts the server when --metrics-port was given; null otherwise. */
    MetricsServer start(Supplier<MetricsView> view) {
        validate();
        return port == null ? null : serve(bind, port, view);
    }

    static int checkPort(String option, int port) {
        if (port < 0 || port > 65535) {
            throw new PdmException(option + " " + port + " is not a TCP port (1-65535, or 0 for any free one)");
        }
        return port;
    }

    static MetricsServer serve(String bind, int port, Supplier<MetricsView> view) {
        MetricsServer s = MetricsServer.start(bind, port, view);
        LoggerFactory.getLogger("pdm.metrics").info("serving metrics on http://{}:{}/metrics",
                bind == null ? Hosts.name() : bind, s.port());
        return s;
    }
}

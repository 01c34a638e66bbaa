package pdm.cli;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.concurrent.Callable;
import pdm.PdmException;
import pdm.Secrets;
import pdm.cluster.BrokerUri;
import pdm.cluster.Monitor;
import pdm.config.PdmConfig;
import pdm.metrics.ClusterView;
import pdm.metrics.MetricsServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "monitor", mixinStandardHelpOptions = true,
        description = {"A Prometheus target for the whole cluster: serves /metrics with what every worker did "
                + "(from the event log: exact, and the same after a restart), the workers alive (from the heartbeats "
                + "they send every monitor_interval s), the depth of every pdm queue and the state of every job. "
                + "Point Prometheus at http://HOST:PORT/metrics; monitoring/ has a Grafana dashboard for it."})
final class MonitorCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "PORT", defaultValue = "8082", converter = NumberArgs.Port.class,
            description = "TCP port of /metrics (default ${DEFAULT-VALUE}; 0 picks a free one and logs it).")
    int port;

    @Option(names = "--bind", paramLabel = "ADDR", description = "Listen on this address only (default: every interface).")
    String bind;

    @Option(names = "--management-url", paramLabel = "URL",
            description = {"RabbitMQ management API, for unacked counts (default: http://BROKER-HOST:15672, or "
                    + "https://BROKER-HOST:15671 for amqps://, with the broker's credentials; 'none' to use AMQP "
                    + "only). Without it, queues show ready messages and consumers."})
    String managementUrl;

    @Mixin
    RetryAuthOption retry;

    @Mixin
    ConfigOption config;

    @Mixin
    BrokerOption broker;

    @Mixin
    LogFormatOption logFormat;

    @Override
    public Integer call() throws Exception {
        PdmConfig cfg = config.load();
        Logging.forService(cfg);
        BrokerUri uri = broker.require(cfg, "to monitor");
        MetricsOption.checkPort("--port", port);
        ClusterView view = new ClusterView(System::currentTimeMillis);
        Monitor monitor = new Monitor(cfg, uri, management(uri), view, retry.retryAuth);
        StopSignals.onStop(monitor::stop);
        try (MetricsServer server = MetricsOption.serve(bind, port, view::view)) {
            monitor.run();
        }
        return 0;
    }

    private URI management(BrokerUri uri) {
        if ("none".equals(managementUrl)) {
            return null;
        }
        if (managementUrl == null) {
            // (the management plugin's conventional ports: 15672 plain, 15671 TLS)
            return URI.create((uri.tls() ? "https" : "http") + "://" + bracket(uri.host())
                    + (uri.tls() ? ":15671/" : ":15672/"));
        }
        try {
            URI u = new URI(managementUrl);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new PdmException("--management-url " + Secrets.mask(managementUrl)
                        + " must be an http:// or https:// URL with a host (the management API: port 15672, 15671 with TLS)");
            }
            // (a base path, e.g. behind a proxy, is kept: the API's paths are resolved below it)
            return u.getRawPath() == null || u.getRawPath().endsWith("/") ? u : new URI(managementUrl + "/");
        } catch (URISyntaxException e) {
            throw new PdmException("--management-url " + Secrets.mask(managementUrl) + " is not a URL: "
                    + e.getReason());
        }
    }

    private static String bracket(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}

package pdm.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.function.Supplier;
import pdm.PdmException;

/** Serves {@code /metrics} (Prometheus text format) on a port, from a view built at each scrape. */
public final class MetricsServer implements AutoCloseable {
    private final HTTPServer server;

    private MetricsServer(HTTPServer server) {
        this.server = server;
    }

    /**
     * @param bind an address or host name to listen on; null or empty for every interface
     * @param port 0 for any free port (see {@link #port()})
     */
    public static MetricsServer start(String bind, int port, Supplier<MetricsView> view) {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(new PdmCollector(view));
        String where = (bind == null || bind.isEmpty() ? "*" : bind) + ":" + port;
        try {
            HTTPServer.Builder b = HTTPServer.builder().port(port).registry(registry);
            if (bind != null && !bind.isEmpty()) {
                b.hostname(bind);
            }
            return new MetricsServer(b.buildAndStart());
        } catch (IOException | RuntimeException e) {
            throw new PdmException("cannot serve metrics on " + where + ": " + e.getMessage()
                    + " (is another process using the port? choose another with --metrics-port or --port)", e);
        }
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
    }
}

package pdm.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import pdm.PdmException;
import pdm.Secrets;

/**
 * Ships log events to Elasticsearch ({@code elastic_url}) through {@code _bulk}, in batches, from
 * a bounded buffer. Logging never waits for Elasticsearch: when it is slow or down, the buffer
 * fills and further events are dropped and counted ({@link #dropped()}), and the copy goes on
 * at full speed. Credentials in the URL are sent as a Basic authorization header and appear
 * nowhere else ({@link #toString()} masks them).
 */
public final class ElasticAppender extends AppenderBase<ILoggingEvent> {
    /** Documents go to this data stream (ES 8's built-in logs-*-* template). */
    public static final String DATA_STREAM = "logs-pdm-default";
    static final int CAPACITY = 10_000;
    static final int BATCH = 500;

    private final URI bulk;
    private final String authorization;
    private final String display;
    private final BlockingQueue<String> buffer = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong shipped = new AtomicLong();
    /** Made by the shipper thread: building one costs a few hundred ms that the copy must not wait for. */
    private HttpClient http;
    private Thread shipper;

    public ElasticAppender(String elasticUrl) {
        URI u;
        try {
            u = new URI(elasticUrl.strip());
        } catch (URISyntaxException e) {
            throw new PdmException("elastic_url " + Secrets.mask(elasticUrl) + " is not a URL: " + e.getReason());
        }
        if (u.getScheme() == null || !u.getScheme().matches("https?") || u.getHost() == null) {
            throw new PdmException("elastic_url " + Secrets.mask(elasticUrl) + " must be http://host:port or https://host:port");
        }
        this.authorization = basic(u.getRawUserInfo(), elasticUrl);
        String base = u.getScheme() + "://" + u.getHost() + (u.getPort() == -1 ? "" : ":" + u.getPort())
                + (u.getRawPath() == null ? "" : u.getRawPath().replaceAll("/+$", ""));
        this.bulk = URI.create(base + "/_bulk");
        this.display = base;
        setName("elastic");
    }

    private static String basic(String userInfo, String elasticUrl) {
        if (userInfo == null) {
            return null;
        }
        try {
            return "Basic " + Base64.getEncoder().encodeToString(URLDecoder.decode(userInfo.replace("+", "%2B"),
                    StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            // (the decoder's message quotes the bad escape, which may be part of the password)
            throw new PdmException("elastic_url " + Secrets.mask(elasticUrl) + ": the user or password has a bad "
                    + "%-escape (write %25 for a % sign)");
        }
    }

    @Override
    public void start() {
        shipper = new Thread(this::ship, "pdm-elastic");
        shipper.setDaemon(true);
        shipper.start();
        super.start();
    }

    @Override
    public void stop() {
        super.stop();
        if (shipper != null) {
            shipper.interrupt();
        }
    }

    @Override
    protected void append(ILoggingEvent e) {
        String doc;
        try {
            doc = EcsJson.of(e);
        } catch (RuntimeException ex) {
            dropped.incrementAndGet(); // an event that cannot be written must not break the logging caller
            return;
        }
        if (!buffer.offer(doc)) {
            dropped.incrementAndGet();
        }
    }

    public long dropped() {
        return dropped.get();
    }

    public long shipped() {
        return shipped.get();
    }

    private void ship() {
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
        List<String> batch = new ArrayList<>(BATCH);
        long backoff = 1000;
        try {
            while (!Thread.currentThread().isInterrupted()) {
                String first = buffer.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                buffer.drainTo(batch, BATCH - 1);
                if (post(batch)) {
                    shipped.addAndGet(batch.size());
                    backoff = 1000;
                } else {
                    // Not retried: a slow or dead Elasticsearch must cost the copy nothing, not even memory.
                    dropped.addAndGet(batch.size());
                    Thread.sleep(backoff);
                    backoff = Math.min(30_000, backoff * 2);
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean post(List<String> docs) throws InterruptedException {
        StringBuilder ndjson = new StringBuilder(docs.size() * 400);
        for (String d : docs) {
            ndjson.append("{\"create\":{\"_index\":\"").append(DATA_STREAM).append("\"}}\n").append(d).append('\n');
        }
        HttpRequest.Builder r = HttpRequest.newBuilder(bulk).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(ndjson.toString(), StandardCharsets.UTF_8));
        if (authorization != null) {
            r.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> resp = http.send(r.build(), HttpResponse.BodyHandlers.ofString());
            // (item-level errors in a 200 answer are not retried either; they are rare mapping errors)
            return resp.statusCode() / 100 == 2;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "Elasticsearch " + display + " (" + shipped.get() + " shipped, " + dropped.get() + " dropped)";
    }
}

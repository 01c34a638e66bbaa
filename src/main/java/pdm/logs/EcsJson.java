package pdm.logs;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.Map;
import pdm.Hosts;
import pdm.Secrets;

/**
 * One log event as an Elastic Common Schema (ECS) document: {@code @timestamp}, {@code log.level},
 * {@code message}, {@code log.logger}, {@code process.*}, {@code host.hostname},
 * {@code service.name}, {@code error.*}, MDC entries as {@code labels.*}. Connect strings in a
 * message are masked, so no password reaches a log line or Elasticsearch.
 */
public final class EcsJson {
    public static final String ECS_VERSION = "8.11";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long PID = ProcessHandle.current().pid();

    private EcsJson() {
    }

    public static String of(ILoggingEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("@timestamp", Instant.ofEpochMilli(e.getTimeStamp()).toString());
        o.put("log.level", e.getLevel().toString());
        o.put("message", Secrets.mask(e.getFormattedMessage()));
        o.put("ecs.version", ECS_VERSION);
        o.put("log.logger", e.getLoggerName());
        o.put("process.thread.name", e.getThreadName());
        o.put("process.pid", PID);
        o.put("host.hostname", Hosts.name());
        o.put("service.name", "pdm");
        IThrowableProxy t = e.getThrowableProxy();
        if (t != null) {
            o.put("error.type", t.getClassName());
            o.put("error.message", Secrets.mask(String.valueOf(t.getMessage())));
            o.put("error.stack_trace", Secrets.mask(ThrowableProxyUtil.asString(t)));
        }
        Map<String, String> mdc = e.getMDCPropertyMap();
        if (mdc != null) {
            mdc.forEach((k, v) -> o.put("labels." + k, v));
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException("cannot happen for a tree of plain values", ex);
        }
    }
}

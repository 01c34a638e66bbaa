package pdm.cli;

import java.util.Optional;
import pdm.PdmException;
import pdm.cluster.BrokerUri;
import pdm.config.PdmConfig;
import picocli.CommandLine.Option;

/** Where the broker is: {@code --rabbitmq URI}, else {@code PDM_RABBITMQ}, else {@code [rabbitmq] connect_string}. */
final class BrokerOption {
    static final String ENV = "PDM_RABBITMQ";

    @Option(names = "--rabbitmq", paramLabel = "URI",
            description = {"RabbitMQ connect string (amqp://user:pass@host:5672/vhost, amqps:// for TLS); "
                    + "default: $" + ENV + ", then [rabbitmq] connect_string of the config. The password is never printed."})
    String uri;

    /** The connect string given on the command line or in the environment (not the config). */
    Optional<String> explicit() {
        if (uri != null) {
            return Optional.of(uri);
        }
        String env = System.getenv(ENV);
        return env == null || env.isBlank() ? Optional.empty() : Optional.of(env);
    }

    Optional<BrokerUri> resolve(PdmConfig config) {
        return explicit().or(config::rabbitmqConnectString).map(BrokerUri::parse);
    }

    /** The broker, or a refusal that says where to give it ({@code purpose}: "to work for", "to ask"). */
    BrokerUri require(PdmConfig config, String purpose) {
        return resolve(config).orElseThrow(() -> new PdmException("no RabbitMQ " + purpose + ": give --rabbitmq URI, "
                + "set " + ENV + " or [rabbitmq] connect_string in the config"));
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/** An embedded pass never fails for want of a broker: one in the config that cannot be reached only warns. */
class EmbeddedTurnTest {
    @TempDir
    Path tmp;

    @Test
    void anUnreachableBrokerInTheConfigOnlyWarnsAndThePassRuns() throws IOException {
        assumeTrue(System.getenv("PDM_RABBITMQ") == null, "PDM_RABBITMQ would make the broker explicit");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Path cfg = Files.writeString(tmp.resolve("config.toml"),
                "[rabbitmq]\nconnect_string = \"amqp://guest:guest@127.0.0.1:" + port + "/\"\n");
        Fx.write(tmp.resolve("a/d/f"), "data");
        Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), tmp.resolve("a").toString(),
                tmp.resolve("b").toString());
        assertThat(r.exit()).as(r.toString()).isZero();
        assertThat(tmp.resolve("b/d/f")).hasContent("data");
    }
}

package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pdm.testkit.Fx;
import pdm.testkit.Pdm;

/** Whatever a user gets wrong in a connect string or URL, pdm's output never shows the password. */
class NoPasswordInOutputTest {
    static final String SECRET = "Hunter2xSECRET";

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"guest:" + SECRET + "@127.0.0.1", "amqp://guest:" + SECRET, "guest:" + SECRET,
            "amqp://guest:" + SECRET + "%zz@127.0.0.1", "amqp://guest:" + SECRET + "@127.0.0.1:99999",
            "amqp://guest:" + SECRET + "/x@127.0.0.1", "amqp://guest:" + SECRET + "@/", " amqp://gu est:" + SECRET
            + "@h ", "amqp://guest:p@" + SECRET + "@127.0.0.1:5672x", "http://guest:" + SECRET + "@127.0.0.1",
            "amqp://güst:" + SECRET + "@höst/"})
    void aBadConnectStringIsRefusedWithoutItsPassword(String uri) throws IOException {
        for (List<String> args : List.of(List.of("status", "--rabbitmq", uri),
                List.of("copy", "--rabbitmq", uri, "--config", config("").toString(), "panda", "badger", "/"))) {
            Pdm.Result r = Pdm.run(args.toArray(String[]::new));
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.out() + r.err()).as(args.toString()).doesNotContain(SECRET).contains("pdm:");
        }
    }

    @Test
    void theHostIsStillNamed() {
        Pdm.Result r = Pdm.run("status", "--rabbitmq", "guest:" + SECRET + "@mq.example.org");
        assertThat(r.err()).as(r.toString()).contains("guest:***@mq.example.org").contains("amqp://");
    }

    @Test
    void aConnectStringInTheConfigIsRefusedWithoutItsPassword() throws IOException {
        for (String line : List.of("connect_string = \"guest:" + SECRET + "@127.0.0.1\"",
                "connect_string = \"amqp://guest:" + SECRET + "\"",
                "connect_string = [\"amqp://guest:" + SECRET + "@127.0.0.1\"]",
                "connect_string = { url = \"guest:" + SECRET + "@127.0.0.1\" }")) {
            Path cfg = config("[rabbitmq]\n" + line + "\n");
            Pdm.Result r = Pdm.run("status", "--config", cfg.toString());
            assertThat(r.exit()).as(r.toString()).isEqualTo(2);
            assertThat(r.out() + r.err()).as(line).doesNotContain(SECRET).contains("connect");
        }
    }

    @Test
    void aBadElasticUrlIsRefusedWithoutItsPassword() throws IOException {
        for (String url : List.of("http://elastic:" + SECRET + "@", "elastic:" + SECRET + "@localhost:9200",
                "http://elastic:" + SECRET + "%zz@localhost:9200", "http://elastic:" + SECRET + "@local host:9200")) {
            Path cfg = config("elastic_url = \"" + url + "\"\n");
            Pdm.Result r = Pdm.run("copy", "--config", cfg.toString(), tmp.resolve("a").toString(),
                    tmp.resolve("b").toString());
            assertThat(r.out() + r.err()).as(url).doesNotContain(SECRET).contains("elastic_url");
        }
    }

    @Test
    void anArgumentQuotedBackInAUsageErrorIsMasked() {
        Pdm.Result r = Pdm.run("status", "--bogus", "amqp://guest:" + SECRET + "@127.0.0.1");
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out() + r.err()).doesNotContain(SECRET).contains("--bogus");
        Pdm.Result m = Pdm.run("monitor", "--management-url", "http://admin:" + SECRET + "@:15672",
                "--rabbitmq", "amqp://guest:guest@127.0.0.1");
        assertThat(m.out() + m.err()).as(m.toString()).doesNotContain(SECRET).contains("--management-url");
    }

    private Path config(String top) throws IOException {
        Path dir = Fx.mkdirs(tmp.resolve("cfg" + System.nanoTime()));
        Path cfg = Pdm.config(dir, Fx.mkdirs(dir.resolve("src")), Fx.mkdirs(dir.resolve("dst")));
        String text = Files.readString(cfg);
        Files.writeString(cfg, top.startsWith("[") ? text + top : top + text); // (a table goes last)
        return cfg;
    }
}

package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Broker;
import pdm.testkit.Cluster;

/**
 * A user the real broker refuses: worker and monitor end with exit 2 and the reason (user named,
 * password not) instead of retrying forever, unless --retry-auth; and no way of giving pdm a
 * connect string makes it print the password.
 */
class BrokerAccessIT {
    static final String SECRET = "Wr0ngSECRETpw";

    @TempDir
    Path tmp;

    @BeforeEach
    void broker() {
        Broker.require();
        Assumptions.assumeTrue(Broker.URI.contains("127.0.0.1"),
                "the wrong-password connect string is made for the local broker");
    }

    private static String wrongPassword() {
        return "amqp://guest:" + SECRET + "@127.0.0.1:5672";
    }

    @Test
    void aWorkerWithAWrongPasswordExitsTwoNamingTheUser() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Process w = c.startWorkerAt(wrongPassword());
            assertThat(w.waitFor(60, TimeUnit.SECONDS)).as("the worker gave up").isTrue();
            String log = c.workerLog(1);
            assertThat(w.exitValue()).as(log).isEqualTo(2);
            assertThat(log).contains("refused user 'guest'").contains("ACCESS_REFUSED").contains("--retry-auth")
                    .doesNotContain(SECRET);
        }
    }

    @Test
    void aMonitorWithAWrongPasswordExitsTwoToo() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Process m = c.startService("monitor", wrongPassword(), "--port", "0", "--management-url", "none");
            assertThat(m.waitFor(60, TimeUnit.SECONDS)).as("the monitor gave up").isTrue();
            String log = c.workerLog(1);
            assertThat(m.exitValue()).as(log).isEqualTo(2);
            assertThat(log).contains("refused user 'guest'").doesNotContain(SECRET);
        }
    }

    @Test
    void withRetryAuthAWorkerKeepsTrying() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Process w = c.startWorkerAt(wrongPassword(), "--retry-auth");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> c.workerLog(1).contains("refused user 'guest'"));
            // the first retry comes after 1 s, the second after 2 more: wait for both
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> c.workerLog(1).split("refused user 'guest'", -1).length > 3 || !w.isAlive());
            String log = c.workerLog(1);
            assertThat(w.isAlive()).as(log).isTrue();
            assertThat(log).contains("WARN").contains("(--retry-auth)").doesNotContain(SECRET);
        }
    }

    @Test
    void noWayOfGivingAConnectStringPrintsItsPassword() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Cluster.Run env = c.runAt(null, Map.of("PDM_RABBITMQ", "guest:" + SECRET + "@127.0.0.1"), "status");
            assertThat(env.exit()).as(env.stderr()).isEqualTo(2);
            assertThat(env.stdout() + env.stderr()).contains("guest:***@127.0.0.1").doesNotContain(SECRET);

            Cluster.Run refused = c.runAt(wrongPassword(), Map.of(), "status");
            assertThat(refused.exit()).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stdout() + refused.stderr()).contains("ACCESS_REFUSED").doesNotContain(SECRET);

            Cluster.Run submit = c.runAt(null, Map.of("PDM_RABBITMQ", wrongPassword()), "copy", c.srcName, c.tgtName,
                    "/", "--wait");
            assertThat(submit.exit()).as(submit.stderr()).isEqualTo(2);
            assertThat(submit.stdout() + submit.stderr()).doesNotContain(SECRET);
        }
    }
}

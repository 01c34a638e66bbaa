package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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

    /** The test broker's connect string with another vhost (guest/guest as in {@link Broker#URI}). */
    private static String atVhost(String vhost) {
        return "amqp://guest:guest@127.0.0.1:5672/" + vhost;
    }

    /**
     * What a refused client prints: exactly one line on stderr, nothing of amqp-client's own
     * (its ForgivingExceptionHandler WARN, its dump of the protocol method).
     */
    private static String oneLine(Cluster.Run r) {
        assertThat(r.exit()).as(r.stderr()).isEqualTo(2);
        assertThat(r.stderr().strip().lines()).as(r.stderr()).hasSize(1);
        assertThat(r.stderr()).doesNotContain("ForgivingExceptionHandler").doesNotContain("#method")
                .doesNotContain("WARN");
        return r.stderr();
    }

    @Test
    void aClientWithAWrongPasswordSaysSoInOneLine() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            for (List<String> args : List.of(List.of("status"), List.of("copy", c.srcName, c.tgtName, "/", "--wait"))) {
                String line = oneLine(c.runAt(wrongPassword(), Map.of(), args.toArray(String[]::new)));
                assertThat(line).as(args.toString()).contains("refused user 'guest'")
                        .contains("wrong user name or password").contains("fix them in the connect string")
                        .doesNotContain(SECRET);
            }
        }
    }

    @Test
    void aMissingVhostIsNamedWithTheCommandThatMakesIt() throws Exception {
        String vhost = "pdm-test-missing-" + UUID.randomUUID();
        try (Cluster c = new Cluster(tmp)) {
            // a worker cannot do anything until an admin makes the vhost: exit 2, as for a wrong password
            Process w = c.startWorkerAt(atVhost(vhost));
            assertThat(w.waitFor(60, TimeUnit.SECONDS)).as("the worker gave up").isTrue();
            String log = c.workerLog(1);
            assertThat(w.exitValue()).as(log).isEqualTo(2);
            assertThat(log).contains("has no vhost '" + vhost + "'").contains("--retry-auth")
                    .doesNotContain("ForgivingExceptionHandler").doesNotContain("#method");

            for (List<String> args : List.of(List.of("status"), List.of("copy", c.srcName, c.tgtName, "/", "--wait"))) {
                String line = oneLine(c.runAt(atVhost(vhost), Map.of(), args.toArray(String[]::new)));
                assertThat(line).as(args.toString()).contains("has no vhost '" + vhost + "'")
                        .contains("rabbitmqctl add_vhost " + vhost);
            }
        }
    }

    @Test
    void aVhostWithoutPermissionNamesTheGrant() throws Exception {
        Broker.requireControl();
        String vhost = "pdm-test-noperm-" + UUID.randomUUID();
        ctl("add_vhost", vhost);
        try (Cluster c = new Cluster(tmp)) {
            String line = oneLine(c.runAt(atVhost(vhost), Map.of(), "status"));
            assertThat(line).contains("refused user 'guest' on vhost '" + vhost + "'")
                    .contains("rabbitmqctl set_permissions -p " + vhost + " guest '.*' '.*' '.*'");
        } finally {
            ctl("delete_vhost", vhost);
        }
    }

    private static void ctl(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/sbin/rabbitmqctl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0).as("rabbitmqctl %s: %s", args, out).isTrue();
    }

    @Test
    void aWorkerWithAWrongPasswordExitsTwoNamingTheUser() throws Exception {
        try (Cluster c = new Cluster(tmp)) {
            Process w = c.startWorkerAt(wrongPassword());
            assertThat(w.waitFor(60, TimeUnit.SECONDS)).as("the worker gave up").isTrue();
            String log = c.workerLog(1);
            assertThat(w.exitValue()).as(log).isEqualTo(2);
            assertThat(log).contains("refused user 'guest'").contains("ACCESS_REFUSED").contains("--retry-auth")
                    .doesNotContain(SECRET).doesNotContain("ForgivingExceptionHandler");
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

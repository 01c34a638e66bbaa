package pdm.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import pdm.PdmException;
import pdm.Secrets;

/** Connect strings as sdsc/pdm's users wrote them; passwords never shown. */
class BrokerUriTest {
    @Test
    void seedExampleWithTrailingSlashMeansTheDefaultVhost() {
        BrokerUri u = BrokerUri.parse("amqp://guest:guest@localhost:5672/");
        assertThat(u).isEqualTo(new BrokerUri(false, "localhost", 5672, "/", "guest", "guest"));
        assertThat(BrokerUri.parse("amqp://guest:guest@localhost:5672").vhost()).isEqualTo("/");
    }

    @Test
    void namedAndEncodedVhostsUsersAndPasswords() {
        BrokerUri u = BrokerUri.parse("amqps://mover:p%40ss%3Aw0rd@rabbit.example:5999/pdm%2Fprod");
        assertThat(u.tls()).isTrue();
        assertThat(u.port()).isEqualTo(5999);
        assertThat(u.user()).isEqualTo("mover");
        assertThat(u.password()).isEqualTo("p@ss:w0rd");
        assertThat(u.vhost()).isEqualTo("pdm/prod");
        assertThat(BrokerUri.parse("amqps://h").port()).isEqualTo(5671);
        assertThat(BrokerUri.parse("amqp://h/%2F").vhost()).isEqualTo("/");
    }

    @Test
    void passwordsNeverAppearInTextOrErrors() {
        String secret = "amqp://mover:s3cret@rabbit:5672/";
        assertThat(BrokerUri.parse(secret).toString()).doesNotContain("s3cret").contains("mover:***@rabbit:5672");
        assertThat(Secrets.mask(secret)).isEqualTo("amqp://mover:***@rabbit:5672/");
        assertThat(Secrets.mask("http://admin:p@ss/w@rd@host:15672/")).isEqualTo("http://admin:***@host:15672/");
        assertThatThrownBy(() -> BrokerUri.parse("http://mover:s3cret@rabbit/"))
                .isInstanceOf(PdmException.class)
                .hasMessageContaining("amqp://")
                .hasMessageNotContaining("s3cret");
        assertThatThrownBy(() -> BrokerUri.parse("amqp://mover:s3cret@/"))
                .isInstanceOf(PdmException.class)
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void aBadConnectStringsHintSurvivesTheMaskingOfWhatPrintsIt() {
        // (the error line is masked once more where it is printed: a hint with an at sign after the
        // connect string was eaten, "amqp://guest:***@' after its host; ...")
        for (String[] c : new String[][]{
                {"amqp://guest:s3cr@t/pw@127.0.0.1:5672/v", "has an at sign after its host", "write it as %40"},
                {"amqp://guest:s3cret@127.0.0.1:abc/v", "names no host", "(%40 for an at sign in it)"},
                {"amqp://guest:/s3cret", "no port after its host", "the port, then /VHOST"}}) {
            assertThatThrownBy(() -> BrokerUri.parse(c[0]))
                    .isInstanceOf(PdmException.class)
                    .satisfies(e -> assertThat(Secrets.mask(e.getMessage()))
                            .as(c[0]).contains(c[1], c[2])
                            .doesNotContain("s3cr"));
        }
    }
}

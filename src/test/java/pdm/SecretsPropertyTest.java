package pdm;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import pdm.cluster.BrokerUri;

/**
 * Connect strings in every shape users get wrong, each with a known password: masked, parsed or
 * refused, the password never shows, and the host still does where there is one.
 */
class SecretsPropertyTest {
    static final String SECRET = "Zk9SeCrEt";

    /** One generated string and the host it names after its last '@' (null: none to keep). */
    record Shape(String text, String host) {
        @Override
        public String toString() {
            return "'" + text + "'";
        }
    }

    @Provide
    Arbitrary<Shape> shapes() {
        Arbitrary<String> lead = Arbitraries.of("", " ", "\t", "  ");
        Arbitrary<String> scheme = Arbitraries.of("", "amqp://", "amqps://", "AMQP://", "http://", "amqp:/", "amqp:",
                "amqp:///", "x-y+z://");
        Arbitrary<String> user = Arbitraries.of("guest", "pdm", "", "ü", "a%zz", "us.er", "a.b-c_d");
        Arbitrary<String> noise = Arbitraries.of("", "@", "/", ":", "%zz", "%", "%4", "#", "?", " ", "\t", "é", "€",
                "+", "x", "@@", "::", "%40", "\"", "'");
        Arbitrary<String> at = Arbitraries.of("@", "", "@@");
        Arbitrary<String> host = Arbitraries.of("127.0.0.1", "mq.example.org", "[::1]", "", "rabbit_1", "höst");
        Arbitrary<String> port = Arbitraries.of("", ":5672", ":99999", ":abc", ":-1", ":", ":5672x", ":12345678901");
        Arbitrary<String> path = Arbitraries.of("", "/", "/vhost", "/%zz", "/a:b", "?x=1", "#f");
        Arbitrary<String> trail = Arbitraries.of("", " ", "\n", "  \t");
        return Builders.withBuilder(ShapeBuilder::new)
                .use(lead).in(ShapeBuilder::lead)
                .use(scheme).in(ShapeBuilder::scheme)
                .use(user).in(ShapeBuilder::user)
                .use(noise).in(ShapeBuilder::before)
                .use(Arbitraries.oneOf(noise, Arbitraries.just("//"))).in(ShapeBuilder::after)
                .use(at).in(ShapeBuilder::at)
                .use(host).in(ShapeBuilder::host)
                .use(port).in(ShapeBuilder::port)
                .use(path).in(ShapeBuilder::path)
                .use(trail).in(ShapeBuilder::trail)
                .build(ShapeBuilder::shape)
                // an '@' before the password and none after it makes the rest a host name to any reader
                .filter(s -> !s.text().matches("(?s).*@.*" + SECRET + "[^@]*"))
                // "user: PASSWORD" with no scheme and no '@' is "Label: text" to anyone (see Secrets.mask)
                .filter(s -> s.host() != null || s.text().contains("@") || s.text().contains("://")
                        || !s.text().matches("(?s).*:\\s.*"));
    }

    static final class ShapeBuilder {
        String lead = "";
        String scheme = "";
        String user = "";
        String before = "";
        String after = "";
        String at = "";
        String host = "";
        String port = "";
        String path = "";
        String trail = "";

        ShapeBuilder lead(String s) {
            lead = s;
            return this;
        }

        ShapeBuilder scheme(String s) {
            scheme = s;
            return this;
        }

        ShapeBuilder user(String s) {
            user = s;
            return this;
        }

        ShapeBuilder before(String s) {
            before = s;
            return this;
        }

        ShapeBuilder after(String s) {
            after = s;
            return this;
        }

        ShapeBuilder at(String s) {
            at = s;
            return this;
        }

        ShapeBuilder host(String s) {
            host = s;
            return this;
        }

        ShapeBuilder port(String s) {
            port = s;
            return this;
        }

        ShapeBuilder path(String s) {
            path = s;
            return this;
        }

        ShapeBuilder trail(String s) {
            trail = s;
            return this;
        }

        Shape shape() {
            String text = lead + scheme + user + ":" + before + SECRET + after + at + host + port + path + trail;
            boolean hostKept = !at.isEmpty() && !host.isEmpty() && !path.contains("@") && !trail.contains("@");
            return new Shape(text, hostKept ? host : null);
        }
    }

    @Property(tries = 3000)
    void maskNeverShowsThePasswordAndKeepsTheHost(@ForAll("shapes") Shape s) {
        String masked = Secrets.mask(s.text());
        assertThat(masked).as("mask(%s)", s).doesNotContain(SECRET);
        if (s.host() != null) {
            assertThat(masked).as("mask(%s)", s).contains("@" + s.host());
        }
        assertThat(Secrets.mask(masked)).as("masking twice").isEqualTo(masked);
    }

    @Property(tries = 3000)
    void parseSucceedsOrRefusesWithoutThePassword(@ForAll("shapes") Shape s) {
        try {
            BrokerUri u = BrokerUri.parse(s.text());
            assertThat(u.toString()).as("parse(%s)", s).doesNotContain(SECRET);
        } catch (PdmException e) {
            assertThat(e.getMessage()).as("parse(%s)", s).doesNotContain(SECRET);
        }
    }

    @Property(tries = 500)
    void aCredentialInRunningTextIsMasked(@ForAll("shapes") Shape s,
                                          @ForAll("words") String before, @ForAll("words") String after) {
        String strip = s.text().strip();
        // (in running text a credential is one word: blanks in it or around its ':' are left to the
        // single-string form, which is how pdm masks a value before quoting it)
        if (strip.chars().anyMatch(Character::isWhitespace) || !strip.contains("://") && !strip.contains("@")) {
            return;
        }
        assertThat(Secrets.mask(before + " " + strip + " " + after)).doesNotContain(SECRET);
    }

    @Provide
    Arbitrary<String> words() {
        return Arbitraries.of("connect string", "pdm:", "at", "(", "'", "worker host:123 connected to", "x@y", "");
    }

    @Example
    void ordinaryTextIsLeftAlone() {
        for (String text : new String[]{"listening on http://0.0.0.0:8082/metrics",
                "worker myhost:1234 connected to amqp://guest:***@127.0.0.1:5672/; serving [a->b]",
                "java.io.IOException: Connection refused\n\tat pdm.X.run(X.java:12)\n\tat Foo@1a2b",
                "config.toml line 3: [rabbitmq] connect_string must be a string", "127.0.0.1:5672",
                "amqp://[::1]:5672/", "amqp://mq:5672/vhost", "pdm: no job 'abc' in the event log"}) {
            assertThat(Secrets.mask(text)).isEqualTo(text);
        }
    }

    @Example
    void theUsualShapes() {
        assertThat(Secrets.mask("amqp://mover:s3cret@rabbit:5672/")).isEqualTo("amqp://mover:***@rabbit:5672/");
        assertThat(Secrets.mask("http://admin:p@ss/w@rd@host:15672/")).isEqualTo("http://admin:***@host:15672/");
        assertThat(Secrets.mask("guest:SECRET@127.0.0.1")).isEqualTo("guest:***@127.0.0.1");
        assertThat(Secrets.mask("amqp://guest:SECRET")).isEqualTo("amqp://guest:***");
        assertThat(Secrets.mask("guest:SECRET")).isEqualTo("guest:***");
        assertThat(Secrets.mask("connect string guest:SECRET@127.0.0.1 must start"))
                .isEqualTo("connect string guest:***@127.0.0.1 must start");
    }
}

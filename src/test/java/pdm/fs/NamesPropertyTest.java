package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import pdm.fs.linux.NameBytes;

/** NameBytes.text: readable, one line, and never the same text for two different byte names. */
class NamesPropertyTest {

    /** Short names over bytes that escaping could confuse: backslash, x, hex digits, controls, high bytes, UTF-8 pieces. */
    @Provide
    Arbitrary<byte[]> trickyName() {
        byte[] alphabet = {'\\', 'x', 'n', 'e', '9', 'f', 'a', '0', '\n', '\t', '\r', 0x01, 0x7f,
                (byte) 0xe9, (byte) 0xc3, (byte) 0xa9, (byte) 0xff, (byte) 0xfe, (byte) 0xe2, (byte) 0x80, (byte) 0xa8,
                (byte) 0xf0, (byte) 0x9f, (byte) 0x98, (byte) 0x80, (byte) 0xed, (byte) 0xa0};
        return Arbitraries.of(toList(alphabet)).list().ofMinSize(1).ofMaxSize(6).map(NamesPropertyTest::toArray);
    }

    @Provide
    Arbitrary<byte[]> anyName() {
        return Arbitraries.bytes().filter(b -> b != 0 && b != '/').array(byte[].class).ofMinSize(1).ofMaxSize(255)
                .filter(b -> !Arrays.equals(b, new byte[]{'.'}) && !Arrays.equals(b, new byte[]{'.', '.'}));
    }

    @Property(tries = 200)
    void differentNamesNeverReadTheSame(@ForAll("trickyNames") List<byte[]> names) {
        Map<String, byte[]> seen = new HashMap<>();
        for (byte[] n : names) {
            String text = NameBytes.text(NameBytes.path(n));
            byte[] before = seen.putIfAbsent(text, n);
            if (before != null) {
                assertThat(before).as("two names read as '%s'", text).isEqualTo(n);
            }
        }
    }

    @Provide
    Arbitrary<List<byte[]>> trickyNames() {
        return trickyName().list().ofMinSize(2).ofMaxSize(60);
    }

    @Property(tries = 100)
    void textIsOneLineAndUtf8IsKept(@ForAll("anyName") byte[] name) {
        String text = NameBytes.text(NameBytes.path(name));
        assertThat(text).doesNotContain("\n").doesNotContain("\r").isNotEmpty();
    }

    @Property(tries = 50)
    void pathBytesRoundTrip(@ForAll("anyName") byte[] name) {
        Path p = NameBytes.path(name);
        assertThat(NameBytes.bytes(p)).isEqualTo(name);
        assertThat(NameBytes.bytes(Path.of("/tmp").resolve(p).getFileName())).isEqualTo(name);
    }

    /** Exhaustive over every name of up to 4 bytes from a confusable alphabet (about 22,000 names). */
    @Example
    void noTwoShortNamesReadTheSame() {
        byte[] alphabet = {'\\', 'x', 'e', '9', 'n', 'a', '\n', 0x7f, (byte) 0xe9, (byte) 0xc3, (byte) 0xa9, (byte) 0xff};
        Map<String, String> seen = new HashMap<>();
        List<byte[]> level = List.of(new byte[0]);
        for (int len = 1; len <= 4; len++) {
            List<byte[]> next = new ArrayList<>();
            for (byte[] prefix : level) {
                for (byte b : alphabet) {
                    byte[] n = Arrays.copyOf(prefix, len);
                    n[len - 1] = b;
                    next.add(n);
                    String text = NameBytes.text(NameBytes.path(n));
                    String before = seen.putIfAbsent(text, Arrays.toString(n));
                    assertThat(before).as("'%s' is the text of %s and of %s", text, before, Arrays.toString(n)).isNull();
                    assertThat(text).doesNotContain("\n");
                }
            }
            level = next;
        }
        assertThat(seen).hasSize(12 + 144 + 1728 + 20736);
    }

    @Example
    void knownTexts() {
        assertThat(NameBytes.text(NameBytes.path(new byte[]{'c', 'a', 'f', (byte) 0xe9}))).isEqualTo("caf\\xe9");
        assertThat(NameBytes.text(NameBytes.path("new\nline".getBytes()))).isEqualTo("new\\nline");
        assertThat(NameBytes.text(NameBytes.path("caf\\xe9".getBytes()))).isEqualTo("caf\\\\xe9");
        assertThat(NameBytes.text(NameBytes.path("ünï".getBytes(StandardCharsets.UTF_8)))).isEqualTo("ünï");
        assertThat(Names.display(Names.ROOT)).isEqualTo("/");
    }

    @Example
    void jobPathRefusesDotDotAndNormalises() {
        assertThat(Names.jobPath("/user_xyz/./a//b/")).isEqualTo(Path.of("user_xyz/a/b"));
        assertThat(Names.isRoot(Names.jobPath("/"))).isTrue();
        assertThat(Names.isRoot(Names.jobPath("///."))).isTrue();
        for (String bad : new String[]{"..", "/..", "/a/../b", "a/..", ""}) {
            assertThatThrownBy(() -> Names.jobPath(bad)).as(bad).isInstanceOf(SafetyException.class);
        }
    }

    private static List<Byte> toList(byte[] b) {
        Byte[] out = new Byte[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i];
        }
        return List.of(out);
    }

    private static byte[] toArray(List<Byte> l) {
        byte[] out = new byte[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = l.get(i);
        }
        return out;
    }
}

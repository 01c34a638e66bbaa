package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import pdm.PdmException;

/** The exclude pattern language, as a table: pattern, subject, is it a directory, match. */
class GlobTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0} ~ {1} (dir {2}) = {3}")
    @CsvSource(delimiter = '|', value = {
            // literal names
            "core|core|false|true",
            "core|core.1|false|false",
            // * and ? stay inside one component
            "*.log|x.log|false|true",
            "*.log|.log|false|true",
            "*.log|a/x.log|false|false",
            "a/*|a/x|false|true",
            "a/*|a/x/y|false|false",
            "?.txt|a.txt|false|true",
            "?.txt|ab.txt|false|false",
            "a?b|a/b|false|false",
            // ** crosses directories, and /**/ may be no directory at all
            "a/**|a/x/y/z|false|true",
            "a/**|a|false|false",
            "a/**/z|a/z|false|true",
            "a/**/z|a/x/y/z|false|true",
            "**/z|z|false|true",
            "**/z|q/z|false|true",
            "a**z|a/b/z|false|true",
            // classes
            "[abc].o|b.o|false|true",
            "[abc].o|d.o|false|false",
            "[a-c].o|c.o|false|true",
            "[!a-c].o|d.o|false|true",
            "[^a-c].o|a.o|false|false",
            "[]x]|]|false|true",
            "a[/]b|a/b|false|false",
            // escapes
            "\\*|*|false|true",
            "\\*|x|false|false",
            "a\\[b|a[b|false|true",
            // trailing / means directories only
            "cache/|cache|true|true",
            "cache/|cache|false|false",
            "/build/|build|true|true",
    })
    void matches(String pattern, String subject, boolean isDir, boolean expected) {
        Glob g = Glob.compile(b(pattern), "--exclude");
        assertThat(g.matches(b(subject), isDir)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "core|false", "*.log|false", "cache/|false", "/build|true", "a/b|true", "**/z|true", "/x/|true"})
    void aSlashAnchors(String pattern, boolean anchored) {
        assertThat(Glob.compile(b(pattern), "--exclude").anchored()).isEqualTo(anchored);
    }

    @org.junit.jupiter.api.Test
    void bytesAreMatchedExactlyWhateverTheirEncoding() {
        byte[] latin1 = {'c', 'a', 'f', (byte) 0xe9};
        byte[] utf8 = b("café");
        Glob exact = Glob.compile(latin1, "--exclude-from x:");
        assertThat(exact.matches(latin1, false)).isTrue();
        assertThat(exact.matches(utf8, false)).as("the UTF-8 spelling is other bytes").isFalse();
        Glob oneByte = Glob.compile(b("caf?"), "--exclude");
        assertThat(oneByte.matches(latin1, false)).as("? is one byte").isTrue();
        assertThat(oneByte.matches(utf8, false)).as("é is two bytes in UTF-8").isFalse();
        Glob range = Glob.compile(new byte[]{'[', (byte) 0x80, '-', (byte) 0xff, ']', '*'}, "--exclude");
        assertThat(range.matches(latin1, false)).isFalse();
        assertThat(range.matches(new byte[]{(byte) 0xe9, 'x'}, false)).as("byte ranges above 0x7f").isTrue();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "''|matches no name",
            "/|matches no name",
            "//|matches no name",
            "a[bc|no closing ']'",
            "abc\\|lone '\\'",
    })
    void badPatternsAreRefusedNamingThem(String pattern, String why) {
        assertThatThrownBy(() -> Glob.compile(b(pattern), "--exclude"))
                .isInstanceOf(PdmException.class)
                .hasMessageContaining("--exclude pattern '" + pattern + "' is not valid")
                .hasMessageContaining(why);
    }
}

package pdm.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import pdm.fs.Entry;
import pdm.fs.FileMeta;
import pdm.fs.FileType;

/**
 * {@link Walker#merge}: two listings in any order become one list sorted by name bytes, each
 * name once, with the source's and the target's metadata side by side (rclone's march_test.go:
 * listings in, srcOnly/dstOnly/match out). "a" is in the source only, "a>" in the target only,
 * "a=" on both sides.
 */
class WalkerMergeTest {
    private static final FileMeta SRC = new FileMeta(FileType.FILE, 0644, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0);
    private static final FileMeta TGT = new FileMeta(FileType.DIR, 0755, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0);

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("both empty", List.of(), List.of(), List.of()),
                Arguments.of("source only", List.of("b", "a"), List.of(), List.of("a<", "b<")),
                Arguments.of("target only", List.of(), List.of("b", "a"), List.of("a>", "b>")),
                Arguments.of("same names", List.of("a", "b"), List.of("b", "a"), List.of("a=", "b=")),
                Arguments.of("interleaved", List.of("a", "c", "e"), List.of("b", "c", "d", "f"),
                        List.of("a<", "b>", "c=", "d>", "e<", "f>")),
                Arguments.of("unsorted input", List.of("z", "m", "a"), List.of("m", "b"),
                        List.of("a<", "b>", "m=", "z<")),
                Arguments.of("byte order: upper case first", List.of("a", "B"), List.of("b", "A"),
                        List.of("A>", "B<", "a<", "b>")),
                Arguments.of("prefixes", List.of("ab", "a"), List.of("a.b", "abc"),
                        List.of("a<", "a.b>", "ab<", "abc>")),
                Arguments.of("target ends first", List.of("a", "x", "y"), List.of("a"), List.of("a=", "x<", "y<")),
                Arguments.of("source ends first", List.of("a"), List.of("a", "x", "y"), List.of("a=", "x>", "y>")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void mergesTwoListings(String name, List<String> src, List<String> tgt, List<String> expected) {
        List<Pair> merged = Walker.merge(entries(src, SRC), entries(tgt, TGT));
        List<String> got = new ArrayList<>();
        for (Pair p : merged) {
            assertThat(p.src() == null || p.src() == SRC).isTrue();
            assertThat(p.tgt() == null || p.tgt() == TGT).isTrue();
            String side = p.src() != null && p.tgt() != null ? "=" : p.src() != null ? "<" : ">";
            got.add(p.name() + side);
        }
        assertThat(got).isEqualTo(expected);
    }

    private static List<Entry> entries(List<String> names, FileMeta meta) {
        List<Entry> out = new ArrayList<>();
        for (String n : names) {
            out.add(new Entry(Path.of(n), meta));
        }
        return out;
    }
}

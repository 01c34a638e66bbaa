package pdm.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pdm.testkit.Fx;
import pdm.testkit.Tools;

/**
 * Names typed on the command line, through the launcher as a shell passes them: bytes that Java
 * cannot be handed from a String, so bash's printf makes them.
 */
class ArgumentBytesIT {
    @TempDir
    Path tmp;

    /** Runs ./pdm from {@code tmp} through bash, the locale as given; ARGS is shell text. */
    private Tools.Output pdm(String locale, String args) {
        Path launcher = Path.of("pdm").toAbsolutePath();
        return Tools.exec(tmp, "env", "-u", "LANG", "-u", "LC_CTYPE", "LC_ALL=" + locale, "bash", "-c",
                "exec '" + launcher + "' " + args);
    }

    /** Shell text run in {@code tmp}: names checked by their bytes, whatever this JVM's locale. */
    private Tools.Output shell(String text) {
        return Tools.exec(tmp, "bash", "-c", text);
    }

    private long entries() throws IOException {
        try (Stream<Path> s = Files.list(tmp)) {
            return s.count();
        }
    }

    @Test
    void aUtf8NameWorksInTheCLocale() throws IOException {
        Fx.write(tmp.resolve("src/f"), "x");

        // (the C locale is ASCII to the JVM: this was an InvalidPathException and exit 1)
        Tools.Output r = pdm("C", "copy ./src \"./caf$(printf '\\xc3\\xa9')\"");

        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(shell("cat \"./caf$(printf '\\xc3\\xa9')/f\"").out()).isEqualTo("x");
    }

    @Test
    void anArgumentWhoseBytesAreNotUtf8IsRefusedNotTakenForAnotherName() throws IOException {
        Fx.write(tmp.resolve("src/f"), "x");
        long before = entries();

        for (String locale : new String[]{"C.UTF-8", "C"}) {
            // (the JVM had read t\xff as t\uFFFD and made that directory)
            Tools.Output r = pdm(locale, "copy ./src \"./t$(printf '\\xff')\"");

            assertThat(r.exit()).as(locale + ": " + r.err() + r.out()).isEqualTo(2);
            assertThat(r.err()).contains("'./t\\xff'").contains("not UTF-8").contains("nothing was changed");
            assertThat(entries()).as("nothing made").isEqualTo(before);
        }
    }

    @Test
    void aNameThatReallyHoldsTheReplacementCharacterPasses() throws IOException {
        Fx.write(tmp.resolve("src/f"), "x");

        Tools.Output r = pdm("C.UTF-8", "copy ./src \"./t$(printf '\\xef\\xbf\\xbd')\"");

        assertThat(r.exit()).as(r.err() + r.out()).isZero();
        assertThat(shell("cat \"./t$(printf '\\xef\\xbf\\xbd')/f\"").out()).isEqualTo("x");
    }
}

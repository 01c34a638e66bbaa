package pdm.fs.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calls behind the progress line: a terminal's width, and what a filesystem holds as stat -f sees it. */
class SysInfoTest {
    @TempDir
    Path tmp;

    @Test
    void aFileIsNoTerminal() throws IOException {
        Path f = Files.writeString(tmp.resolve("f"), "x");
        int fd = Sys.openat(Sys.ARCH.atFdcwd(), f.toString().getBytes(StandardCharsets.UTF_8), Sys.ARCH.oRdonly(), 0);
        try {
            assertThat(Sys.terminalColumns(fd)).isZero();
        } finally {
            Sys.close(fd);
        }
        assertThat(Sys.terminalColumns(-1)).as("a closed descriptor").isZero();
    }

    @Test
    void statvfsAgreesWithStatF() throws Exception {
        Process p = new ProcessBuilder("stat", "-f", "-c", "%c %d %S %b %f", tmp.toString()).start();
        String[] f = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim().split(" ");
        assertThat(p.waitFor()).isZero();
        long usedInodes = Long.parseLong(f[0]) - Long.parseLong(f[1]);
        long usedBytes = (Long.parseLong(f[3]) - Long.parseLong(f[4])) * Long.parseLong(f[2]);

        Sys.Usage u = Sys.statvfs(tmp.toString().getBytes(StandardCharsets.UTF_8));

        // other processes write to the same filesystem meanwhile: near, not equal
        assertThat((double) u.usedInodes()).isCloseTo(usedInodes, within(Math.max(1000, usedInodes * 0.01)));
        assertThat((double) u.usedBytes()).isCloseTo(usedBytes, within(Math.max(64 << 20, usedBytes * 0.01)));
    }
}

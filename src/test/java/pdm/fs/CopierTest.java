package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import pdm.testkit.Fx;

/** The data mover: exact bytes whatever the zero runs, holes where the source has zeros. */
class CopierTest {
    @TempDir
    Path tmp;

    private byte[] copy(byte[] data) throws IOException {
        Path in = Files.write(tmp.resolve("in"), data);
        Path out = tmp.resolve("out");
        Files.deleteIfExists(out);
        try (FileChannel a = FileChannel.open(in); FileChannel b = FileChannel.open(out, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE)) {
            assertThat(Copier.copy(a, b, data.length)).isEqualTo(data.length);
        }
        return Files.readAllBytes(out);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4095, 4096, 4097, 8192, (1 << 20) - 1, 1 << 20, (1 << 20) + 1, 3 * (1 << 20) + 5})
    void zeroFilesAndZeroRunsOfEverySizeArriveExactly(int size) throws IOException {
        assertThat(copy(new byte[size])).isEqualTo(new byte[size]);
        byte[] data = Fx.random(size, size);
        for (int i = 0; i < size; i += 3 * 4096) {
            Arrays.fill(data, i, Math.min(size, i + 2 * 4096), (byte) 0);
        }
        assertThat(copy(data)).isEqualTo(data);
    }

    @Test
    void trailingZerosKeepTheLength() throws IOException {
        byte[] data = new byte[5 * 4096 + 3];
        data[0] = 1;
        assertThat(copy(data)).isEqualTo(data);
    }

    @Test
    void zeroBlocksBecomeHoles() throws IOException {
        byte[] data = new byte[16 << 20];
        data[0] = 1;
        data[data.length - 1] = 2;
        copy(data);
        assertThat(Fx.allocatedBlocks(tmp.resolve("out"))).as("512-byte blocks of a 16 MiB file of two bytes").isLessThan(128);
    }

    @Test
    void sameContent() throws IOException {
        Path a = Files.write(tmp.resolve("a"), Fx.random(3 << 20, 1));
        Path b = Files.write(tmp.resolve("b"), Fx.random(3 << 20, 1));
        byte[] other = Fx.random(3 << 20, 1);
        other[(2 << 20) + 7] ^= 1;
        Path c = Files.write(tmp.resolve("c"), other);
        Path d = Files.write(tmp.resolve("d"), Arrays.copyOf(other, (3 << 20) - 1));
        try (FileChannel x = FileChannel.open(a); FileChannel y = FileChannel.open(b)) {
            assertThat(Copier.sameContent(x, y)).isTrue();
        }
        try (FileChannel x = FileChannel.open(a); FileChannel y = FileChannel.open(c)) {
            assertThat(Copier.sameContent(x, y)).isFalse();
        }
        try (FileChannel x = FileChannel.open(c); FileChannel y = FileChannel.open(d)) {
            assertThat(Copier.sameContent(x, y)).isFalse();
        }
    }
}

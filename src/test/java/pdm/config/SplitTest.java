package pdm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** split_size and chunk_size: defaults, config keys as numbers or sizes, and every bad value named. */
class SplitTest {
    @TempDir
    Path tmp;

    private PdmConfig read(String text) throws IOException {
        return new ConfigLoader().read(Files.writeString(tmp.resolve("config.toml"), text));
    }

    @Test
    void defaultsAreOneGibAndSixtyFourMib() throws IOException {
        assertThat(read("").split()).isEqualTo(new Split(1L << 30, 64L << 20));
        assertThat(PdmConfig.defaults().split()).isEqualTo(Split.DEFAULT);
    }

    @Test
    void keysAreReadAsBytesOrSizes() throws IOException {
        assertThat(read("split_size = \"4G\"\nchunk_size = \"256MiB\"\n").split())
                .isEqualTo(new Split(4L << 30, 256L << 20));
        assertThat(read("split_size = 0\n").split().splits(1L << 40)).as("0: never split").isFalse();
        assertThat(read("split_size = 1048576\nchunk_size = 262144\n").split())
                .isEqualTo(new Split(1 << 20, 256 << 10));
    }

    @Test
    void badValuesAreRefusedNamingKeyLineAndValue() {
        assertThatThrownBy(() -> read("dir_workers = 2\nchunk_size = \"100K\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 2").hasMessageContaining("chunk_size").hasMessageContaining("102400");
        assertThatThrownBy(() -> read("chunk_size = 1000000\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("multiple of 4 KiB").hasMessageContaining("1000000");
        assertThatThrownBy(() -> read("split_size = \"big\"\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("split_size").hasMessageContaining("'big' is not a size");
        assertThatThrownBy(() -> read("split_size = \"32M\"\nchunk_size = \"64M\"\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("split_size")
                .hasMessageContaining("at least chunk_size").hasMessageContaining("raise split_size or lower chunk_size");
        assertThatThrownBy(() -> read("split_size = -1\n")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("split_size").hasMessageContaining("-1");
    }

    @Test
    void rangesCoverTheFileExactlyWithAShortLastOne() {
        Split s = new Split(1 << 20, 256 << 10);
        long size = (5L << 18) + 1;
        assertThat(s.splits(size)).isTrue();
        assertThat(s.splits((1 << 20) - 1)).isFalse();
        assertThat(s.ranges(size)).isEqualTo(6);
        assertThat(s.from(5)).isEqualTo(5L << 18);
        assertThat(s.to(5, size)).isEqualTo(size);
        assertThat(s.to(4, size)).isEqualTo(s.from(5));
    }

    @Test
    void sizeTextReadsUnitsAndRefusesJunk() {
        assertThat(SizeText.bytes("64M")).isEqualTo(64L << 20);
        assertThat(SizeText.bytes("1g")).isEqualTo(1L << 30);
        assertThat(SizeText.bytes("256KiB")).isEqualTo(256L << 10);
        assertThat(SizeText.bytes("4096")).isEqualTo(4096);
        assertThatThrownBy(() -> SizeText.bytes("1.5G")).hasMessageContaining("'1.5G' is not a size");
        assertThatThrownBy(() -> SizeText.bytes("99999999999999T")).hasMessageContaining("too large");
    }
}

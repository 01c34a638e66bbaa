package pdm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** One rule for units, in sizes, rates and stripe_thresholds: K is 1024, KiB is 1024, KB is 1000 (as rsync counts). */
class SizeTextTest {
    @ParameterizedTest
    @CsvSource({"1048576,1048576", "256K,262144", "256k,262144", "64M,67108864", "64MiB,67108864", "64mib,67108864",
            "64MB,64000000", "64mb,64000000", "1G,1073741824", "1GB,1000000000", "2T,2199023255552",
            "2TB,2000000000000", "512B,512", "' 4M ',4194304"})
    void bytesWithUnitsAsRsyncCountsThem(String typed, long expected) {
        assertThat(SizeText.bytes(typed)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "big", "-1M", "1.5G", "10X", "M", "10IB", "10MBB", "10 M"})
    void anythingElseIsRefusedNamingTheValueAndTheUnits(String typed) {
        assertThatThrownBy(() -> SizeText.bytes(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + typed + "'")
                .hasMessageContaining("KB, MB, GB, TB (powers of 1000)");
    }

    @ParameterizedTest
    @CsvSource({"'',1", "B,1", "K,1024", "KIB,1024", "KB,1000", "P,1125899906842624", "PB,1000000000000000"})
    void factorsOfEveryUnit(String unit, long expected) {
        assertThat(SizeText.factor(unit)).isEqualTo(expected);
    }
}

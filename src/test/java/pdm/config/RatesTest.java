package pdm.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RatesTest {
    @ParameterizedTest
    @CsvSource({"0,0", "500000,500000", "800K,819200", "800k,819200", "1.5M,1572864", "2G,2147483648",
            "1T,1099511627776", "10MiB,10485760", "10MB/s,10000000", "1.5mb,1500000", "800kB/s,800000",
            "' 4M ',4194304", "100B/s,100"})
    void bytesPerSecondWithUnitsAsRsyncCountsThem(String typed, long expected) {
        assertThat(Rates.bytesPerSecond(typed)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "fast", "-1M", "10X", "1.5.2M", "M", "0.5", "10MIBB", "10iB"})
    void anythingElseIsRefusedNamingTheValue(String typed) {
        assertThatThrownBy(() -> Rates.bytesPerSecond(typed))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + typed + "'");
    }
}

package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class XattrScopeTest {
    @ParameterizedTest(name = "{0} keeps {1}: {2}")
    @CsvSource({
            "ALL, user.a, true", "ALL, security.capability, true", "ALL, security.selinux, true",
            "ALL, trusted.t, true", "ALL, trusted.lov, false", "ALL, trusted.lma, false", "ALL, trusted.link, false",
            "ALL, trusted.som, false", "ALL, trusted.hsm, false", "ALL, trusted.fid, false", "ALL, lustre.lov, false",
            "ALL, trusted.lovely, true",
            "USER, user.a, true", "USER, trusted.t, false", "USER, security.capability, false",
            "NONE, user.a, false", "NONE, trusted.t, false"})
    void keeps(XattrScope scope, String name, boolean kept) {
        assertThat(scope.keeps(name)).isEqualTo(kept);
    }

    @ParameterizedTest
    @CsvSource({"all, ALL", "User, USER", "' none ', NONE"})
    void parsesTheWordsOfConfigAndCommandLine(String word, XattrScope s) {
        assertThat(XattrScope.parse(word, "x")).isEqualTo(s);
    }

    @org.junit.jupiter.api.Test
    void aWrongWordIsNamedWithWhereItCameFrom() {
        assertThatThrownBy(() -> XattrScope.parse("some", "--xattrs"))
                .hasMessage("--xattrs: xattrs must be \"all\", \"user\" or \"none\", not \"some\"");
    }
}

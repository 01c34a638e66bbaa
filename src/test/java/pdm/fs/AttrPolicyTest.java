package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AttrPolicyTest {
    @Test
    void aclsHaveTheirOwnSwitchWhateverTheXattrScope() {
        AttrPolicy userNoAcls = new AttrPolicy(XattrScope.USER, false, true);
        assertThat(userNoAcls.keeps(Acl.ACCESS)).isFalse();
        assertThat(userNoAcls.keeps("user.x")).isTrue();
        AttrPolicy noneWithAcls = new AttrPolicy(XattrScope.NONE, true, true);
        assertThat(noneWithAcls.keeps(Acl.DEFAULT)).isTrue();
        assertThat(noneWithAcls.keeps("user.x")).isFalse();
        assertThat(noneWithAcls.anyXattrs()).isTrue();
        assertThat(new AttrPolicy(XattrScope.NONE, false, true).anyXattrs()).isFalse();
    }

    @Test
    void theOptionsThatGiveAPolicy() {
        assertThat(AttrPolicy.ALL.options()).isEmpty();
        assertThat(new AttrPolicy(XattrScope.USER, false, false).options()).isEqualTo("--xattrs=user --no-acls --no-flags");
        assertThat(new AttrPolicy(XattrScope.ALL, true, false).options()).isEqualTo("--no-flags");
    }

    @Test
    void withoutRootTrustedAndSecurityNamesCannotBeSet() {
        assertThat(Attrs.settable("trusted.t", false)).isFalse();
        assertThat(Attrs.settable("security.capability", false)).isFalse();
        assertThat(Attrs.settable("user.u", false)).isTrue();
        assertThat(Attrs.settable(Acl.ACCESS, false)).isTrue();
        assertThat(Attrs.settable("trusted.t", true)).isTrue();
    }
}

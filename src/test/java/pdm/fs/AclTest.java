package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Values as the kernel stores them (getfattr -e hex of real files, see the notes of issue 20). */
class AclTest {
    /** chmod 640 f; setfacl -m u:nobody:rw f. */
    static final byte[] NAMED = HexFormat.of().parseHex(
            "02000000" + "0100" + "0600" + "ffffffff" + "0200" + "0600" + "feff0000" + "0400" + "0400" + "ffffffff"
                    + "1000" + "0600" + "ffffffff" + "2000" + "0000" + "ffffffff");
    static final byte[] MINIMAL = HexFormat.of().parseHex(
            "02000000" + "0100" + "0600" + "ffffffff" + "0400" + "0400" + "ffffffff" + "2000" + "0000" + "ffffffff");

    @Test
    void readsTheEntriesWithNumericIds() {
        assertThat(Acl.describe(NAMED)).isEqualTo("user::rw-,user:65534:rw-,group::r--,mask::rw-,other::---");
        assertThat(Acl.isMinimal(NAMED)).isFalse();
    }

    @Test
    void noAclAndAMinimalOneAreTheSameAccessAcl() {
        assertThat(Acl.isMinimal(MINIMAL)).isTrue();
        assertThat(Acl.same(Acl.ACCESS, null, MINIMAL)).isTrue();
        assertThat(Acl.same(Acl.ACCESS, null, NAMED)).isFalse();
        assertThat(Acl.same(Acl.DEFAULT, null, MINIMAL)).as("a minimal default ACL is still a default ACL").isFalse();
        assertThat(Acl.same(Acl.ACCESS, NAMED, NAMED.clone())).isTrue();
    }

    @Test
    void aValueThatIsNoAclIsNamed() {
        assertThatThrownBy(() -> Acl.parse(new byte[]{2, 0, 0, 0, 1})).hasMessageContaining("5 bytes");
        assertThatThrownBy(() -> Acl.parse(new byte[]{1, 0, 0, 0})).hasMessageContaining("version 1");
        assertThat(Acl.isMinimal(new byte[]{1, 0, 0, 0})).isFalse();
    }
}

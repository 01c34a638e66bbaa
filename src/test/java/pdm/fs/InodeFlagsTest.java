package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InodeFlagsTest {
    static final int EXTENTS = 0x80000;
    static final int INLINE_DATA = 0x10000000;
    static final int CASEFOLD = 0x40000000;
    static final int JOURNAL_DATA = 0x4000;

    @Test
    void theTargetsOwnBitsStayAndOnlyTheCopiedOnesMove() {
        // ext4 refuses to clear its extents flag (EPERM): it must be written back as it is
        assertThat(InodeFlags.merge(EXTENTS | InodeFlags.NODUMP, InodeFlags.IMMUTABLE, false))
                .isEqualTo(EXTENTS | InodeFlags.IMMUTABLE);
        assertThat(InodeFlags.merge(0, INLINE_DATA | CASEFOLD | JOURNAL_DATA | InodeFlags.APPEND, false))
                .as("the source's filesystem-managed bits never travel").isEqualTo(InodeFlags.APPEND);
    }

    @Test
    void dirSyncAndProjectInheritOnlyForDirectories() {
        int both = InodeFlags.DIRSYNC | InodeFlags.PROJINHERIT | InodeFlags.NOATIME;
        assertThat(InodeFlags.copied(both, false)).isEqualTo(InodeFlags.NOATIME);
        assertThat(InodeFlags.copied(both, true)).isEqualTo(both);
        assertThat(InodeFlags.merge(0, both, false)).isEqualTo(InodeFlags.NOATIME);
    }

    @Test
    void differencesInChattrLetters() {
        assertThat(InodeFlags.difference(InodeFlags.IMMUTABLE, 0)).isEqualTo("+i");
        assertThat(InodeFlags.difference(InodeFlags.APPEND, InodeFlags.NODUMP | EXTENTS)).isEqualTo("+a -d");
        assertThat(InodeFlags.letters(InodeFlags.SYNC | InodeFlags.NOCOW | InodeFlags.PROJINHERIT)).isEqualTo("SPC");
    }
}

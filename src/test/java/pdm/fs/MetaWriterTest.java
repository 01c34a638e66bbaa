package pdm.fs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link MetaWriter#guardMode}: the bits an existing entry loses before its owner or ACL changes
 * (safety rule 10), as a table. The order of the calls themselves is checked on real files by
 * AccessWindowsIT.
 */
class MetaWriterTest {
    private static FileMeta meta(FileType type, int perms, int uid, int gid) {
        return new FileMeta(type, perms, uid, gid, 0, 0, 0, 0, 1, 1, 0, 0);
    }

    private static FileMeta file(int perms, int uid, int gid) {
        return meta(FileType.FILE, perms, uid, gid);
    }

    @Test
    void anEntryPdmMadeOwnerOnlyNeedsNoGuard() {
        assertThat(MetaWriter.guardMode(null, file(0644, 1, 2), true, true)).isEqualTo(-1);
        assertThat(MetaWriter.guardMode(file(0600, 0, 0), file(0644, 1, 2), true, true)).isEqualTo(-1);
    }

    @Test
    void anOwnerOrGroupChangeTakesTheGroupAndOtherBitsFirst() {
        assertThat(MetaWriter.guardMode(file(0640, 1, 2), file(0600, 1, 3), true, false)).isEqualTo(0600);
        assertThat(MetaWriter.guardMode(file(04755, 1, 2), file(0755, 4, 2), true, false)).isEqualTo(0700);
        assertThat(MetaWriter.guardMode(file(0750, 1, 2), file(0750, 1, 2), true, false))
                .as("same owner, no ACL: the chmod goes straight from old to new").isEqualTo(-1);
        assertThat(MetaWriter.guardMode(file(0640, 1, 2), file(0600, 1, 3), false, false))
                .as("owners not kept (not root): no chown to guard").isEqualTo(-1);
    }

    @Test
    void anAclChangeTakesThemFirstToo() {
        assertThat(MetaWriter.guardMode(file(0660, 1, 2), file(0660, 1, 2), true, true)).isEqualTo(0600);
        assertThat(MetaWriter.guardMode(file(0604, 1, 2), file(0600, 1, 2), false, true)).isEqualTo(0600);
        assertThat(MetaWriter.guardMode(meta(FileType.DIR, 0775, 1, 2), meta(FileType.DIR, 0770, 1, 2), true, true))
                .isEqualTo(0700);
    }

    @Test
    void aSymlinkHasNoModeToGuard() {
        assertThat(MetaWriter.guardMode(meta(FileType.SYMLINK, 0777, 1, 2), meta(FileType.SYMLINK, 0777, 3, 4), true,
                true)).isEqualTo(-1);
    }
}

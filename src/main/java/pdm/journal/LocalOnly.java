package pdm.journal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import pdm.PdmException;
import pdm.fs.linux.NameBytes;
import pdm.fs.linux.Fanotify;

/**
 * fanotify sees what this node's kernel does, nothing more: on a network or cluster filesystem
 * another client's changes never reach it, so a journal there would vouch for what it never saw.
 */
final class LocalOnly {
    /** statfs f_type magic numbers (linux/magic.h and the filesystems' own headers). */
    private static final Map<Long, String> SHARED = Map.of(
            0x6969L, "NFS",
            0x0BD00BD0L, "Lustre",
            0x47504653L, "GPFS",
            0x00C36400L, "CephFS",
            0x19830326L, "BeeGFS",
            0xFF534D42L, "CIFS",
            0xFE534D42L, "SMB2",
            0x65735546L, "FUSE",
            0x20030528L, "OrangeFS",
            0x5346414FL, "AFS");

    private LocalOnly() {
    }

    static void require(Path dir) throws IOException {
        String kind = SHARED.get(Fanotify.fsType(NameBytes.bytes(dir)));
        if (kind != null) {
            throw new PdmException(dir + " is on " + kind + ", a network or cluster filesystem: fanotify would see only "
                    + "this node's changes, so pdm watch refuses it. On Lustre, name the source by its config name with "
                    + "type = \"lustre\" and changelog_user set: pdm watch then reads the MDTs' changelogs; other "
                    + "filesystems have no change source yet: run full passes there");
        }
    }
}

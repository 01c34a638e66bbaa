package pdm.fs;

import java.util.Locale;
import java.util.Set;

/**
 * Which extended attributes a copy keeps ({@code xattrs = "all" | "user" | "none"} of the
 * target's datasource, {@code --xattrs=}). The POSIX ACLs are xattrs too, but have their own
 * switch ({@link AttrPolicy#acls}); this scope decides every other name.
 */
public enum XattrScope {
    /** Every namespace: user.*, security.* (capabilities, SELinux labels), trusted.*; not a filesystem's own names. */
    ALL,
    /** user.* only. */
    USER,
    /** None. */
    NONE;

    /**
     * The names a Lustre filesystem manages itself (its layout, FIDs, links, HSM state): copying
     * them would corrupt the target's. The list of dcp's {@code --xattrs non-lustre}, its default
     * (mpifileutils src/common/mfu_flist_copy.c, from lustre_idl.h); the layout has its own policy.
     */
    static final Set<String> LUSTRE_NAMES = Set.of("trusted.som", "trusted.lov", "trusted.lma", "trusted.lmv",
            "trusted.dmv", "trusted.link", "trusted.fid", "trusted.version", "trusted.hsm", "trusted.lfsck_bitmap",
            "trusted.dummy");

    /**
     * The names XFS shows root beside the kernel's own: its on-disk form of the POSIX ACLs
     * (trusted.SGI_ACL_FILE, _DEFAULT: the ACLs are copied as system.posix_acl_*, so writing or
     * removing these too would give another filesystem a stray copy, and remove an XFS target's
     * ACLs when its source is not XFS), of capabilities and of old DMAPI and MAC labels; and
     * security.evm, which only the kernel may write. The names libattr's /etc/xattr.conf marks
     * "skip", which cp -a and tar leave alone too.
     */
    static final Set<String> FS_NAMES = Set.of("trusted.SGI_ACL_FILE", "trusted.SGI_ACL_DEFAULT",
            "trusted.SGI_CAP_FILE", "trusted.SGI_MAC_FILE", "security.evm");

    /**
     * Whether a name is one a filesystem manages itself (Lustre's, XFS's own forms, EVM's), never
     * copied, compared, removed nor counted as left out by pdm.
     */
    public static boolean managed(String name) {
        return name.startsWith("lustre.") || LUSTRE_NAMES.contains(name) || FS_NAMES.contains(name)
                || name.startsWith("trusted.SGI_DMI_") || name.startsWith("xfsroot.");
    }

    /** Whether this scope keeps the xattr {@code name} (an ACL name is decided by {@link AttrPolicy}). */
    public boolean keeps(String name) {
        return switch (this) {
            case ALL -> !managed(name);
            case USER -> name.startsWith("user.");
            case NONE -> false;
        };
    }

    /** The word of config.toml and the command line. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code "all"}, {@code "user"} or {@code "none"}, any case. */
    public static XattrScope parse(String word, String where) {
        for (XattrScope s : values()) {
            if (s.word().equalsIgnoreCase(word.strip())) {
                return s;
            }
        }
        throw new IllegalArgumentException(where + ": xattrs must be \"all\", \"user\" or \"none\", not \"" + word + "\"");
    }
}

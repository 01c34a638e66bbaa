package pdm.fs;

/**
 * Which attributes beyond owner, mode and times a copy keeps, compares and refuses to lose.
 *
 * @param xattrs the xattr namespaces kept (ACLs aside)
 * @param acls   POSIX ACLs: {@code system.posix_acl_access} and, on directories, {@code _default}
 *               ({@code --no-acls} drops them)
 * @param flags  inode flags (chattr) and project IDs ({@code --no-flags} drops them)
 */
public record AttrPolicy(XattrScope xattrs, boolean acls, boolean flags) {
    /** Everything: the default. */
    public static final AttrPolicy ALL = new AttrPolicy(XattrScope.ALL, true, true);

    public AttrPolicy {
        if (xattrs == null) {
            throw new IllegalArgumentException("xattrs scope missing");
        }
    }

    /** Whether the xattr {@code name} is copied, compared and, where the source lacks it, removed. */
    public boolean keeps(String name) {
        return Acl.isAclName(name) ? acls : xattrs.keeps(name);
    }

    /** Whether any xattr at all is kept: else no xattr is even listed. */
    public boolean anyXattrs() {
        return acls || xattrs != XattrScope.NONE;
    }

    /** "--xattrs=user --no-acls", the options that give this policy; empty for the default. */
    public String options() {
        StringBuilder b = new StringBuilder();
        if (xattrs != XattrScope.ALL) {
            b.append("--xattrs=").append(xattrs.word());
        }
        if (!acls) {
            b.append(b.isEmpty() ? "" : " ").append("--no-acls");
        }
        if (!flags) {
            b.append(b.isEmpty() ? "" : " ").append("--no-flags");
        }
        return b.toString();
    }
}

package pdm.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A POSIX ACL as the kernel stores it in {@code system.posix_acl_access} and
 * {@code system.posix_acl_default} (linux/posix_acl_xattr.h): a little-endian version 2, then
 * entries {tag u16, perm u16, id u32}. The ids are raw numbers, so copying the value as it is
 * keeps numeric ids (rsync's --numeric-ids). pdm copies the bytes; this class only reads them
 * to compare and to show them.
 */
public final class Acl {
    public static final String ACCESS = "system.posix_acl_access";
    public static final String DEFAULT = "system.posix_acl_default";

    private static final int VERSION = 2;
    private static final int HEADER = 4;
    private static final int ENTRY = 8;
    static final int USER_OBJ = 0x01;
    static final int USER = 0x02;
    static final int GROUP_OBJ = 0x04;
    static final int GROUP = 0x08;
    static final int MASK = 0x10;
    static final int OTHER = 0x20;
    private static final long NO_ID = 0xffffffffL;

    /** One entry: tag, permission bits (r 4, w 2, x 1) and the uid or gid of a named entry. */
    public record Entry(int tag, int perm, long id) {
        @Override
        public String toString() {
            String who = switch (tag) {
                case USER_OBJ -> "user:";
                case USER -> "user:" + id;
                case GROUP_OBJ -> "group:";
                case GROUP -> "group:" + id;
                case MASK -> "mask:";
                case OTHER -> "other:";
                default -> "tag" + tag + ":" + id;
            };
            return who + ":" + ((perm & 4) != 0 ? "r" : "-") + ((perm & 2) != 0 ? "w" : "-")
                    + ((perm & 1) != 0 ? "x" : "-");
        }
    }

    private Acl() {
    }

    public static boolean isAclName(String name) {
        return name.equals(ACCESS) || name.equals(DEFAULT);
    }

    /** The entries of a value; an IllegalArgumentException naming what is wrong for a value that is none. */
    public static List<Entry> parse(byte[] value) {
        if (value.length < HEADER || (value.length - HEADER) % ENTRY != 0) {
            throw new IllegalArgumentException("not a POSIX ACL value: " + value.length + " bytes");
        }
        ByteBuffer b = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN);
        int version = b.getInt();
        if (version != VERSION) {
            throw new IllegalArgumentException("POSIX ACL version " + version + ", not " + VERSION);
        }
        List<Entry> out = new ArrayList<>();
        while (b.hasRemaining()) {
            int tag = Short.toUnsignedInt(b.getShort());
            int perm = Short.toUnsignedInt(b.getShort());
            long id = Integer.toUnsignedLong(b.getInt());
            out.add(new Entry(tag, perm, tag == USER || tag == GROUP ? id : NO_ID));
        }
        return out;
    }

    /**
     * Whether an access ACL says no more than the mode does (user::, group::, other:: only).
     * The kernel does not store such a value: it sets the mode and lists no xattr. So "no ACL"
     * and a minimal one are the same thing.
     */
    public static boolean isMinimal(byte[] value) {
        if (value == null) {
            return true;
        }
        try {
            return parse(value).stream().allMatch(e -> e.tag() == USER_OBJ || e.tag() == GROUP_OBJ || e.tag() == OTHER);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * Whether two values of {@code name} (null where the entry has none) mean the same ACL: equal
     * bytes, or, for the access ACL, both no more than the mode (which is compared on its own).
     */
    public static boolean same(String name, byte[] a, byte[] b) {
        if (Arrays.equals(a, b)) {
            return true;
        }
        return name.equals(ACCESS) && isMinimal(a) && isMinimal(b);
    }

    /** "user::rw-,user:65534:rw-,..." as getfacl -n would list it, or "none". */
    public static String describe(byte[] value) {
        if (value == null) {
            return "none";
        }
        try {
            return String.join(",", parse(value).stream().map(Entry::toString).toList());
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }
}

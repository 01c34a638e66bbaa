package pdm.fs;

import java.util.Arrays;

/**
 * Extended attribute values. Which names are read, compared and written, and in which order,
 * is {@link Attrs}'s business.
 */
public final class Xattrs {
    private Xattrs() {
    }

    /** An xattr value, compared by content. */
    public record Value(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && Arrays.equals(bytes, v.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return bytes.length + " bytes";
        }
    }
}

package pdm.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Map;
import java.util.TreeMap;

/** The {@code user.*} extended attributes of a file or directory (the JDK's view shows only that namespace). */
public final class Xattrs {
    private Xattrs() {
    }

    /** Name to value; empty where the filesystem has no user xattrs. */
    public static Map<String, ByteBuffer> read(Path p) throws IOException {
        Map<String, ByteBuffer> out = new TreeMap<>();
        UserDefinedFileAttributeView view = Files.getFileAttributeView(p, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            return out;
        }
        try {
            for (String name : view.list()) {
                ByteBuffer value = ByteBuffer.allocate(view.size(name));
                view.read(name, value);
                out.put(name, value.flip());
            }
        } catch (UnsupportedOperationException e) {
            return out;
        } catch (FileSystemException e) {
            if (String.valueOf(e.getReason()).contains("not supported")) {
                return out;
            }
            throw e;
        }
        return out;
    }

    /** Copies every user xattr of {@code source} to {@code target}; a no-op where there are none. */
    public static void copy(Path source, Path target) throws IOException {
        Map<String, ByteBuffer> values = read(source);
        if (values.isEmpty()) {
            return;
        }
        UserDefinedFileAttributeView to = Files.getFileAttributeView(target, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        for (var e : values.entrySet()) {
            to.write(e.getKey(), e.getValue());
        }
    }
}

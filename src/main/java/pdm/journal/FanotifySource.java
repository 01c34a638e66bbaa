package pdm.journal;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalLong;
import pdm.fs.linux.Fanotify;

/** The kernel's fanotify events of the whole filesystem that holds the watched directory, as journal changes. */
final class FanotifySource implements ChangeSource {
    /** Idle wait between two looks at the queue: the kernel's queue is short (16,384 events). */
    private static final long IDLE_MS = 20;

    private final Fanotify fan;

    private FanotifySource(Fanotify fan) {
        this.fan = fan;
    }

    /** Refuses a network or cluster filesystem: fanotify would see only this node's changes. */
    static FanotifySource open(java.nio.file.Path watched, byte[] watchedBytes) throws IOException {
        LocalOnly.require(watched);
        return new FanotifySource(Fanotify.watch(watchedBytes));
    }

    @Override
    public boolean read(ChangeSink sink) throws IOException {
        List<Fanotify.Event> events = fan.read();
        for (Fanotify.Event e : events) {
            record(e, sink);
        }
        return !events.isEmpty();
    }

    @Override
    public long idleMs() {
        return IDLE_MS;
    }

    private void record(Fanotify.Event e, ChangeSink sink) {
        if (e.overflow()) {
            sink.gap("the kernel's event queue overflowed (more changes than the watcher read in time)");
            return;
        }
        if (e.unplaced() != null) {
            sink.gap("a change could not be placed: " + e.unplaced());
            return;
        }
        if (e.dir() == null) {
            return; // the directory is gone: its parent's delete or move says so
        }
        long m = e.mask();
        byte[] name = e.name();
        if (name == null) {
            sink.dir("A", e.dir()); // (an event without a name: all of the directory)
            return;
        }
        if (Arrays.equals(name, new byte[]{'.'})) {
            sink.dir("S", e.dir()); // the directory's own metadata
            return;
        }
        byte[] child = join(e.dir(), name);
        if ((m & (Fanotify.CREATE | Fanotify.DELETE | Fanotify.MOVED_FROM | Fanotify.MOVED_TO)) != 0) {
            sink.entry(e.dir(), name);
            if (e.onDir() && (m & (Fanotify.CREATE | Fanotify.MOVED_TO)) != 0) {
                sink.dir("T", child); // new or moved in: nothing below it was ever journaled
            }
        }
        if ((m & Fanotify.ATTRIB) != 0) {
            sink.entry(e.dir(), name);
            if (e.onDir()) {
                sink.dir("S", child); // (a directory's metadata is set when it is walked)
            } else {
                sink.attrs(child, () -> identity(e.object()));
            }
        }
        if ((m & (Fanotify.MODIFY | Fanotify.CLOSE_WRITE)) != 0 && !e.onDir()) {
            sink.entry(e.dir(), name);
            sink.written(child, () -> identity(e.object()));
        }
    }

    /**
     * While the written file lives: its inode and handle. The name a write went through can be
     * gone by the pass (renamed, or a hard link removed) while the inode lives on under another
     * name in a directory the journal never saw change; the pass looks for the inode.
     */
    private String[] identity(byte[] object) throws IOException {
        if (object == null) {
            return new String[0];
        }
        OptionalLong ino = fan.inode(object);
        return ino.isEmpty() ? new String[0]
                : new String[]{Long.toString(ino.getAsLong()), HexFormat.of().formatHex(object)};
    }

    static byte[] join(byte[] a, byte[] b) {
        boolean root = a.length == 1 && a[0] == '/';
        byte[] out = Arrays.copyOf(a, a.length + (root ? 0 : 1) + b.length);
        if (!root) {
            out[a.length] = '/';
        }
        System.arraycopy(b, 0, out, out.length - b.length, b.length);
        return out;
    }

    @Override
    public void close() {
        fan.close();
    }
}

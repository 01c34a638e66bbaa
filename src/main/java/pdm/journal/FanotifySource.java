package pdm.journal;

import java.io.IOException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import pdm.fs.linux.Fanotify;
import pdm.journal.ChangeSink.Identity;

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
        long m = e.mask();
        byte[] name = e.name();
        if (e.dir() == null) {
            // The directory is gone: its parent's delete or move says so. A file written or changed in it
            // may live on under another name where nothing else changed (a hard link made there and
            // removed with it): the watcher is told of the inode, with no name.
            if (name != null && !e.onDir() && e.object() != null) {
                Identity id = identity(e.object());
                if ((m & Fanotify.ATTRIB) != 0) {
                    sink.attrs(null, id);
                }
                if ((m & (Fanotify.MODIFY | Fanotify.CLOSE_WRITE)) != 0) {
                    sink.written(null, id);
                }
            }
            return;
        }
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
                sink.attrs(child, identity(e.object()));
            }
        }
        if ((m & (Fanotify.MODIFY | Fanotify.CLOSE_WRITE)) != 0 && !e.onDir()) {
            sink.entry(e.dir(), name);
            sink.written(child, identity(e.object()));
        }
    }

    /**
     * The event's inode: its handle at once, its number and names when the watcher asks. The name a
     * change went through can be gone by the pass (renamed, or a hard link removed) while the inode
     * lives on under another name in a directory the journal never saw change; the pass looks for it.
     */
    private Identity identity(byte[] object) {
        if (object == null) {
            return Identity.NONE;
        }
        String handle = HexFormat.of().formatHex(object);
        return new Identity() {
            @Override
            public String handle() {
                return handle;
            }

            @Override
            public Fanotify.Inode now() throws IOException {
                return fan.inode(object);
            }
        };
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

package pdm.journal;

import java.io.IOException;
import pdm.fs.linux.Fanotify;

/** What a {@link ChangeSource} tells the watcher, by absolute path (bytes); the watcher keeps what lies below its directory. */
interface ChangeSink {
    /**
     * Directory {@code dir} changed: {@code how} is E (entries made, removed or renamed, names not
     * known: all of it is compared), A (metadata of entries not named: all of it), S (its own
     * metadata: its entries are not compared) or T (new or moved in: all of it, and all below).
     */
    void dir(String how, byte[] dir);

    /**
     * The entry {@code name} of directory {@code dir} was made, removed or renamed, or its
     * metadata changed: a pass looks at that name alone (the directory's other entries did not change).
     */
    void entry(byte[] dir, byte[] name);

    /**
     * File {@code file} was written; null when the name it was written through cannot be told (its
     * directory was gone before the event was read). {@code identity} names its inode.
     */
    void written(byte[] file, Identity identity);

    /**
     * The metadata of non-directory {@code file} changed (mode, owner, xattrs, ACLs), null as for
     * {@link #written}: its inode is asked for, so that a pass finds it even when the name the change
     * went through is gone.
     */
    void attrs(byte[] file, Identity identity);

    /** A change that cannot be placed: the next pass walks everything. */
    void gap(String reason);

    /** The inode a change went to, as far as the source can name it. */
    interface Identity {
        /** For a source that names no inode (Lustre's changelog). */
        Identity NONE = new Identity() {
            @Override
            public String handle() {
                return "";
            }

            @Override
            public Fanotify.Inode now() {
                return null;
            }
        };

        /** Its file handle in hex, read with the event (no system call); "" when the source gives none. */
        String handle();

        /** Its number and count of names now, asked of the kernel; null when it is gone or cannot be named. */
        Fanotify.Inode now() throws IOException;
    }
}

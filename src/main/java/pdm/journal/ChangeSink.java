package pdm.journal;

import java.io.IOException;

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

    /** File {@code file} was written; {@code identity} gives its inode fields, asked only when the write is new since the mark. */
    void written(byte[] file, Identity identity);

    /**
     * The metadata of non-directory {@code file} changed (mode, owner, xattrs, ACLs): its inode is
     * asked for, so that a pass finds it even when the name the change went through is gone.
     */
    void attrs(byte[] file, Identity identity);

    /** A change that cannot be placed: the next pass walks everything. */
    void gap(String reason);

    /** A written file's inode and handle, or none (the file is gone, or the source has no such thing). */
    interface Identity {
        String[] fields() throws IOException;
    }
}

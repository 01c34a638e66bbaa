package pdm.engine;

import java.io.IOException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.linux.Sys;
import pdm.task.FinishTask;
import pdm.task.RangeTask;

/**
 * Keeps a big file's range writers off the file once its finish has placed it (distributed
 * mode). A range is written under a shared lock on the temp file, taken only while the temp file
 * is still under its temp name; the finish takes an exclusive lock before it sets the file's times
 * and renames it into place, and holds it until the file is placed. So no range is written into a
 * placed file: not by a worker that lost its task while stopped (SIGSTOP, a hung node) and wakes
 * up with the file still open, nor by a range the broker delivered again after its done was
 * logged. Either would move the placed file's mtime after the job had said it was done.
 *
 * <p>The locks are open file description locks (fcntl F_OFD_SETLK): shared across the nodes of
 * a filesystem that takes them (local ones, NFS with its lock manager, Lustre mounted with
 * {@code flock}); one that takes none (Lustre's default {@code noflock}) leaves the temp name
 * check alone, which a writer stopped in the middle of a chunk can still outrun.
 */
final class RangeFence {
    private static final Logger LOG = LoggerFactory.getLogger(RangeFence.class);
    /** How long a finish waits for the range writers still at work before it gives up (ms). */
    static final long FINISH_WAIT_MS = 300_000;
    private static final long POLL_MS = 50;

    private RangeFence() {
    }

    /**
     * The shared lock a range is written under, on a descriptor of the temp file to close once the
     * range is written; null when the file was placed already (this range was done before: a task
     * delivered again), which is no failure.
     */
    static FileHandle forRange(DirPair dir, RangeTask r) throws IOException {
        // (a finish holds its lock while it places the file: through an fsync of it, or the removal
        // of a tree in its way, so a range waits as long as a finish waits for ranges)
        long deadline = System.currentTimeMillis() + FINISH_WAIT_MS;
        while (true) {
            FileHandle lock;
            try {
                lock = dir.tgt().openRead(r.temp());
            } catch (java.nio.file.NoSuchFileException e) {
                if (placed(dir, r.name(), r.src(), r.tempIno())) {
                    return null;
                }
                throw e;
            }
            try {
                Sys.Lock got = lock.lockWhole(false);
                if (got != Sys.Lock.BUSY) {
                    // (under the lock: a finish that placed the file renamed the temp name away first)
                    FileMeta now = dir.tgt().stat(r.temp());
                    if (now != null && now.ino() == r.tempIno() && lock.meta().ino() == r.tempIno()) {
                        return lock;
                    }
                    lock.close();
                    if (placed(dir, r.name(), r.src(), r.tempIno())) {
                        return null;
                    }
                    throw new IOException("its temp file " + r.temp() + " was removed or replaced; not written, the "
                            + "next pass copies it");
                }
                lock.close(); // (its finish is placing the file this moment: what it finds once done tells)
                if (System.currentTimeMillis() > deadline) {
                    throw new IOException("its file is being placed by its finish; this range was not written");
                }
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while its file was being placed");
            } catch (IOException | RuntimeException e) {
                lock.close();
                throw e;
            }
        }
    }

    /**
     * The finish's exclusive lock on the temp file, waiting for the range writers still at work
     * (up to {@link #FINISH_WAIT_MS}); null where the filesystem takes no locks, or where the temp
     * file is not there as the task knows it (the finish says why). Close it once the file is placed.
     */
    static FileHandle forFinish(DirPair dir, FinishTask f, BooleanSupplier stop) throws IOException {
        if (dir.tgt() == null || f.discard() != null) {
            return null;
        }
        FileHandle lock;
        try {
            lock = dir.tgt().openWrite(f.temp());
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        }
        try {
            if (lock.meta().ino() != f.tempIno()) {
                lock.close();
                return null;
            }
            long deadline = System.currentTimeMillis() + FINISH_WAIT_MS;
            boolean told = false;
            while (true) {
                Sys.Lock got = lock.lockWhole(true);
                if (got == Sys.Lock.HELD) {
                    return lock;
                }
                if (got == Sys.Lock.UNSUPPORTED) {
                    lock.close();
                    return null;
                }
                if (!told) {
                    told = true;
                    LOG.info("{}: waiting for a range of it still being written before it is placed",
                            dir.display(f.name()));
                }
                if (stop.getAsBoolean() || System.currentTimeMillis() > deadline) {
                    throw new IOException("a range of it is still being written (by a worker that lost its task, "
                            + "stopped or hung?); not placed, the next pass copies it");
                }
                Thread.sleep(POLL_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lock.close();
            throw new java.io.InterruptedIOException("interrupted while waiting for its ranges' writers");
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /**
     * The target holds under its name the temp file's inode (a rename keeps it), with the source's
     * size and mtime: its finish placed it. Not size and mtime alone: an old copy has them too.
     */
    static boolean placed(DirPair dir, java.nio.file.Path name, FileMeta src, long tempIno) throws IOException {
        FileMeta t = dir.tgt().stat(name);
        return t != null && t.isFile() && t.ino() == tempIno && t.size() == src.size() && t.mtimeNs() == src.mtimeNs();
    }
}

package pdm.lustre;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import pdm.config.LustreOptions;
import pdm.config.LustreOptions.Stripe;
import pdm.fs.Dir;
import pdm.fs.FileHandle;
import pdm.fs.FileMeta;
import pdm.fs.linux.NameBytes;

/**
 * What pdm does differently on a {@code type = "lustre"} target, all through {@code lfs}:
 * a file that needs a layout is created by {@code lfs setstripe} (empty, with its layout) and
 * only then written; a top-level directory of the job is made by {@code lfs mkdir -i MDT}; with
 * {@code stripe = "source"} a file and a new directory get their source's layout with
 * {@code lfs setstripe --copy}; and verify asks {@code lfs getstripe} whether the target has
 * what the policy asked for.
 *
 * <p>Every path given to lfs goes through a descriptor pdm holds ({@code /proc/PID/fd/N/NAME}),
 * so a directory swapped for a symlink cannot redirect lfs, and the names pdm creates through
 * lfs are its own ASCII temp names, renamed into place as every new file is.
 */
public final class LustreTarget {
    private final LustreOptions options;
    private final Lfs lfs;

    public LustreTarget(LustreOptions options) {
        this.options = options;
        this.lfs = new Lfs(options.lfs());
    }

    public LustreOptions options() {
        return options;
    }

    /**
     * Whether lfs works on the target (and, with {@code stripe = "source"}, on the source):
     * {@code lfs getstripe -d ROOT}, which fails when lfs is missing or the path is not on Lustre.
     *
     * @param source the source root, or null when the source's layouts are not needed
     */
    public void check(Path target, Path source) throws LfsException {
        lfs.run("getstripe", "-d", target.toString());
        if (source != null) {
            lfs.run("getstripe", "-d", source.toString());
        }
    }

    /** Whether files take their layout from the source (which must then be Lustre too). */
    public boolean copiesSourceLayout() {
        return options.stripe() == Stripe.SOURCE;
    }

    /** The stripe count the size policy gives a file of {@code size} bytes; empty: the directory's default. */
    /** Whether a new file of {@code size} bytes gets a layout of its own (one lfs call), or its directory's default. */
    public boolean setsLayout(long size) {
        return options.stripe() == Stripe.SOURCE || stripeCount(size).isPresent();
    }

    public OptionalInt stripeCount(long size) {
        if (options.stripe() != Stripe.SIZE) {
            return OptionalInt.empty();
        }
        OptionalInt count = OptionalInt.empty();
        for (LustreOptions.Threshold t : options.thresholds()) {
            if (size > t.bytes()) {
                count = OptionalInt.of(t.count());
            }
        }
        return count;
    }

    /**
     * The MDT of a top-level directory: FNV-1a (64 bit) of its name's bytes, modulo {@code mds}.
     * A hash, not a round robin: every node and every pass gets the same index for the same
     * name, whatever order the names are listed in and whichever of them already exist.
     */
    public static int mdtOf(byte[] name, int mds) {
        long h = 0xcbf29ce484222325L;
        for (byte b : name) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return (int) Long.remainderUnsigned(h, mds);
    }

    /** The MDT a top-level directory {@code name} goes to; empty when mds is off. */
    public OptionalInt mdtOf(Path name) {
        return options.mds() == 0 ? OptionalInt.empty() : OptionalInt.of(mdtOf(NameBytes.bytes(name), options.mds()));
    }

    /**
     * Creates the empty temp file {@code tmp} in {@code tgt} for the data of {@code source}
     * ({@code size} bytes) and opens it for writing. A file the policy gives a layout is made by
     * lfs with that layout before any data exists (Lustre sets a layout only on a file without
     * data objects); any other is created as on POSIX, with no process started.
     */
    public FileHandle createFile(Dir tgt, Path tmp, FileHandle source, long size) throws IOException {
        String target = tgt.procPath(Path.of(Lfs.arg(tmp)));
        if (options.stripe() == Stripe.SOURCE) {
            lfs.run("setstripe", "--copy=" + source.procPath(), target);
        } else {
            OptionalInt count = stripeCount(size);
            if (count.isEmpty()) {
                return tgt.create(tmp);
            }
            lfs.run("setstripe", "-c", Integer.toString(count.getAsInt()), target);
        }
        return tgt.openCreated(tmp);
    }

    /**
     * Makes the directory {@code name} in {@code tgt}, owner-only (its real mode comes when its
     * subtree is done). A top-level directory of the job with mds set is made by
     * {@code lfs mkdir -i MDT}; with {@code stripe = "source"} the new directory gets the source
     * directory's default layout ({@code lfs setstripe --copy}). Either is done under the temp
     * name {@code tmp}, then renamed, so a failure leaves no half-made directory under the real name.
     *
     * @param src the source directory holding {@code name}
     */
    public void makeDir(Dir tgt, Path name, Path tmp, boolean topLevel, Dir src) throws IOException {
        OptionalInt mdt = topLevel ? mdtOf(name) : OptionalInt.empty();
        boolean copyDefault = options.stripe() == Stripe.SOURCE;
        if (mdt.isEmpty() && !copyDefault) {
            tgt.mkdir(name, 0700);
            return;
        }
        String target = tgt.procPath(Path.of(Lfs.arg(tmp)));
        if (mdt.isPresent()) {
            lfs.run("mkdir", "-i", Integer.toString(mdt.getAsInt()), target);
            tgt.chmod(tmp, 0700);
        } else {
            tgt.mkdir(tmp, 0700);
        }
        boolean placed = false;
        try {
            if (copyDefault) {
                try (Dir from = src.openDir(name)) {
                    lfs.run("setstripe", "--copy=" + from.procPath(), target);
                }
            }
            tgt.rename(tmp, name);
            placed = true;
        } finally {
            if (!placed) {
                FileMeta made = tgt.stat(tmp);
                if (made != null) {
                    tgt.removeTree(tmp, made, Dir.RemovalGuard.OWN, false);
                }
            }
        }
    }

    /** How the target file's layout differs from what the policy asks (verify); empty when it does not. */
    public List<String> fileDiffs(Dir src, Dir tgt, Path name, long size) {
        List<String> d = new ArrayList<>();
        try {
            if (options.stripe() == Stripe.SOURCE) {
                String arg = Lfs.arg(name);
                String want = layout(src, arg, "-c", "-S", "-p");
                String have = layout(tgt, arg, "-c", "-S", "-p");
                if (!want.equals(have)) {
                    d.add("layout (source: " + want + "; target: " + have + ")");
                }
            } else {
                OptionalInt count = stripeCount(size);
                if (count.isPresent()) {
                    String have = layout(tgt, Lfs.arg(name), "-c");
                    if (!have.equals(Integer.toString(count.getAsInt()))) {
                        d.add("layout (stripe count " + have + ", policy: " + count.getAsInt() + ")");
                    }
                }
            }
        } catch (LfsException e) {
            d.add("layout unreadable (" + e.getMessage() + ")");
        }
        return d;
    }

    /** How a target directory differs from the policy: its MDT (top-level with mds), its default layout (source mode). */
    public List<String> dirDiffs(Dir src, Dir tgt, Path name, boolean topLevel) {
        List<String> d = new ArrayList<>();
        try {
            OptionalInt mdt = topLevel ? mdtOf(name) : OptionalInt.empty();
            if (mdt.isPresent()) {
                String have = layout(tgt, Lfs.arg(name), "-m");
                if (!have.equals(Integer.toString(mdt.getAsInt()))) {
                    d.add("MDT index " + have + ", policy: " + mdt.getAsInt());
                }
            }
            if (options.stripe() == Stripe.SOURCE) {
                String arg = Lfs.arg(name);
                String want = layout(src, arg, "-d", "-c", "-S", "-p");
                String have = layout(tgt, arg, "-d", "-c", "-S", "-p");
                if (!want.equals(have)) {
                    d.add("default layout (source: " + want + "; target: " + have + ")");
                }
            }
        } catch (LfsException e) {
            d.add("layout unreadable (" + e.getMessage() + ")");
        }
        return d;
    }

    /** {@code lfs getstripe OPTIONS DIR/NAME}, its output on one line with single spaces. */
    private String layout(Dir dir, String name, String... options) throws LfsException {
        String[] args = new String[options.length + 2];
        args[0] = "getstripe";
        System.arraycopy(options, 0, args, 1, options.length);
        args[args.length - 1] = dir.procPath(Path.of(name));
        return lfs.run(args).strip().replaceAll("\\s+", " ");
    }
}

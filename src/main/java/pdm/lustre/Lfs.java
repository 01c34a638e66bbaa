package pdm.lustre;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import pdm.fs.linux.NameBytes;

/**
 * Runs Lustre's {@code lfs} command, the interface every Lustre site has: one process per
 * call, with {@code LC_ALL=C} so its messages do not depend on the user's locale. A call
 * that cannot start or exits non-zero is an {@link LfsException} with what lfs printed.
 */
public final class Lfs {
    /** How the JVM encodes process arguments: a name that does not survive it cannot be given to lfs. */
    private static final Charset ARGS = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"),
            StandardCharsets.UTF_8);
    private static final int MESSAGE = 400;

    private final String command;

    /** @param command an absolute path, or a name looked up on PATH (lfs_path) */
    public Lfs(String command) {
        this.command = command;
    }

    public String command() {
        return command;
    }

    /** Runs {@code lfs ARGS}; returns its standard output. */
    public String run(String... args) throws LfsException {
        List<String> cmd = new ArrayList<>(args.length + 1);
        cmd.add(command);
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("LC_ALL", "C");
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new LfsException("cannot run lfs (lfs_path = \"" + command + "\"): " + cause(e), e);
        }
        try (InputStream out = p.getInputStream(); InputStream err = p.getErrorStream()) {
            p.getOutputStream().close();
            // (stderr read beside stdout: a chatty lfs must not block on a full pipe)
            CompletableFuture<byte[]> errBytes = CompletableFuture.supplyAsync(() -> readQuietly(err),
                    r -> Thread.ofVirtual().start(r));
            String stdout = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            int exit = p.waitFor();
            if (exit != 0) {
                String stderr = new String(errBytes.join(), StandardCharsets.UTF_8).strip();
                String said = stderr.isEmpty() ? stdout.strip() : stderr;
                throw new LfsException("lfs " + args[0] + " failed (exit " + exit + "): "
                        + (said.length() > MESSAGE ? said.substring(0, MESSAGE) + "..." : said));
            }
            errBytes.join();
            return stdout;
        } catch (IOException e) {
            throw new LfsException("lfs " + args[0] + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LfsException("lfs " + args[0] + " was interrupted", e);
        } finally {
            p.destroy();
        }
    }

    /**
     * A name as an argument: refused when the JVM cannot pass its exact bytes (a non-UTF-8
     * name, or any non-ASCII one under the C locale), since lfs would be given another name.
     */
    public static String arg(Path name) throws LfsException {
        byte[] exact = NameBytes.bytes(name);
        String text = name.toString();
        if (!Arrays.equals(exact, text.getBytes(ARGS)) || !text.equals(new String(exact, ARGS))) {
            throw new LfsException("its name cannot be given to lfs exactly (not valid in the " + ARGS.name()
                    + " encoding of pdm's locale; run pdm with LANG=C.UTF-8)");
        }
        return text;
    }

    private static byte[] readQuietly(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private static String cause(IOException e) {
        String m = e.getMessage();
        int i = m == null ? -1 : m.indexOf("error=");
        return i >= 0 ? m.substring(i) : String.valueOf(m);
    }
}

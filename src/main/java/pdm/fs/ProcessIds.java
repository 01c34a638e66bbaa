package pdm.fs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's effective uid and gid, as the kernel checks ownership by them (-1: not known). */
public final class ProcessIds {
    private static final long[] IDS = read();

    private ProcessIds() {
    }

    public static long uid() {
        return IDS[0];
    }

    public static long gid() {
        return IDS[1];
    }

    private static long[] read() {
        long uid = -1;
        long gid = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.split("\\s+")[2]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through to the user name
        }
        if (uid == -1 && "root".equals(System.getProperty("user.name"))) {
            uid = 0;
        }
        return new long[]{uid, gid};
    }
}

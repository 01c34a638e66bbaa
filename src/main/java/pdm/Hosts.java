package pdm;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This machine's name, as worker ids, job submitters and log lines show it. */
public final class Hosts {
    private static final String NAME = lookUp();

    private Hosts() {
    }

    public static String name() {
        return NAME;
    }

    /** This process as worker ids, done events and metrics name it: host:pid. */
    public static String processId() {
        return NAME + ":" + ProcessHandle.current().pid();
    }

    /** The host of a process id (host:pid). */
    public static String hostOf(String processId) {
        int colon = processId.lastIndexOf(':');
        return colon < 0 ? processId : processId.substring(0, colon);
    }

    /**
     * The kernel's host name, as {@code hostname} prints it, read from /proc: the name
     * {@link InetAddress#getLocalHost()} starts from too, but that one then asks the resolver for
     * the name's address, a DNS query on a node whose name is in no hosts file (a stall at every
     * start where the DNS server is slow or gone), after reading net.properties (6% of a start's samples).
     */
    private static String lookUp() {
        try {
            String name = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
            if (!name.isEmpty()) {
                return name;
            }
        } catch (IOException | RuntimeException e) {
            // (no /proc: the resolver's way below)
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

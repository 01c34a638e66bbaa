package pdm;

import java.net.InetAddress;
import java.net.UnknownHostException;

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

    private static String lookUp() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

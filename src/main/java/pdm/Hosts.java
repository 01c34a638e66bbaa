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

    private static String lookUp() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "unknown-host";
        }
    }
}

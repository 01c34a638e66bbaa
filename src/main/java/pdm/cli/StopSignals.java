package pdm.cli;

import sun.misc.Signal;

/** SIGTERM, SIGHUP and SIGINT ask a long-running service (worker, monitor) to stop. */
final class StopSignals {
    private StopSignals() {
    }

    /**
     * Our own handlers, not shutdown hooks: the JVM would exit 143/129 after the hooks, and a
     * graceful stop must end with 0 once the service has finished what it holds.
     */
    static void onStop(Runnable stop) {
        for (String sig : new String[]{"TERM", "HUP", "INT"}) {
            Signal.handle(new Signal(sig), s -> stop.run());
        }
    }
}

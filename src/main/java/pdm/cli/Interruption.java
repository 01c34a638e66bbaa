package pdm.cli;

import java.util.HashMap;
import java.util.Map;
import pdm.engine.Engine;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM during an embedded pass. The first asks the engine to stop cleanly (no
 * new work, files in flight finished or undone, the summary says "interrupted"; the command
 * then exits 130 or 143); a second one exits at once. Our own handlers, not shutdown hooks:
 * a hook runs after the JVM has begun to exit and could not print the summary in order.
 */
final class Interruption implements AutoCloseable {
    private final Map<Signal, SignalHandler> previous = new HashMap<>();
    private volatile int signal;
    private Engine engine;

    private Interruption() {
    }

    /** Installed as early as the command can: a signal before the engine exists stops it as it starts. */
    static Interruption install() {
        Interruption i = new Interruption();
        for (String name : new String[]{"INT", "TERM"}) {
            Signal sig = new Signal(name);
            i.previous.put(sig, Signal.handle(sig, i::received));
        }
        return i;
    }

    /** The engine the signals stop from now on. */
    synchronized void stops(Engine e) {
        engine = e;
        if (signal != 0) {
            e.interrupt();
        }
    }

    private synchronized void received(Signal s) {
        // (a progress line may be on the terminal: the message starts on a line of its own)
        String lead = System.console() != null ? System.lineSeparator() : "";
        if (signal != 0) {
            System.err.println(lead + "pdm: SIG" + s.getName() + " again: quitting at once (temp files of the files "
                    + "in flight may be left; the next pass removes them)");
            Runtime.getRuntime().halt(128 + s.getNumber());
        }
        signal = s.getNumber();
        System.err.println(lead + "pdm: SIG" + s.getName() + ": stopping; the files in flight are finished or "
                + "undone (press Ctrl-C again to quit at once)");
        if (engine != null) {
            engine.interrupt();
        }
    }

    /** The number of the first signal received, or 0. */
    int signal() {
        return signal;
    }

    @Override
    public void close() {
        previous.forEach(Signal::handle);
    }
}

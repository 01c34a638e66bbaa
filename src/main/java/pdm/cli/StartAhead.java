package pdm.cli;

import java.util.Set;
import pdm.fs.linux.Sys;

/**
 * What a job needs before its first entry and the command line's parsing does not, begun on a
 * second thread while picocli models the command on the first: the system call stub, which
 * java.lang.foreign spins as a class at every start (a fifth of the main thread's samples of a
 * start: JFR, with an AOT cache trained under it). Only the commands that run jobs ask for it;
 * help and the broker's commands do not pay for it. Not the logging setup: while it runs on
 * one thread, SLF4J hands the others stand-in loggers, which pdm.cli.Logging cannot configure
 * (--log-file and --log-format were lost that way).
 */
final class StartAhead {
    private static final Set<String> JOBS = Set.of("copy", "delete", "clear", "dirtimes", "verify", "sync", "worker",
            "watch");
    /** Why the work failed (a platform pdm refuses), for Main to give the reason the main thread would have. */
    private static volatile Throwable failure;
    private static volatile Thread thread;

    private StartAhead() {
    }

    /** Begins the work when {@code args} name a command that runs jobs. */
    static void begin(String... args) {
        if (args.length > 0 && JOBS.contains(args[0])) {
            thread = Thread.ofPlatform().daemon().name("pdm-start").start(StartAhead::run);
        }
    }

    private static void run() {
        try {
            Sys.terminalColumns(2); // (a read-only ioctl: loads the system call layer and makes its first call)
        } catch (Throwable t) {
            // The main thread meets the same failure where it first needs the class, as a
            // NoClassDefFoundError that no longer carries the reason: Main reads it here.
            failure = t;
        }
    }

    /**
     * What failed on the start thread, or null; waits for it to end (a few seconds at most): the
     * main thread may meet the class that failed there before that thread has said why.
     */
    static Throwable failure() {
        Thread t = thread;
        if (t != null) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return failure;
    }
}

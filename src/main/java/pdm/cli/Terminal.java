package pdm.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import pdm.fs.linux.Sys;

/**
 * The terminal the progress line is drawn on (stderr), and the one rule that keeps it clean:
 * whatever else is written to stdout or stderr (a WARN line, an -i line) first erases the
 * progress line, which the next update draws again below it. Without this a log line would
 * start where the progress line ends and leave it behind, stale.
 */
final class Terminal implements AutoCloseable {
    /** Back to the start of the row, erase to its end (VT100/ECMA-48 EL). */
    static final String ERASE = "\r\033[K";

    private final PrintStream err;
    private final PrintStream oldOut;
    private final PrintStream oldErr;
    private boolean drawn;

    private Terminal(PrintStream out, PrintStream err) {
        this.oldOut = out;
        this.oldErr = err;
        this.err = err;
    }

    /** Columns of stderr's terminal ($COLUMNS first, as a user may set it), or 0 when stderr is no terminal. */
    static int columns() {
        int tty = Sys.terminalColumns(2);
        if (tty <= 0) {
            return 0;
        }
        String env = System.getenv("COLUMNS");
        if (env != null && env.matches("[0-9]{1,4}") && Integer.parseInt(env) > 0) {
            return Integer.parseInt(env);
        }
        return tty;
    }

    /** On a terminal: a Terminal that owns System.out and System.err until closed; else null. */
    static Terminal onStderr() {
        if (columns() <= 0) {
            return null;
        }
        Terminal t = new Terminal(System.out, System.err);
        System.setOut(t.guarded(t.oldOut, Sys.terminalColumns(1) > 0));
        System.setErr(t.guarded(t.oldErr, true));
        return t;
    }

    /** Draws {@code line} in place of the previous one. */
    synchronized void draw(String line) {
        err.print("\r" + line + "\033[K");
        err.flush();
        drawn = true;
    }

    /** Erases the progress line, if one is shown. */
    synchronized void erase() {
        if (drawn) {
            err.print(ERASE);
            err.flush();
            drawn = false;
        }
    }

    @Override
    public synchronized void close() {
        erase();
        System.setOut(oldOut);
        System.setErr(oldErr);
    }

    /** A stream that erases the progress line before its first byte (only when it shares the terminal). */
    private PrintStream guarded(PrintStream target, boolean sameTerminal) {
        if (!sameTerminal) {
            return target;
        }
        OutputStream o = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (Terminal.this) {
                    erase();
                    target.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (Terminal.this) {
                    erase();
                    target.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                target.flush();
            }
        };
        return new PrintStream(o, true, target.charset());
    }
}

package pdm.cli;

import pdm.PdmException;
import picocli.CommandLine;

/** Turns refusals into one line on stderr and exit 2; anything unexpected into exit 1 with its trace. */
final class Errors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof PdmException p) {
            cmd.getErr().println("pdm: " + p.getMessage());
            return p.exitCode();
        }
        if (e instanceof InterruptedException) {
            cmd.getErr().println("pdm: interrupted");
            return 1;
        }
        cmd.getErr().println("pdm: unexpected error (a bug in pdm; please report it with this trace):");
        e.printStackTrace(cmd.getErr());
        return 1;
    }
}

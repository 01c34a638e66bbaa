package pdm.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import pdm.PdmException;
import pdm.Secrets;
import picocli.CommandLine;

/**
 * Turns refusals into one line on stderr and exit 2; anything unexpected into exit 1 with its
 * trace. Everything goes through {@link Secrets#mask}: an argument quoted back (a connect string
 * given where a job id was expected, a value in a usage error) may hold a password.
 */
final class Errors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        if (e instanceof PdmException p) {
            cmd.getErr().println("pdm: " + Secrets.mask(p.getMessage()));
            return p.exitCode();
        }
        if (e instanceof InterruptedException) {
            cmd.getErr().println("pdm: interrupted");
            return 1;
        }
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        cmd.getErr().println("pdm: unexpected error (a bug in pdm; please report it with this trace):");
        cmd.getErr().print(Secrets.mask(trace.toString()));
        cmd.getErr().flush();
        return 1;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println("pdm: " + Secrets.mask(e.getMessage()));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}

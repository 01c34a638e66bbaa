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
            cmd.getErr().println(onTerminal("pdm: " + Secrets.mask(p.getMessage())));
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

    /**
     * A refusal as a person reads it: on a terminal, wrapped between words at 80 columns (a long
     * one would otherwise break mid-word at the terminal's edge); elsewhere one line, for logs and
     * scripts that grep it.
     */
    static String onTerminal(String message) {
        int cols = pdm.fs.linux.Sys.terminalColumns(2);
        return cols <= 0 || message.contains("\n") ? message
                : pdm.job.Wrap.text(message, Math.min(cols, pdm.job.Wrap.COLUMNS), "  ");
    }

    /**
     * A mistyped command ({@code pdm cpoy}) gets one line with the nearest commands, not the
     * error and the usage of every command.
     */
    private static boolean unknownCommand(CommandLine.ParameterException e, CommandLine cmd, PrintWriter err) {
        if (!(e instanceof CommandLine.UnmatchedArgumentException u) || cmd.getParent() != null
                || u.getUnmatched().isEmpty() || u.getUnmatched().get(0).startsWith("-")) {
            return false;
        }
        String typed = Secrets.mask(u.getUnmatched().get(0));
        java.util.List<String> near = nearest(u.getUnmatched().get(0), cmd.getSubcommands().keySet()).stream()
                .map(n -> "'" + n + "'").toList();
        String hint = near.isEmpty()
                ? "the commands are " + String.join(", ", cmd.getSubcommands().keySet())
                : "did you mean " + String.join(" or ", near) + "?";
        err.println("pdm: unknown command '" + typed + "'; " + hint);
        err.flush();
        return true;
    }

    /** The commands at most two typos away (a swap of two letters is one), nearest first. */
    static java.util.List<String> nearest(String typed, java.util.Collection<String> names) {
        java.util.Map<String, Integer> d = new java.util.TreeMap<>();
        for (String n : names) {
            int k = typos(typed.toLowerCase(java.util.Locale.ROOT), n);
            if (k <= 2) {
                d.put(n, k);
            }
        }
        return d.keySet().stream().sorted(java.util.Comparator.comparing(d::get)).toList();
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
    private static int typos(String a, String b) {
        int[][] t = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            for (int j = 0; j <= b.length(); j++) {
                if (i == 0 || j == 0) {
                    t[i][j] = i + j;
                    continue;
                }
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                t[i][j] = Math.min(Math.min(t[i - 1][j] + 1, t[i][j - 1] + 1), t[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    t[i][j] = Math.min(t[i][j], t[i - 2][j - 2] + 1);
                }
            }
        }
        return t[a.length()][b.length()];
    }

    @Override
    public int handleParseException(CommandLine.ParameterException e, String[] args) {
        CommandLine cmd = e.getCommandLine();
        PrintWriter err = cmd.getErr();
        if (unknownCommand(e, cmd, err)) {
            return cmd.getCommandSpec().exitCodeOnInvalidInput();
        }
        err.println("pdm: " + Secrets.mask(e.getMessage()));
        if (!CommandLine.UnmatchedArgumentException.printSuggestions(e, err)) {
            err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        }
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}

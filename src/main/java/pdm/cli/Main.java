package pdm.cli;

import java.util.Arrays;
import java.util.List;
import pdm.fs.linux.UnsupportedPlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code pdm copy|delete|dirtimes|verify|sync ...}. */
@Command(name = "pdm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Parallel data mover: copies huge file trees between filesystems exactly.",
        footer = {"", "Exit status: 0 all done, 1 done but some items failed, differ or were left by a guard, "
                + "2 usage, config or safety refusal (nothing changed), 130/143 interrupted by SIGINT/SIGTERM."})
public final class Main {
    /** pdm's commands, in the order help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(PassCommand.Copy.class, PassCommand.Delete.class,
            PassCommand.Dirtimes.class, PassCommand.Verify.class, PassCommand.Sync.class, WorkerCommand.class,
            StatusCommand.class, MonitorCommand.class, CommandLine.HelpCommand.class);

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit code (0, 1 or 2). */
    public static int run(String... args) {
        CommandLine cli = commandLine(args);
        Errors errors = new Errors();
        cli.setExecutionExceptionHandler(errors);
        cli.setParameterExceptionHandler(errors);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        try {
            return cli.execute(args);
        } catch (ExceptionInInitializerError | NoClassDefFoundError e) {
            // The system call layer refuses this machine when it first loads (another
            // architecture, a kernel without statx): a reason and exit 2, not a JVM trace.
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof UnsupportedPlatformException u) {
                    cli.getErr().println("pdm: " + u.getMessage() + "; nothing was changed");
                    cli.getErr().flush();
                    return 2;
                }
            }
            throw e;
        }
    }

    /** The whole command tree: for help, the man page and shell completion. */
    public static CommandLine commandLine() {
        return withCommands(COMMANDS);
    }

    /**
     * The command tree a command line needs: only the command it names, when it names one
     * (help excepted, which describes the others). picocli models each command by reflection
     * at start, and its classes (compiled for Java 5) cannot be kept in the AOT cache, so
     * modelling all of them would cost most of a start.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> c : COMMANDS) {
                Command a = c.getAnnotation(Command.class);
                if (c != CommandLine.HelpCommand.class
                        && (a.name().equals(args[0]) || Arrays.asList(a.aliases()).contains(args[0]))) {
                    return withCommands(List.of(c));
                }
            }
        }
        return commandLine();
    }

    private static CommandLine withCommands(List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new Main());
        for (Class<?> c : commands) {
            cli.addSubcommand(c);
        }
        return cli;
    }

    /** The version and git commit the build recorded in {@code pdm/build.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("/pdm/build.properties")) {
                if (in == null) {
                    return new String[]{"pdm (built without its version: no pdm/build.properties)"};
                }
                p.load(in);
            }
            return new String[]{"pdm " + p.getProperty("version", "?") + " (commit " + p.getProperty("commit", "?") + ")",
                    "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ") in "
                            + System.getProperty("java.home")};
        }
    }
}

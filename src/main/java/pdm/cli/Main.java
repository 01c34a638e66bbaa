package pdm.cli;

import java.util.Arrays;
import pdm.fs.linux.UnsupportedPlatformException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Entry point: {@code pdm copy|delete|dirtimes|verify|sync ...}. */
@Command(name = "pdm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Parallel data mover: copies huge file trees between filesystems exactly.",
        subcommands = {PassCommand.Copy.class, PassCommand.Delete.class, PassCommand.Dirtimes.class,
                PassCommand.Verify.class, PassCommand.Sync.class, WorkerCommand.class, WatchCommand.class, StatusCommand.class,
                CancelCommand.class, MonitorCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit status: 0 all done, 1 done but some items failed, differ or were left by a guard, "
                + "2 usage, config or safety refusal (nothing changed), 130/143 interrupted by SIGINT/SIGTERM."})
public final class Main {
    /**
     * The root of a command line that names its command (see {@link #commandLine(String...)}):
     * what the command's own usage and options need of its parent, no more.
     */
    @Command(name = "pdm", mixinStandardHelpOptions = true, versionProvider = Main.Version.class)
    static final class Bare {
    }

    public static void main(String[] args) {
        String refused = ArgumentBytes.refusal(args);
        if (refused != null) {
            System.err.println("pdm: " + refused + "; nothing was changed");
            System.exit(2);
        }
        StartAhead.begin(args);
        HeapKeeper.start();
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
            for (Throwable first : new Throwable[]{e, StartAhead.failure()}) {
                for (Throwable t = first; t != null; t = t.getCause()) {
                    if (t instanceof UnsupportedPlatformException u) {
                        cli.getErr().println("pdm: " + u.getMessage() + "; nothing was changed");
                        cli.getErr().flush();
                        return 2;
                    }
                }
            }
            throw e;
        }
    }

    /** The whole command tree, as help, the man page and shell completion (given this class) see it. */
    public static CommandLine commandLine() {
        return new CommandLine(new Main());
    }

    /**
     * The command tree a command line needs: only the command it names, when it names one
     * (help excepted, which describes the others). picocli models each command by reflection
     * at start, and its classes (compiled for Java 5) cannot be kept in the AOT cache, so
     * modelling all of them would cost most of a start.
     */
    static CommandLine commandLine(String... args) {
        if (args.length > 0) {
            for (Class<?> c : Main.class.getAnnotation(Command.class).subcommands()) {
                Command a = c.getAnnotation(Command.class);
                if (c != CommandLine.HelpCommand.class
                        && (a.name().equals(args[0]) || Arrays.asList(a.aliases()).contains(args[0]))) {
                    return new CommandLine(new Bare()).addSubcommand(c);
                }
            }
        }
        return commandLine();
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

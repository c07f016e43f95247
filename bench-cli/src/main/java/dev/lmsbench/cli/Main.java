package dev.lmsbench.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.lmsbench.core.text.SafeText;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The {@code lmsbench} entry point: builds the picocli command tree and maps failures to exit codes. */
public final class Main {

    private static final Logger LOG = LoggerFactory.getLogger(Main.class);
    /** The first arguments that name a command (every subcommand of {@link LmsBenchCommand}) or a top-level flag. */
    private static final Set<String> TOP_LEVEL = topLevel();

    private static Set<String> topLevel() {
        Set<String> names = new java.util.HashSet<>(Set.of("help", "-h", "--help", "-V", "--version"));
        for (Class<?> c : LmsBenchCommand.class.getAnnotation(picocli.CommandLine.Command.class).subcommands()) {
            picocli.CommandLine.Command command = c.getAnnotation(picocli.CommandLine.Command.class);
            if (command != null && !command.name().startsWith("<")) {
                names.add(command.name());
            }
        }
        return Set.copyOf(names);
    }

    private Main() {
    }

    /** Runs {@code lmsbench} and exits with its exit code. @param args the arguments */
    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    /**
     * Runs {@code lmsbench} without exiting, writing to the given streams (tests use this).
     *
     * @param args the arguments
     * @param out  standard output
     * @param err  standard error
     * @return the exit code
     */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        String[] effective = withDefaultSubcommand(args);
        try {
            CommandLine cmd = commandLine(out, err);
            return cmd.execute(effective);
        } catch (RuntimeException e) {
            LOG.debug("unexpected failure", e);
            err.println("lmsbench: internal error: " + oneLine(String.valueOf(e)));
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    /**
     * Runs a command with another hardware monitor factory (tests: a fake monitor instead of the real detection).
     */
    static int execute(String[] args, PrintWriter out, PrintWriter err, MonitorFactory monitors) {
        CommandLine cmd = commandLine(out, err);
        ((RunCommand) cmd.getSubcommands().get("run").getCommand()).monitors = monitors;
        ((RunCommand) cmd.getSubcommands().get("sweep").getCommand()).monitors = monitors;
        return cmd.execute(withDefaultSubcommand(args));
    }

    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, CommandLine.defaultFactory());
    }

    /** The command tree with another factory for its commands (tests: a command built with its seams). */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, CommandLine.IFactory factory) {
        CommandLine cmd = new CommandLine(new LmsBenchCommand(), factory);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setParameterExceptionHandler(Main::handleParameterException);
        cmd.setExecutionExceptionHandler(Main::handleExecutionException);
        return cmd;
    }

    /**
     * {@code lmsbench --runs 3} behaves like {@code lmsbench run --runs 3}, and {@code lmsbench -w [flags]} (or
     * {@code --webapp}) like {@code lmsbench web --tray [flags]} (compatibility with the seed's run.py).
     */
    static String[] withDefaultSubcommand(String[] args) {
        if (args.length > 0 && TOP_LEVEL.contains(args[0])) {
            return args;
        }
        List<String> rest = new ArrayList<>(List.of(args));
        boolean webapp = rest.removeIf(a -> a.equals("-w") || a.equals("--webapp"));
        List<String> l = new ArrayList<>(args.length + 2);
        if (webapp) {
            l.add("web");
            l.add("--tray");
        } else {
            l.add("run");
        }
        l.addAll(rest);
        return l.toArray(String[]::new);
    }

    private static int handleParameterException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        Throwable cause = ex.getCause();
        if (cause instanceof CliException ce) {
            err.println("lmsbench: " + ce.getMessage());
            return ce.exitCode();
        }
        String name = cmd.getCommandName();
        err.println("lmsbench: " + oneLine(ex.getMessage()) + " (see 'lmsbench " + name + " --help')");
        return ExitCodes.USAGE;
    }

    private static int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        if (ex instanceof CliException ce) {
            LOG.debug("{}", ce.getMessage(), ce);
            err.println("lmsbench: " + oneLine(ce.getMessage()));
            return ce.exitCode();
        }
        if (ex instanceof CommandLine.ParameterException pe) {
            return handleParameterException(pe, new String[0]);
        }
        LOG.debug("unexpected failure", ex);
        err.println("lmsbench: internal error: " + oneLine(String.valueOf(ex))
                + " (run with -v or see lmsbench.log for details)");
        return ExitCodes.FAILURE;
    }

    /**
     * A line for the terminal that keeps its own spacing: escape sequences and control characters removed, line
     * ends and tabs turned into spaces.
     */
    static String terminalLine(String s) {
        return SafeText.clean(s).replace('\n', ' ').replace('\t', ' ');
    }

    static String oneLine(String s) {
        // messages may carry a server's words: never let its escape sequences or control bytes reach the terminal
        return SafeText.oneLine(s, 1000);
    }
}

package dev.lmsbench.cli;

import java.io.PrintWriter;

/**
 * The desktop app image's entry point (jpackage's launcher runs this class), following the seed's AppImage rule:
 * with no arguments, or only {@code --debug}/{@code -d}, it stays in the system tray pointed at
 * {@code http://localhost:1234} ({@code --debug} adds debug logging on stderr); any other argument runs the CLI with
 * the arguments unchanged, exactly like the {@code lmsbench} script (docs/install.md).
 */
public final class AppLauncher {

    private AppLauncher() {
    }

    /** Starts the tray or the CLI and exits with its exit code. @param args the app's arguments */
    public static void main(String[] args) {
        int code = execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true));
        System.exit(code);
    }

    static int execute(String[] args, PrintWriter out, PrintWriter err) {
        String[] cli = cliArguments(args);
        if (isTrayOnly(args) && args.length > 0) { // --debug/-d: the tray with debug logging on stderr
            Logging.verbose(true);
        }
        return Main.execute(cli, out, err);
    }

    /** Whether the arguments ask for the tray-only start: none, or only {@code --debug}/{@code -d}. */
    static boolean isTrayOnly(String[] args) {
        for (String a : args) {
            if (!a.equals("--debug") && !a.equals("-d")) {
                return false;
            }
        }
        return true;
    }

    /** The CLI arguments the app's arguments stand for. */
    static String[] cliArguments(String[] args) {
        if (!isTrayOnly(args)) {
            return args.clone();
        }
        return new String[]{"tray", "--url", TrayCommand.DEFAULT_URL};
    }
}

package dev.lmsbench.cli;

import dev.lmsbench.tray.TrayApp;
import dev.lmsbench.tray.TrayConfig;
import dev.lmsbench.tray.TrayExit;
import dev.lmsbench.tray.TrayLaunch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code lmsbench tray}: the system tray controller of a running dashboard (bench-tray): its icon shows the
 * benchmark's state, its menu starts, pauses, resumes and stops benchmarks, opens the dashboard and quits it.
 */
@Command(name = "tray", mixinStandardHelpOptions = true, usageHelpAutoWidth = true,
        versionProvider = VersionProvider.class,
        description = {"Shows a system tray icon for a running dashboard (lmsbench web): gray idle, green running, "
                + "yellow paused, red error or unreachable; its menu has Start, Pause/Resume, Stop, Open dashboard "
                + "and Quit (which shuts the dashboard down). Needs a desktop with a system tray (docs/tray.md)."})
final class TrayCommand implements Callable<Integer> {

    /** The seed's default: the AppImage's tray-only start points at this URL. */
    static final String DEFAULT_URL = "http://localhost:1234";

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--url", paramLabel = "URL", description = {
            "The dashboard to control (default " + DEFAULT_URL + ")."})
    String url = DEFAULT_URL;

    @Option(names = "--token", paramLabel = "TOKEN", description = {
            "The dashboard's access token, when it was started on another interface than loopback."})
    String token;

    @Option(names = "--poll-interval-ms", paramLabel = "MS", description = {
            "How often the tray asks the dashboard for its state (default 3000)."})
    long pollMillis = 3000;

    @Override
    public Integer call() throws InterruptedException {
        TrayConfig config;
        try {
            if (pollMillis <= 0) {
                throw new IllegalArgumentException("--poll-interval-ms must be positive");
            }
            config = TrayConfig.of(URI.create(url.strip())).withPollInterval(Duration.ofMillis(pollMillis));
            if (token != null) {
                config = config.withBearerToken(token);
            }
        } catch (IllegalArgumentException e) {
            throw CliException.usage(e.getMessage().startsWith("--") ? Main.oneLine(e.getMessage())
                    : "--url: " + Main.oneLine(e.getMessage()));
        }
        return switch (TrayApp.start(config)) {
            case TrayLaunch.Started s -> {
                spec.commandLine().getErr().println("Tray icon for " + Main.oneLine(url) + " (Quit in its menu"
                        + " shuts the dashboard down)");
                spec.commandLine().getErr().flush();
                TrayExit exit = s.tray().awaitExit();
                yield exit == TrayExit.SERVER_DID_NOT_ANSWER ? ExitCodes.FAILURE : ExitCodes.OK;
            }
            case TrayLaunch.Unavailable u -> throw CliException.failure("no system tray available: "
                    + Main.oneLine(u.reason()), null);
        };
    }
}

package dev.lmsbench.tray;

import java.awt.AWTError;
import java.awt.AWTException;
import java.awt.Desktop;
import java.awt.GraphicsEnvironment;
import java.awt.SystemTray;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The system tray controller of a dashboard: an icon that polls {@code GET /api/status} (every 3 s by default) and
 * shows gray (idle), green (starting, running, stopping), yellow (paused) or red (error, or the dashboard
 * unreachable), with the menu Start, Pause/Resume, Stop, Open dashboard and Quit. Quit posts
 * {@code /api/system/shutdown}, stops polling and removes the icon. On Linux the icon needs a panel with an XEmbed
 * system tray (e.g. trayer, xfce4-panel, KDE; GNOME with the AppIndicator extension).
 *
 * <pre>{@code
 * switch (TrayApp.start(TrayConfig.of(URI.create("http://127.0.0.1:8765/")))) {
 *     case TrayLaunch.Started s -> s.tray().awaitExit();          // returns after Quit
 *     case TrayLaunch.Unavailable u -> err.println("no system tray available: " + u.reason());
 * }
 * }</pre>
 *
 * <p>Thread-safe. Polls and menu actions run on one daemon thread; AWT updates on the event dispatch thread. Once the
 * icon is removed nothing of the tray keeps the JVM alive.
 */
public final class TrayApp implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TrayApp.class);

    private final TrayController controller;
    private final AwtTrayView view;

    private TrayApp(TrayController controller, AwtTrayView view) {
        this.controller = controller;
        this.view = view;
    }

    /**
     * Puts the icon in the tray and starts polling, or says why it cannot. Never prints; never throws for a
     * missing display or tray.
     *
     * @param config the dashboard and timings
     * @return {@link TrayLaunch.Started} or {@link TrayLaunch.Unavailable} with a one-line reason
     */
    public static TrayLaunch start(TrayConfig config) {
        return start(config, TrayApp::browse, state -> { });
    }

    /** Starts with a browser of the caller's and a hook that sees each state once the icon shows it (tests). */
    static TrayLaunch start(TrayConfig config, Consumer<URI> browser, Consumer<TrayState> shown) {
        Objects.requireNonNull(config, "config");
        String reason = unavailableReason();
        if (reason != null) {
            return new TrayLaunch.Unavailable(reason);
        }
        DashboardClient client = new DashboardClient(config.dashboard(), config.bearerToken(),
                config.requestTimeout());
        TrayController controller = new TrayController(client, config.pollInterval(), browser);
        AwtTrayView view;
        try {
            view = AwtTrayView.create(controller, shown);
        } catch (AWTException | AWTError | UnsupportedOperationException e) {
            controller.close();
            return new TrayLaunch.Unavailable("the system tray refused the icon: " + oneLine(e));
        }
        controller.start(view);
        LOG.debug("tray started for {}", client.base());
        return new TrayLaunch.Started(new TrayApp(controller, view));
    }

    /** Null when a tray can be used, else why not (one line). */
    static String unavailableReason() {
        if (Boolean.getBoolean("java.awt.headless")) {
            return "headless Java (java.awt.headless=true)";
        }
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        boolean x11 = os.contains("linux") || os.contains("bsd") || os.contains("sunos");
        // AWT on these systems speaks X11 only (on Wayland through XWayland, which sets DISPLAY)
        String display = System.getenv("DISPLAY");
        if (x11 && (display == null || display.isBlank())) {
            return "no display (DISPLAY is not set)";
        }
        try {
            if (GraphicsEnvironment.isHeadless()) {
                return "no display";
            }
            if (!SystemTray.isSupported()) {
                return "the desktop has no system tray (on Linux the panel needs an XEmbed system tray, e.g. trayer,"
                        + " xfce4-panel, or GNOME's AppIndicator extension)";
            }
        } catch (AWTError | UnsupportedOperationException e) {
            // e.g. DISPLAY is set but the X server cannot be reached
            return "no display (" + oneLine(e) + ")";
        }
        return null;
    }

    /** Blocks until the tray has ended: Quit chosen (after the shutdown call) or {@link #close()}. */
    public TrayExit awaitExit() throws InterruptedException {
        try {
            return controller.ended().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("tray failed", e.getCause());
        }
    }

    /**
     * Waits at most {@code timeout} for the tray to end.
     *
     * @return the ending, or null when the tray still runs
     */
    public TrayExit awaitExit(Duration timeout) throws InterruptedException {
        try {
            return controller.ended().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("tray failed", e.getCause());
        }
    }

    /** Whether the tray still shows its icon. */
    public boolean isRunning() {
        return !controller.ended().isDone();
    }

    /** Removes the icon and stops polling without shutting the dashboard down (e.g. when it stopped on its own). */
    @Override
    public void close() {
        controller.close();
    }

    AwtTrayView view() {
        return view;
    }

    TrayController controller() {
        return controller;
    }

    /** Open dashboard: the desktop's browser, else {@code xdg-open}. */
    static void browse(URI uri) {
        try {
            if (Desktop.isDesktopSupported() && Desktop.getDesktop().isSupported(Desktop.Action.BROWSE)) {
                Desktop.getDesktop().browse(uri);
                return;
            }
            new ProcessBuilder("xdg-open", uri.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("no browser could be started (" + oneLine(e) + ")", e);
        }
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage();
        return (m == null || m.isBlank() ? e.getClass().getSimpleName() : m).strip().replaceAll("\\s+", " ");
    }
}

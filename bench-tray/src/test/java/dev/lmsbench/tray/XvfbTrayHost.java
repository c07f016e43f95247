package dev.lmsbench.tray;

import java.nio.file.Path;

/**
 * The Xvfb + trayer desktop of {@link TrayDesktop} for tests of other modules (bench-cli's AppImageIT starts the
 * packaged app on it): start it, run a process with its DISPLAY, and check from the X server's side that a Java tray
 * icon is embedded in trayer's panel and which colour it shows. Aborts without the tools, fails under {@code CI=true}.
 */
public final class XvfbTrayHost implements AutoCloseable {

    private final TrayDesktop desktop;

    private XvfbTrayHost(TrayDesktop desktop) {
        this.desktop = desktop;
    }

    /** Starts Xvfb on a free display and trayer on it; screenshots and logs go to {@code out}. */
    public static XvfbTrayHost start(Path out) throws Exception {
        return new XvfbTrayHost(TrayDesktop.start(out));
    }

    /** Starts {@code pb} with this desktop's DISPLAY; it is ended by {@link #close()}. */
    public Process start(ProcessBuilder pb) throws Exception {
        return desktop.start(desktop.x11(pb));
    }

    /** Waits until a Java tray icon window is embedded in trayer's panel. */
    public void awaitIconInPanel() throws Exception {
        TrayDesktop.awaitTrue("a Java tray icon (JavaEmbeddedFrame) in trayer's panel",
                () -> TrayDesktop.embeddedInTrayer(desktop.tree()));
    }

    /** Whether a Java tray icon window is embedded in trayer's panel now. */
    public boolean iconInPanel() throws Exception {
        return TrayDesktop.embeddedInTrayer(desktop.tree());
    }

    /** Waits until the icon shows {@code colour} (gray, green, yellow or red); saves screenshots named {@code name}. */
    public void assertIconShows(String colour, String name) throws Exception {
        desktop.assertScreenShows(IconColor.valueOf(colour.toUpperCase(java.util.Locale.ROOT)), name);
    }

    @Override
    public void close() throws Exception {
        desktop.close();
    }
}

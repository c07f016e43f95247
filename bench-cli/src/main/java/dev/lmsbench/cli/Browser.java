package dev.lmsbench.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.net.URI;

/** Opens a URL in the desktop's browser ({@code --open}): AWT's Desktop, else {@code xdg-open}; never throws. */
final class Browser {

    private static final Logger LOG = LoggerFactory.getLogger(Browser.class);

    private Browser() {
    }

    /** Opens {@code url}; a failure is one line on {@code err}. @param url the page @param err for the failure */
    static void open(String url, PrintWriter err) {
        try {
            if (!java.awt.GraphicsEnvironment.isHeadless() && java.awt.Desktop.isDesktopSupported()
                    && java.awt.Desktop.getDesktop().isSupported(java.awt.Desktop.Action.BROWSE)) {
                java.awt.Desktop.getDesktop().browse(URI.create(url));
                return;
            }
            new ProcessBuilder("xdg-open", url).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        } catch (Exception e) {
            LOG.debug("could not open a browser", e);
            err.println("lmsbench: could not open a browser (" + Main.oneLine(String.valueOf(e.getMessage()))
                    + "); open " + url + " yourself");
            err.flush();
        }
    }
}

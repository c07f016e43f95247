package dev.lmsbench.tray;

import java.awt.Color;
import java.awt.EventQueue;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.event.ActionEvent;
import java.awt.event.ActionListener;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * The tray in a JVM of its own, for {@link TrayXvfbIT}: {@code TrayChild <dashboard-url> <poll-ms>} with DISPLAY set.
 * Prints one line per state the AWT widgets show (read back from the menu items and the icon), takes
 * {@code click <item>} lines on stdin and fires that menu item's listeners on the EDT as a click would (a disabled
 * item ignores the click, as AWT menus do), and ends with {@code exit <TrayExit>} after Quit: then main returns and
 * nothing but the tray could keep the JVM alive.
 */
public final class TrayChild {

    private static final PrintStream OUT = new PrintStream(System.out, true, StandardCharsets.UTF_8);

    private TrayChild() {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        Duration poll = Duration.ofMillis(Long.parseLong(args[1]));
        CompletableFuture<TrayApp> app = new CompletableFuture<>();
        TrayLaunch launch = TrayApp.start(TrayConfig.of(url).withPollInterval(poll),
                uri -> OUT.println("opened " + uri),
                state -> OUT.println("shown " + describe(app.join().view(), state)));
        switch (launch) {
            case TrayLaunch.Unavailable u -> {
                OUT.println("unavailable " + u.reason());
                System.exit(3);
            }
            case TrayLaunch.Started s -> app.complete(s.tray());
        }
        TrayApp tray = app.join();
        OUT.println("started");
        Thread commands = new Thread(() -> readCommands(tray), "commands");
        commands.setDaemon(true);
        commands.start();
        TrayExit exit = tray.awaitExit();
        OUT.println("exit " + exit);
    }

    private static void readCommands(TrayApp tray) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("click ")) {
                    String name = line.substring("click ".length()).trim();
                    EventQueue.invokeLater(() -> click(tray.view().menu(), name));
                }
            }
        } catch (Exception e) {
            OUT.println("commands failed " + e);
        }
    }

    private static void click(PopupMenu menu, String name) {
        for (int i = 0; i < menu.getItemCount(); i++) {
            MenuItem item = menu.getItem(i);
            if (name.equals(item.getName())) {
                if (!item.isEnabled()) {
                    OUT.println("ignored " + name + " (disabled)");
                    return;
                }
                ActionEvent e = new ActionEvent(item, ActionEvent.ACTION_PERFORMED, item.getActionCommand());
                for (ActionListener l : item.getActionListeners()) {
                    l.actionPerformed(e);
                }
                OUT.println("clicked " + name);
                return;
            }
        }
        OUT.println("no item " + name);
    }

    /** What the widgets show now (on the EDT): the icon's colour, each item's enablement, the Pause label. */
    private static String describe(AwtTrayView view, TrayState state) {
        StringBuilder b = new StringBuilder("icon=").append(colourOf(view));
        PopupMenu menu = view.menu();
        for (int i = 0; i < menu.getItemCount(); i++) {
            MenuItem item = menu.getItem(i);
            if (item.getName() != null && !item.getLabel().equals("-")) {
                b.append(' ').append(item.getName()).append('=').append(item.isEnabled());
                if (AwtTrayView.PAUSE.equals(item.getName())) {
                    b.append(':').append(item.getLabel());
                }
            }
        }
        return b.append(" tooltip=").append(view.icon().getToolTip()).toString();
    }

    private static String colourOf(AwtTrayView view) {
        BufferedImage img = (BufferedImage) view.icon().getImage();
        Color centre = new Color(img.getRGB(img.getWidth() / 2, img.getHeight() / 2));
        for (IconColor c : IconColor.values()) {
            if (c.color().equals(centre)) {
                return c.name();
            }
        }
        return "?" + Integer.toHexString(centre.getRGB());
    }
}

package dev.lmsbench.tray;

import java.awt.AWTException;
import java.awt.Dimension;
import java.awt.EventQueue;
import java.awt.MenuItem;
import java.awt.PopupMenu;
import java.awt.SystemTray;
import java.awt.TrayIcon;
import java.awt.image.BufferedImage;
import java.lang.reflect.InvocationTargetException;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@link TrayView} on {@link SystemTray}: a {@link TrayIcon} with a {@link PopupMenu}; all AWT calls on the EDT. */
final class AwtTrayView implements TrayView {

    private static final Logger LOG = LoggerFactory.getLogger(AwtTrayView.class);

    /** Menu item names (AWT component names), also how tests find them. */
    static final String START = "start";
    static final String PAUSE = "pause";
    static final String STOP = "stop";
    static final String OPEN = "open";
    static final String QUIT = "quit";

    private final SystemTray tray;
    private final TrayIcon icon;
    private final PopupMenu menu = new PopupMenu();
    private final MenuItem start = item("Start", START);
    private final MenuItem pause = item("Pause", PAUSE);
    private final MenuItem stop = item("Stop", STOP);
    private final MenuItem open = item("Open dashboard", OPEN);
    private final MenuItem quit = item("Quit", QUIT);
    private final Map<IconColor, BufferedImage> images = new EnumMap<>(IconColor.class);
    private final Consumer<TrayState> shown;
    private boolean removed;

    private AwtTrayView(SystemTray tray, TrayActions actions, Consumer<TrayState> shown) {
        this.tray = tray;
        this.shown = shown;
        Dimension size = tray.getTrayIconSize();
        int px = Math.max(8, Math.min(size.width, size.height));
        for (IconColor c : IconColor.values()) {
            images.put(c, TrayIcons.draw(c, px));
        }
        start.addActionListener(e -> actions.start());
        pause.addActionListener(e -> actions.togglePause());
        stop.addActionListener(e -> actions.stop());
        open.addActionListener(e -> actions.openDashboard());
        quit.addActionListener(e -> actions.quit());
        menu.add(start);
        menu.add(pause);
        menu.add(stop);
        menu.addSeparator();
        menu.add(open);
        menu.addSeparator();
        menu.add(quit);
        TrayState initial = TrayState.initial();
        icon = new TrayIcon(images.get(initial.icon()), initial.tooltip(), menu);
        icon.setImageAutoSize(true);
        // a double click (or the platform's action gesture) opens the dashboard
        icon.addActionListener(e -> actions.openDashboard());
        apply(initial);
    }

    /**
     * Creates the icon on the EDT and adds it to the tray.
     *
     * @throws AWTException when the tray refuses the icon (e.g. the tray host went away)
     */
    static AwtTrayView create(TrayActions actions, Consumer<TrayState> shown) throws AWTException {
        AwtTrayView[] made = new AwtTrayView[1];
        AWTException[] failed = new AWTException[1];
        onEdtAndWait(() -> {
            AwtTrayView v = new AwtTrayView(SystemTray.getSystemTray(), actions, shown);
            try {
                v.tray.add(v.icon);
                made[0] = v;
            } catch (AWTException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) {
            throw failed[0];
        }
        return made[0];
    }

    PopupMenu menu() {
        return menu;
    }

    TrayIcon icon() {
        return icon;
    }

    @Override
    public void show(TrayState state) {
        EventQueue.invokeLater(() -> {
            if (!removed) {
                apply(state);
                shown.accept(state);
            }
        });
    }

    private void apply(TrayState state) {
        if (icon != null && icon.getImage() != images.get(state.icon())) {
            icon.setImage(images.get(state.icon()));
        }
        if (icon != null && !state.tooltip().equals(icon.getToolTip())) {
            icon.setToolTip(state.tooltip());
        }
        start.setEnabled(state.startEnabled());
        pause.setEnabled(state.pauseEnabled());
        pause.setLabel(state.pauseLabel());
        stop.setEnabled(state.stopEnabled());
        open.setEnabled(state.openEnabled());
        quit.setEnabled(state.quitEnabled());
    }

    @Override
    public void notifyFailure(String message) {
        EventQueue.invokeLater(() -> {
            if (!removed) {
                icon.displayMessage(TrayState.NAME, message, TrayIcon.MessageType.WARNING);
            }
        });
    }

    @Override
    public void remove() {
        EventQueue.invokeLater(() -> {
            if (!removed) {
                removed = true;
                tray.remove(icon);
                LOG.debug("tray icon removed");
            }
        });
    }

    private static MenuItem item(String label, String name) {
        MenuItem m = new MenuItem(label);
        m.setName(name);
        return m;
    }

    private static void onEdtAndWait(Runnable r) {
        if (EventQueue.isDispatchThread()) {
            r.run();
            return;
        }
        try {
            EventQueue.invokeAndWait(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the tray icon", e);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException("creating the tray icon failed", cause);
        }
    }
}

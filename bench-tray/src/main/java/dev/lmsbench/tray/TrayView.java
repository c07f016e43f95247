package dev.lmsbench.tray;

/**
 * Where the controller shows its state: the AWT tray icon, or a recording fake in tests. Calls come from the
 * controller's scheduler thread; an implementation moves them to its own UI thread.
 */
interface TrayView {

    /** Shows a new state (icon, menu enablement, Pause label, tooltip). */
    void show(TrayState state);

    /** Tells the user that an action failed (one line). */
    void notifyFailure(String message);

    /** Takes the icon off the tray; the last call. */
    void remove();
}

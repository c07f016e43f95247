package dev.lmsbench.tray;

/** The menu's actions; each returns at once and runs in the background. */
interface TrayActions {

    void start();

    /** Pause while running, Resume while paused (the item's current label). */
    void togglePause();

    void stop();

    void openDashboard();

    /** {@code POST /api/system/shutdown}, stop polling, remove the icon. */
    void quit();
}

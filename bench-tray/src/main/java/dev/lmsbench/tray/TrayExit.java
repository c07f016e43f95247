package dev.lmsbench.tray;

/** How a tray ended ({@link TrayApp#awaitExit()}). */
public enum TrayExit {
    /** The user chose Quit and the dashboard accepted {@code POST /api/system/shutdown}. */
    SERVER_SHUT_DOWN,
    /** The user chose Quit, but the dashboard did not accept the shutdown (unreachable, or an HTTP error). */
    SERVER_DID_NOT_ANSWER,
    /** {@link TrayApp#close()}: the icon is gone, the dashboard was left running. */
    CLOSED
}

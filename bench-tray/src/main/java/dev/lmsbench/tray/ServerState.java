package dev.lmsbench.tray;

import java.util.Locale;

/** The {@code status} field of {@code GET /api/status}; {@link #UNKNOWN} for a value this tray does not know. */
enum ServerState {
    IDLE, STARTING, RUNNING, PAUSED, STOPPING, ERROR, UNKNOWN;

    static ServerState parse(String label) {
        if (label == null) {
            return UNKNOWN;
        }
        return switch (label.trim().toLowerCase(Locale.ROOT)) {
            case "idle" -> IDLE;
            case "starting" -> STARTING;
            case "running" -> RUNNING;
            case "paused" -> PAUSED;
            case "stopping" -> STOPPING;
            case "error" -> ERROR;
            default -> UNKNOWN;
        };
    }

    /** A benchmark exists that Pause/Resume and Stop act on. */
    boolean active() {
        return this == STARTING || this == RUNNING || this == PAUSED || this == STOPPING;
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}

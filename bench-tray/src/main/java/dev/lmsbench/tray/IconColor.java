package dev.lmsbench.tray;

import java.awt.Color;

/** The tray icon's four colours. */
enum IconColor {
    /** No benchmark (idle), or no answer yet. */
    GRAY(new Color(0x80, 0x80, 0x80)),
    /** A benchmark is starting, running or stopping. */
    GREEN(new Color(0x2E, 0xA0, 0x43)),
    /** The benchmark is paused. */
    YELLOW(new Color(0xF0, 0xC0, 0x00)),
    /** The last benchmark failed, or the dashboard cannot be reached. */
    RED(new Color(0xD7, 0x28, 0x28));

    private final Color color;

    IconColor(Color color) {
        this.color = color;
    }

    Color color() {
        return color;
    }
}

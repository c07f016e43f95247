package dev.lmsbench.tray;

import java.util.Objects;

/**
 * The answer of {@link TrayApp#start}: a running tray, or the one-line reason there is none (headless, no display,
 * no tray host on the panel). The library never prints the reason; the caller decides how to say it.
 */
public sealed interface TrayLaunch {

    /** The icon is in the tray and polling. */
    record Started(TrayApp tray) implements TrayLaunch {
        /** Validates. */
        public Started {
            Objects.requireNonNull(tray, "tray");
        }
    }

    /**
     * No tray on this machine; nothing was started.
     *
     * @param reason one line, e.g. {@code "no display (DISPLAY is not set)"}
     */
    record Unavailable(String reason) implements TrayLaunch {
        /** Validates. */
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

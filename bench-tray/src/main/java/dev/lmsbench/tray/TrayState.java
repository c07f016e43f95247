package dev.lmsbench.tray;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What the tray shows for one poll outcome: icon colour, which menu items are enabled, the Pause item's label and
 * the tooltip. A pure function of the outcome ({@link #of}), so it is tested without a display.
 *
 * <p>Rules (the seed's tray control flow): gray idle, green starting/running/stopping, yellow paused, red error or
 * unreachable (or a status this tray does not know); Start enabled in idle and error only (not while unreachable: there
 * is nobody to start it); Pause/Resume and Stop only while a benchmark is active; "Resume" while paused, "Pause"
 * otherwise; Open dashboard and Quit always.
 */
record TrayState(IconColor icon, boolean startEnabled, boolean pauseEnabled, PauseAction pauseAction,
                 boolean stopEnabled, boolean openEnabled, boolean quitEnabled, String tooltip) {

    /** Product name at the start of every tooltip. */
    static final String NAME = "LM Studio Bench";
    private static final int MAX_DETAIL = 120;

    /** What the Pause/Resume item does: its label and the endpoint it posts to. */
    enum PauseAction {
        PAUSE("Pause", "api/benchmark/pause"),
        RESUME("Resume", "api/benchmark/resume");

        private final String label;
        private final String path;

        PauseAction(String label, String path) {
            this.label = label;
            this.path = path;
        }

        String label() {
            return label;
        }

        String path() {
            return path;
        }
    }

    TrayState {
        Objects.requireNonNull(icon, "icon");
        Objects.requireNonNull(pauseAction, "pauseAction");
        Objects.requireNonNull(tooltip, "tooltip");
    }

    /** Before the first poll has answered: gray, only Open dashboard and Quit. */
    static TrayState initial() {
        return new TrayState(IconColor.GRAY, false, false, PauseAction.PAUSE, false, true, true,
                NAME + ": connecting to the dashboard");
    }

    /** The label of the Pause/Resume item. */
    String pauseLabel() {
        return pauseAction.label();
    }

    static TrayState of(PollOutcome outcome) {
        return switch (outcome) {
            case PollOutcome.Unreachable u -> new TrayState(IconColor.RED, false, false, PauseAction.PAUSE, false,
                    true, true, NAME + ": dashboard unreachable (" + shorten(u.reason()) + ")");
            case PollOutcome.Reached r -> of(r.status());
        };
    }

    static TrayState of(DashboardStatus s) {
        ServerState state = s.state();
        IconColor icon = switch (state) {
            case IDLE -> IconColor.GRAY;
            case STARTING, RUNNING, STOPPING -> IconColor.GREEN;
            case PAUSED -> IconColor.YELLOW;
            case ERROR, UNKNOWN -> IconColor.RED;
        };
        boolean start = state == ServerState.IDLE || state == ServerState.ERROR;
        boolean active = state.active();
        PauseAction pause = state == ServerState.PAUSED ? PauseAction.RESUME : PauseAction.PAUSE;
        return new TrayState(icon, start, active, pause, active, true, true, tooltip(s));
    }

    private static String tooltip(DashboardStatus s) {
        List<String> parts = new ArrayList<>();
        if (s.state() == ServerState.UNKNOWN) {
            parts.add("unknown status '" + shorten(s.rawStatus()) + "'");
        } else {
            parts.add(s.state().label());
        }
        if (s.state().active()) {
            if (!s.model().isEmpty()) {
                parts.add(s.modelCount() > 0
                        ? s.model() + " (" + s.modelPosition() + "/" + s.modelCount() + ")"
                        : s.model());
            }
            DashboardStatus.Progress p = s.progress();
            if (p != null) {
                parts.add(p.total() > 0
                        ? p.completed() + "/" + p.total() + " requests"
                        : p.completed() + " requests");
                parts.add(p.etaKnown() ? "ETA " + duration(p.etaSeconds()) : "ETA unknown");
            }
        } else if (s.state() == ServerState.ERROR) {
            if (!s.error().isEmpty()) {
                parts.add(shorten(s.error()));
            }
        } else if (s.state() == ServerState.IDLE && !s.lastStatus().isEmpty()) {
            parts.add("last run " + s.lastStatus());
        }
        return NAME + ": " + String.join(" - ", parts);
    }

    /** 45s, 1m 20s, 2h 05m. */
    static String duration(double seconds) {
        long s = Math.round(Math.max(0, seconds));
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return (s / 60) + "m " + (s % 60) + "s";
        }
        return String.format(Locale.ROOT, "%dh %02dm", s / 3600, (s % 3600) / 60);
    }

    private static String shorten(String text) {
        String oneLine = text.strip().replaceAll("\\s+", " ");
        return oneLine.length() <= MAX_DETAIL ? oneLine : oneLine.substring(0, MAX_DETAIL - 3) + "...";
    }
}

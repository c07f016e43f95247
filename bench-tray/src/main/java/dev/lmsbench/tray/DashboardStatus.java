package dev.lmsbench.tray;

import java.util.Objects;

/**
 * What the tray reads from {@code GET /api/status}. Absent or null fields are empty strings, 0, or a null
 * {@link #progress}; {@link #rawStatus} keeps the server's word for an {@link ServerState#UNKNOWN} state.
 */
record DashboardStatus(ServerState state, String rawStatus, String runId, String model, int modelPosition,
                       int modelCount, Progress progress, String error, String lastStatus) {

    DashboardStatus {
        Objects.requireNonNull(state, "state");
        rawStatus = Objects.requireNonNullElse(rawStatus, "");
        runId = Objects.requireNonNullElse(runId, "");
        model = Objects.requireNonNullElse(model, "");
        error = Objects.requireNonNullElse(error, "");
        lastStatus = Objects.requireNonNullElse(lastStatus, "");
    }

    static DashboardStatus of(ServerState state) {
        return new DashboardStatus(state, state.label(), "", "", 0, 0, null, "", "");
    }

    DashboardStatus withModel(String newModel, int position, int count) {
        return new DashboardStatus(state, rawStatus, runId, newModel, position, count, progress, error, lastStatus);
    }

    DashboardStatus withProgress(Progress newProgress) {
        return new DashboardStatus(state, rawStatus, runId, model, modelPosition, modelCount, newProgress, error,
                lastStatus);
    }

    DashboardStatus withError(String newError) {
        return new DashboardStatus(state, rawStatus, runId, model, modelPosition, modelCount, progress, newError,
                lastStatus);
    }

    /**
     * Requests done of the benchmark's total; {@code etaSeconds} is negative when the server does not know it
     * ({@code "eta_s": null}).
     */
    record Progress(long completed, long total, double elapsedSeconds, double etaSeconds) {
        boolean etaKnown() {
            return etaSeconds >= 0 && Double.isFinite(etaSeconds);
        }
    }
}

package dev.lmsbench.tray;

import java.util.Objects;

/** One poll of {@code GET /api/status}: the server's answer, or why there is none. */
sealed interface PollOutcome {

    /** The dashboard answered 200 with a status document. */
    record Reached(DashboardStatus status) implements PollOutcome {
        public Reached {
            Objects.requireNonNull(status, "status");
        }
    }

    /** No usable answer: connection refused, timeout, an HTTP error, or a body that is not a status document. */
    record Unreachable(String reason) implements PollOutcome {
        public Unreachable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

package dev.lmsbench.core.event;

import java.time.Duration;

/**
 * How far a run has come.
 *
 * @param completedRequests requests finished so far (warmups included)
 * @param totalRequests     requests planned
 * @param elapsed           time since the run started
 * @param eta               estimated time to the end, or {@code null} before the first request finishes
 */
public record Progress(int completedRequests, int totalRequests, Duration elapsed, Duration eta) {

    /** Fraction done, 0 to 1. */
    public double fraction() {
        return totalRequests == 0 ? 1.0 : Math.min(1.0, completedRequests / (double) totalRequests);
    }
}

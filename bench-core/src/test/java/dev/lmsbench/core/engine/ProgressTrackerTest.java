package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.Progress;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ProgressTrackerTest {

    private static final long S = 1_000_000_000L;

    @Test
    void theEstimateIsTheMeanTimePerRequestTimesTheRequestsLeft() {
        ProgressTracker t = new ProgressTracker(10, 0);
        t.requestCompleted(2 * S);
        Progress p = t.requestCompleted(4 * S);
        assertThat(p.eta()).isEqualTo(Duration.ofSeconds(16)); // 2 s per request, 8 left
        assertThat(p.elapsed()).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void pausedTimeCountsAsElapsedButNotAsTimePerRequest() {
        ProgressTracker t = new ProgressTracker(10, 0);
        t.requestCompleted(2 * S);
        t.paused(60 * S);
        Progress p = t.requestCompleted(64 * S);
        assertThat(p.elapsed()).isEqualTo(Duration.ofSeconds(64));
        assertThat(p.eta()).isEqualTo(Duration.ofSeconds(16));
    }
}

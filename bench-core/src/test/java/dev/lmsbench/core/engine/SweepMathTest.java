package dev.lmsbench.core.engine;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class SweepMathTest {

    @Test
    void warmupIsClampedToThreeRequests() {
        assertThat(SweepMath.warmupCount(0)).isEqualTo(3);
        assertThat(SweepMath.warmupCount(2)).isEqualTo(3);
        assertThat(SweepMath.warmupCount(5)).isEqualTo(5);
    }

    @Test
    void retriesWaitOneFiveFifteenAndThirtySecondsThenGiveUp() {
        // four waits, then no more: the engine records the fifth failure as error_final
        assertThat(SweepMath.RETRY_BACKOFF).containsExactly(
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofSeconds(15), Duration.ofSeconds(30));
    }

    @Test
    void theTargetIsGivenOrAFractionOfTheContext() {
        assertThat(SweepMath.targetPromptTokens(512, 8192, 0.5)).isEqualTo(512);
        assertThat(SweepMath.targetPromptTokens(0, 8192, 0.5)).isEqualTo(4096);
        assertThatThrownBy(() -> SweepMath.targetPromptTokens(0, 0, 0.5)).hasMessageContaining("--prompt-fill");
    }

    @Test
    void theServersCountCorrectsTheCharsPerTokenEstimateAndTheNextPromptHitsTheTarget() {
        SweepMath.Calibration c = SweepMath.Calibration.initial();
        assertThat(c.charsFor(1000)).isEqualTo(4000);
        // the server counted 800 tokens in those 4000 characters: 5 characters a token
        SweepMath.Calibration corrected = c.corrected(4000, 800);
        assertThat(corrected.charsPerToken()).isEqualTo(5.0);
        assertThat(corrected.charsFor(1000)).isEqualTo(5000);
        assertThat(SweepMath.withinTolerance(1000, 800, 0.05)).isFalse();
        assertThat(SweepMath.withinTolerance(1000, 1040, 0.05)).isTrue();
        assertThat(c.corrected(4000, 0)).isSameAs(c);
        assertThatThrownBy(() -> new SweepMath.Calibration(0)).isInstanceOf(IllegalArgumentException.class);
    }
}

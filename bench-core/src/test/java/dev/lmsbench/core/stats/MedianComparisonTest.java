package dev.lmsbench.core.stats;

import dev.lmsbench.core.stats.MedianComparison.Direction;
import dev.lmsbench.core.stats.MedianComparison.Verdict;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class MedianComparisonTest {

    private static double[] noisy(long seed, int n, double centre) {
        Random random = new Random(seed);
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = centre * (1 + 0.05 * (2 * random.nextDouble() - 1));
        }
        return values;
    }

    @Test
    void samplesFromTheSameDistributionAreUnchanged() {
        int flagged = 0;
        for (long seed = 0; seed < 50; seed++) {
            MedianComparison c = MedianComparison.of(noisy(seed, 10, 100), noisy(seed + 1000, 10, 100),
                    Direction.HIGHER_IS_BETTER, 0.999);
            if (c.changed()) {
                flagged++;
            }
        }
        assertThat(flagged).isZero();
    }

    @Test
    void aTwentyPercentDropInASpeedIsWorse() {
        MedianComparison c = MedianComparison.of(noisy(1, 10, 100), noisy(2, 10, 80), Direction.HIGHER_IS_BETTER,
                0.999);
        assertThat(c.verdict()).isEqualTo(Verdict.WORSE);
        assertThat(c.upper()).isNegative();
        assertThat(c.percent()).isBetween(-25.0, -15.0);
    }

    @Test
    void aTwentyPercentRiseInATimeIsWorseAndADropIsBetter() {
        assertThat(MedianComparison.of(noisy(1, 10, 100), noisy(2, 10, 120), Direction.LOWER_IS_BETTER, 0.999)
                .verdict()).isEqualTo(Verdict.WORSE);
        assertThat(MedianComparison.of(noisy(1, 10, 100), noisy(2, 10, 80), Direction.LOWER_IS_BETTER, 0.999)
                .verdict()).isEqualTo(Verdict.BETTER);
        assertThat(MedianComparison.of(noisy(1, 10, 100), noisy(2, 10, 120), Direction.HIGHER_IS_BETTER, 0.999)
                .verdict()).isEqualTo(Verdict.BETTER);
    }

    @Test
    void aShiftSmallerThanTheRequestToRequestSpreadIsUnchangedHoweverNarrowTheInterval() {
        double[] before = new double[40];
        double[] after = new double[40];
        for (int i = 0; i < 40; i++) {
            before[i] = 100 + (i % 10); // spread about 4
            after[i] = 103 + (i % 10);  // shifted by 3: outside the noise of the median, inside the spread
        }
        MedianComparison c = MedianComparison.of(before, after, Direction.HIGHER_IS_BETTER, 0.95);
        assertThat(c.lower()).isPositive();
        assertThat(c.spread()).isGreaterThan(3);
        assertThat(c.verdict()).isEqualTo(Verdict.UNCHANGED);
    }

    @Test
    void aSignificantShiftWithinTheRunToRunDriftIsUnchanged() {
        double[] before = {100.0, 100.1, 99.9, 100.05, 99.95, 100.0, 100.1, 99.9};
        double[] after = {102.0, 102.1, 101.9, 102.05, 101.95, 102.0, 102.1, 101.9}; // +2 %, far outside the noise
        MedianComparison c = MedianComparison.of(before, after, Direction.HIGHER_IS_BETTER, 0.95);
        assertThat(c.lower()).isPositive();
        assertThat(c.verdict()).isEqualTo(Verdict.UNCHANGED);
        double[] further = {104.0, 104.1, 103.9, 104.05, 103.95, 104.0, 104.1, 103.9}; // +4 %: beyond the drift
        assertThat(MedianComparison.of(before, further, Direction.HIGHER_IS_BETTER, 0.95).verdict())
                .isEqualTo(Verdict.BETTER);
    }

    @Test
    void fewerThanTheMinimumOfSamplesGivesNoVerdict() {
        MedianComparison c = MedianComparison.of(noisy(1, 4, 100), noisy(2, 10, 50), Direction.HIGHER_IS_BETTER,
                0.95);
        assertThat(c.verdict()).isEqualTo(Verdict.NOT_ENOUGH_SAMPLES);
        assertThat(c.baselineCount()).isEqualTo(4);
        assertThat(c.lower()).isNaN();
    }

    @Test
    void nanValuesAreIgnoredAndTheResultIsReproducible() {
        double[] a = {100, 101, Double.NaN, 99, 100.5, 98, 102};
        double[] b = {90, 91, 89, 90.5, 92, 88};
        MedianComparison first = MedianComparison.of(a, b, Direction.HIGHER_IS_BETTER, 0.95);
        assertThat(first.baselineCount()).isEqualTo(6);
        assertThat(first.baselineMedian()).isEqualTo(100.25);
        assertThat(MedianComparison.of(a, b, Direction.HIGHER_IS_BETTER, 0.95)).isEqualTo(first);
    }
}

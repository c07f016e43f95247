package dev.lmsbench.core.stats;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DistributionTest {

    @Test
    void interpolatesPercentilesLikeNumpy() {
        // numpy.percentile([1,2,3,4,5,6,7,8,9,10], [50,90,95,99]) = 5.5, 9.1, 9.55, 9.91
        Distribution d = Distribution.of(10, 9, 8, 7, 6, 5, 4, 3, 2, 1);
        assertThat(d.count()).isEqualTo(10);
        assertThat(d.p50()).isCloseTo(5.5, within(1e-12));
        assertThat(d.p90()).isCloseTo(9.1, within(1e-12));
        assertThat(d.p95()).isCloseTo(9.55, within(1e-12));
        assertThat(d.p99()).isCloseTo(9.91, within(1e-12));
        assertThat(d.min()).isEqualTo(1);
        assertThat(d.max()).isEqualTo(10);
        assertThat(d.mean()).isEqualTo(5.5);
    }

    @Test
    void usesSampleStandardDeviation() {
        // numpy.std([2,4,4,4,5,5,7,9], ddof=1) = 2.138089935299395
        assertThat(Distribution.of(2, 4, 4, 4, 5, 5, 7, 9).stdev()).isCloseTo(2.138089935299395, within(1e-12));
    }

    @Test
    void ignoresNaNValues() {
        Distribution d = Distribution.of(Double.NaN, 3, Double.NaN, 1);
        assertThat(d.count()).isEqualTo(2);
        assertThat(d.p50()).isEqualTo(2);
    }

    @Test
    void emptySampleHasZeroCountAndNaNFigures() {
        Distribution d = Distribution.of(Double.NaN);
        assertThat(d.isEmpty()).isTrue();
        assertThat(d.p50()).isNaN();
        assertThat(d.mean()).isNaN();
    }

    @Test
    void singleValueHasZeroStdevAndEveryPercentileEqualToIt() {
        Distribution d = Distribution.of(4.2);
        assertThat(d.stdev()).isZero();
        assertThat(d.p99()).isEqualTo(4.2);
        assertThat(d.p50()).isEqualTo(4.2);
    }
}

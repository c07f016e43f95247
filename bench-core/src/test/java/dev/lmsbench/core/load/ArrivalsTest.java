package dev.lmsbench.core.load;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ArrivalsTest {

    private static double[] gaps(ArrivalPattern pattern, long seed, int n) {
        Arrivals a = Arrivals.of(pattern, seed);
        long prev = a.next();
        double[] g = new double[n];
        for (int i = 0; i < n; i++) {
            long t = a.next();
            g[i] = (t - prev) / 1e9;
            prev = t;
        }
        return g;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double d : v) {
            s += d;
        }
        return s / v.length;
    }

    private static double cv(double[] v) {
        double m = mean(v);
        double sq = 0;
        for (double d : v) {
            sq += (d - m) * (d - m);
        }
        return Math.sqrt(sq / v.length) / m;
    }

    @Test
    void theFirstSendIsAtTheStartAndAConstantRateSpacesTheRestEvenly() {
        Arrivals a = Arrivals.of(new ArrivalPattern.ConstantRate(20), 1);
        assertThat(a.next()).isZero();
        assertThat(a.next()).isEqualTo(50_000_000L);
        assertThat(a.next()).isEqualTo(100_000_000L);
    }

    @Test
    void poissonGapsAreExponentialWithTheRatesMean() {
        double[] g = gaps(new ArrivalPattern.Poisson(20), 42, 200_000);
        assertThat(mean(g)).isCloseTo(0.05, within(0.05 * 0.01));
        assertThat(cv(g)).isCloseTo(1.0, within(0.02)); // an exponential's coefficient of variation is 1
    }

    @Test
    void gammaGapsKeepTheMeanRateAndTheirBurstinessSetsTheSpread() {
        for (double b : new double[] {0.25, 0.5, 2, 4}) {
            double[] g = gaps(new ArrivalPattern.Gamma(10, b), 7, 200_000);
            assertThat(mean(g)).as("mean gap at burstiness %s", b).isCloseTo(0.1, within(0.1 * 0.015));
            // gamma of shape k: cv = 1 / sqrt(k); below 1 burstier than Poisson
            assertThat(cv(g)).as("cv at burstiness %s", b).isCloseTo(1 / Math.sqrt(b), within(0.03 / Math.sqrt(b)));
        }
    }

    @Test
    void theSameSeedGivesTheSameTimesAndAnotherSeedOthers() {
        double[] a = gaps(new ArrivalPattern.Poisson(5), 3, 100);
        assertThat(gaps(new ArrivalPattern.Poisson(5), 3, 100)).containsExactly(a);
        assertThat(gaps(new ArrivalPattern.Poisson(5), 4, 100)).isNotEqualTo(a);
    }

    @Test
    void maxThroughputPlansEverySendAtTheStart() {
        Arrivals a = Arrivals.of(new ArrivalPattern.MaxThroughput(), 1);
        for (int i = 0; i < 10; i++) {
            assertThat(a.next()).isZero();
        }
    }

    @Test
    void closedLoopPatternsHaveNoPlannedTimes() {
        assertThatThrownBy(() -> Arrivals.of(new ArrivalPattern.Concurrency(4), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("closed-loop");
        assertThatThrownBy(() -> Arrivals.of(new ArrivalPattern.Synchronous(), 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theGammaSamplerMatchesTheGammaMeanForSmallShapes() {
        SplittableRandom r = new SplittableRandom(9);
        double sum = 0;
        int n = 200_000;
        for (int i = 0; i < n; i++) {
            sum += Arrivals.gamma(r, 0.3);
        }
        assertThat(sum / n).isCloseTo(0.3, within(0.01));
    }

    @Test
    void patternsRefuseRatesThatAreNotPositive() {
        assertThatThrownBy(() -> new ArrivalPattern.Poisson(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArrivalPattern.ConstantRate(Double.NaN))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArrivalPattern.Gamma(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ArrivalPattern.Concurrency(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new ArrivalPattern.Gamma(2.5, 0.5).label()).isEqualTo("gamma 2.5/s b=0.5");
        assertThat(new ArrivalPattern.Poisson(20).label()).isEqualTo("poisson 20/s");
    }
}

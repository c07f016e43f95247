package dev.lmsbench.core.stats;

import java.util.Arrays;
import java.util.Collection;

/**
 * Summary statistics of a sample: count, min, mean, sample standard deviation, p50, p90, p95, p99, max.
 *
 * <p>Percentiles use linear interpolation between closest ranks (the default of NumPy's {@code percentile}), so p50
 * of an even-sized sample is the mean of the two middle values. {@code NaN} inputs are ignored. An empty sample has
 * {@code count == 0} and every other field {@code NaN}; a single value has {@code stdev == 0}.
 *
 * <p>{@code Distribution.of(1, 2, 3, 4).p50() == 2.5}
 */
public record Distribution(
        int count, double min, double mean, double stdev,
        double p50, double p90, double p95, double p99, double max) {

    /** The distribution of no values. */
    public static final Distribution EMPTY = new Distribution(0, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

    /** Computes the distribution of the given values, ignoring {@code NaN}. */
    public static Distribution of(double... values) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        int n = v.length;
        if (n == 0) {
            return EMPTY;
        }
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        double mean = sum / n;
        double sq = 0;
        for (double d : v) {
            sq += (d - mean) * (d - mean);
        }
        double stdev = n > 1 ? Math.sqrt(sq / (n - 1)) : 0.0;
        return new Distribution(n, v[0], mean, stdev,
                percentile(v, 50), percentile(v, 90), percentile(v, 95), percentile(v, 99), v[n - 1]);
    }

    /** Computes the distribution of the given values, ignoring {@code NaN}. */
    public static Distribution of(Collection<Double> values) {
        return of(values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The {@code p}-th percentile (0-100) of an already sorted, NaN-free, non-empty array, linearly interpolated. */
    static double percentile(double[] sorted, double p) {
        return Percentiles.of(sorted, p);
    }

    /** Whether the sample had no values. */
    public boolean isEmpty() {
        return count == 0;
    }
}

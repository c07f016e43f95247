package dev.lmsbench.core.stats;

/**
 * Percentiles as NumPy's {@code percentile} computes them by default: linear interpolation between the closest ranks,
 * rank {@code p/100 * (n - 1)}.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * @param sorted ascending values, no NaN, at least one
     * @param p      the percentile, 0 to 100
     * @return the interpolated value
     */
    public static double of(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        if (sorted.length == 1) {
            return sorted[0];
        }
        double rank = p / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(rank);
        int hi = (int) Math.ceil(rank);
        double frac = rank - lo;
        return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
    }
}

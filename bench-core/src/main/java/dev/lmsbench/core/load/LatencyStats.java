package dev.lmsbench.core.load;

import dev.lmsbench.core.stats.Percentiles;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The statistics vLLM and GuideLLM report for a latency, in milliseconds: count, mean, median, standard deviation,
 * min, max and the requested percentiles. Percentiles interpolate linearly between closest ranks (NumPy's
 * {@code percentile} default); the standard deviation is the population one ({@code numpy.std}, as vLLM reports it).
 * {@code NaN} values are ignored; an empty sample has count 0 and {@code NaN} everywhere.
 *
 * @param count       values
 * @param mean        mean
 * @param median      median (p50)
 * @param stdev       population standard deviation
 * @param min         smallest
 * @param max         largest
 * @param percentiles the percentile values by percentile (50.0 -&gt; p50), in ascending order
 */
public record LatencyStats(int count, double mean, double median, double stdev, double min, double max,
                           Map<Double, Double> percentiles) {

    /** Copies the map, keeping its order. */
    public LatencyStats {
        percentiles = Collections.unmodifiableMap(new LinkedHashMap<>(percentiles));
    }

    /**
     * @param values      the values (NaN ignored)
     * @param percentiles the percentiles wanted (0 to 100)
     * @return the statistics
     */
    public static LatencyStats of(double[] values, List<Double> percentiles) {
        double[] v = Arrays.stream(values).filter(d -> !Double.isNaN(d)).sorted().toArray();
        Map<Double, Double> ps = new LinkedHashMap<>();
        if (v.length == 0) {
            for (double p : percentiles) {
                ps.put(p, Double.NaN);
            }
            return new LatencyStats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, ps);
        }
        double sum = 0;
        for (double d : v) {
            sum += d;
        }
        double mean = sum / v.length;
        double sq = 0;
        for (double d : v) {
            sq += (d - mean) * (d - mean);
        }
        for (double p : percentiles) {
            ps.put(p, Percentiles.of(v, p));
        }
        return new LatencyStats(v.length, mean, Percentiles.of(v, 50), Math.sqrt(sq / v.length), v[0],
                v[v.length - 1], ps);
    }

    /** {@return the value at percentile {@code p}, {@code NaN} when it was not requested or there are no values} */
    public double percentile(double p) {
        return percentiles.getOrDefault(p, Double.NaN);
    }

    /** {@return the percentile's name in outputs: p50, p99, p99.9} */
    public static String name(double p) {
        return "p" + (p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p));
    }
}

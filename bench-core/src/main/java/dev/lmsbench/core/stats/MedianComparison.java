package dev.lmsbench.core.stats;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Whether a figure changed between two runs, judged on the request-level samples of both: a seeded percentile
 * bootstrap confidence interval of the difference of medians ({@code current - baseline}). The figure changed only
 * when the interval excludes 0; which way is better depends on the figure's {@link Direction}. Never a fixed
 * percentage: a noisy figure needs a larger shift to count as changed than a steady one.
 *
 * <p>The requests of one run share its conditions (machine load, clocks, the JIT's state), so medians of two runs
 * made without any change differ by about the request-to-request spread even when each run's interval is narrow.
 * A change therefore also has to exceed that spread: the pooled robust standard deviation of both samples
 * ({@code 1.4826 x} the median absolute deviation from each sample's own median), and at least
 * {@link #RUN_TO_RUN_DRIFT} of the baseline median, the drift seen between runs of an unchanged setup, which one run
 * per side cannot measure. The floor never decides alone: without a significant interval nothing is flagged.
 *
 * <p>{@code MedianComparison.of(before, after, Direction.HIGHER_IS_BETTER, 0.95)} compares two samples of decode
 * tok/s. Results are reproducible: the resampling uses a fixed seed. {@code NaN} values are ignored. Instances are
 * immutable values.
 *
 * @param baselineCount  usable baseline samples
 * @param currentCount   usable current samples
 * @param baselineMedian median of the baseline samples ({@code NaN} when there are none)
 * @param currentMedian  median of the current samples ({@code NaN} when there are none)
 * @param lower          lower bound of the interval of {@code current - baseline} medians; {@code NaN} without a test
 * @param upper          upper bound, likewise
 * @param spread         the smallest change reported: the pooled robust standard deviation of the two samples, at
 *                       least {@link #RUN_TO_RUN_DRIFT} of the baseline median; {@code NaN} without a test
 * @param confidence     the interval's confidence level, in (0, 1)
 * @param verdict        the outcome
 */
public record MedianComparison(int baselineCount, int currentCount, double baselineMedian, double currentMedian,
                               double lower, double upper, double spread, double confidence, Verdict verdict) {

    /** Fewer usable samples than this on either side give {@link Verdict#NOT_ENOUGH_SAMPLES}, never a verdict. */
    public static final int MIN_SAMPLES = 5;

    /**
     * The smallest change reported, as a fraction of the baseline median: medians of back-to-back runs of the same
     * unchanged setup differ by up to about 1.5 % (measured with the simulator on a loaded machine, see
     * docs/reports.md), more than the request-to-request spread of a steady server.
     */
    public static final double RUN_TO_RUN_DRIFT = 0.03;

    /** Bootstrap resamples per comparison. */
    public static final int RESAMPLES = 4000;

    /** The fixed seed of the resampling, so the same samples always give the same interval. */
    public static final long SEED = 0x5EED_C0FFEEL;

    /** Which way a figure improves. */
    public enum Direction {
        /** Speeds: tok/s. */
        HIGHER_IS_BETTER,
        /** Times: TTFT, load time. */
        LOWER_IS_BETTER
    }

    /** The outcome of a comparison. */
    public enum Verdict {
        /** The interval excludes 0 on the better side. */
        BETTER("better"),
        /** The interval excludes 0 on the worse side. */
        WORSE("worse"),
        /** The interval contains 0: any change is within the noise. */
        UNCHANGED("unchanged"),
        /** Fewer than {@link #MIN_SAMPLES} usable samples on a side. */
        NOT_ENOUGH_SAMPLES("not enough samples");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        /** The label reports print. @return the label */
        public String label() {
            return label;
        }
    }

    /** Validates the counts, confidence and verdict. */
    public MedianComparison {
        if (baselineCount < 0 || currentCount < 0) {
            throw new IllegalArgumentException("counts must be >= 0");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
        }
        java.util.Objects.requireNonNull(verdict, "verdict");
    }

    /**
     * Compares two samples.
     *
     * @param baseline   the earlier run's request-level values ({@code NaN} ignored)
     * @param current    this run's values ({@code NaN} ignored)
     * @param direction  which way the figure improves
     * @param confidence the interval's confidence level, in (0, 1), e.g. {@code 0.95}
     * @return the comparison
     */
    public static MedianComparison of(double[] baseline, double[] current, Direction direction, double confidence) {
        java.util.Objects.requireNonNull(direction, "direction");
        double[] a = finiteSorted(baseline);
        double[] b = finiteSorted(current);
        double medianA = a.length == 0 ? Double.NaN : medianOfSorted(a);
        double medianB = b.length == 0 ? Double.NaN : medianOfSorted(b);
        if (a.length < MIN_SAMPLES || b.length < MIN_SAMPLES) {
            return new MedianComparison(a.length, b.length, medianA, medianB, Double.NaN, Double.NaN, Double.NaN,
                    confidence, Verdict.NOT_ENOUGH_SAMPLES);
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("confidence must be in (0, 1): " + confidence);
        }
        SplittableRandom random = new SplittableRandom(SEED);
        double[] differences = new double[RESAMPLES];
        double[] scratchA = new double[a.length];
        double[] scratchB = new double[b.length];
        for (int i = 0; i < RESAMPLES; i++) {
            differences[i] = resampledMedian(b, scratchB, random) - resampledMedian(a, scratchA, random);
        }
        Arrays.sort(differences);
        double tail = (1 - confidence) / 2;
        double lower = quantileOfSorted(differences, tail);
        double upper = quantileOfSorted(differences, 1 - tail);
        double spread = Math.max(robustSpread(a, medianA, b, medianB), RUN_TO_RUN_DRIFT * Math.abs(medianA));
        Verdict verdict;
        if ((lower > 0 || upper < 0) && Math.abs(medianB - medianA) > spread) {
            boolean increased = lower > 0;
            verdict = increased == (direction == Direction.HIGHER_IS_BETTER) ? Verdict.BETTER : Verdict.WORSE;
        } else {
            verdict = Verdict.UNCHANGED;
        }
        return new MedianComparison(a.length, b.length, medianA, medianB, lower, upper, spread, confidence,
                verdict);
    }

    /** {@code current - baseline} medians; {@code NaN} when a side has no samples. @return the change */
    public double change() {
        return currentMedian - baselineMedian;
    }

    /** The change in percent of the baseline median; {@code NaN} when the baseline median is 0 or unknown. */
    public double percent() {
        return baselineMedian == 0 || Double.isNaN(baselineMedian) ? Double.NaN : 100 * change() / baselineMedian;
    }

    /** Whether the verdict says the figure changed. @return true for better or worse */
    public boolean changed() {
        return verdict == Verdict.BETTER || verdict == Verdict.WORSE;
    }

    /** 1.4826 x the median of the absolute deviations of each sample from its own median (normal-consistent). */
    private static double robustSpread(double[] a, double medianA, double[] b, double medianB) {
        double[] deviations = new double[a.length + b.length];
        for (int i = 0; i < a.length; i++) {
            deviations[i] = Math.abs(a[i] - medianA);
        }
        for (int i = 0; i < b.length; i++) {
            deviations[a.length + i] = Math.abs(b[i] - medianB);
        }
        Arrays.sort(deviations);
        return 1.4826 * medianOfSorted(deviations);
    }

    private static double[] finiteSorted(double[] values) {
        double[] out = values == null ? new double[0]
                : Arrays.stream(values).filter(Double::isFinite).toArray();
        Arrays.sort(out);
        return out;
    }

    private static double resampledMedian(double[] sample, double[] scratch, SplittableRandom random) {
        for (int i = 0; i < scratch.length; i++) {
            scratch[i] = sample[random.nextInt(sample.length)];
        }
        Arrays.sort(scratch);
        return medianOfSorted(scratch);
    }

    private static double medianOfSorted(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** Linear interpolation between closest ranks. */
    private static double quantileOfSorted(double[] sorted, double q) {
        double position = q * (sorted.length - 1);
        int low = (int) Math.floor(position);
        int high = Math.min(low + 1, sorted.length - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }
}

package dev.lmsbench.cli;

import java.time.Duration;
import java.util.Locale;

/** Formats numbers and durations for the terminal, independent of the default locale. */
final class Durations {

    private Durations() {
    }

    static String clock(Duration d) {
        if (d == null) {
            return "--:--";
        }
        long s = Math.max(0, Math.round(d.toMillis() / 1000.0));
        return s >= 3600
                ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /**
     * Mean and sample standard deviation, {@code 0.215 ± 0.004}; the mean alone for one value; {@code -} for none.
     * Three samples are too few for percentiles to show the spread: mean ± stdev does.
     */
    static String meanStdev(dev.lmsbench.core.stats.Distribution d, int decimals) {
        if (d.isEmpty() || Double.isNaN(d.mean())) {
            return "-";
        }
        if (d.count() == 1 || Double.isNaN(d.stdev())) {
            return num(d.mean(), decimals);
        }
        return num(d.mean(), decimals) + " ± " + num(d.stdev(), decimals);
    }
}

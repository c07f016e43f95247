package dev.lmsbench.core.model;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A secondary figure measured alongside the main score, such as peak VRAM or mean power: a name, a unit, how the
 * samples were aggregated, and the value. Reports render every side metric the same way, so a new one needs no
 * special case. A figure that could not be measured is absent, never a side metric with value 0.
 *
 * @param name        dotted name, e.g. {@code gpu.vram.used}
 * @param unit        unit, e.g. {@code bytes}, {@code W}, {@code °C}, {@code %}, {@code tok/J}
 * @param aggregation how the samples were combined
 * @param value       the value, finite
 */
public record SideMetric(String name, String unit, Aggregation aggregation, double value) {

    /** Validates. */
    public SideMetric {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("side metric name is blank");
        }
        unit = Objects.requireNonNullElse(unit, "");
        Objects.requireNonNull(aggregation, "aggregation");
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("side metric " + name + " is not finite: " + value);
        }
    }

    /**
     * Finds a metric by name and aggregation.
     *
     * @param metrics     where to look
     * @param name        the name
     * @param aggregation the aggregation
     * @return the metric, or empty when it was not measured
     */
    public static Optional<SideMetric> find(List<SideMetric> metrics, String name, Aggregation aggregation) {
        return metrics.stream().filter(m -> m.name.equals(name) && m.aggregation == aggregation).findFirst();
    }

    /** How samples were combined into one value. */
    public enum Aggregation {
        /** The largest sample. */
        MAX,
        /** The arithmetic mean of the samples. */
        MEAN,
        /** A difference between two samples (e.g. VRAM after load minus before load). */
        DELTA,
        /** A sum (e.g. seconds paused). */
        SUM,
        /** A ratio of other figures (efficiency). */
        RATIO;

        /** The lower-case label used in reports. @return the label */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}

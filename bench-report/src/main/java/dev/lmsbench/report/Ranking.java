package dev.lmsbench.report;

import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.SideMetric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * Orders model summaries by a headline figure, best first, for every table and chart that ranks models
 * ({@code --rank-by}). Models without the figure ({@code NaN}) come last, in their original order; ties keep the
 * original order too. {@code Ranking.order(report.models(), "decode")} ranks by median decode tok/s.
 */
public final class Ranking {

    /** The metric names {@link #order} accepts, in the order the help lists them. */
    public static final List<String> METRICS = List.of("decode", "ttft", "total", "prefill", "load", "vram");

    private Ranking() {
    }

    /**
     * The summaries ordered by {@code metric}, best first: highest decode, total and prefill tok/s; lowest TTFT, load
     * time and peak VRAM.
     *
     * @param models the summaries, in their original order
     * @param metric one of {@link #METRICS} (case-insensitive), or null for the original order
     * @return a new immutable list
     * @throws IllegalArgumentException for an unknown metric, naming the valid ones
     */
    public static List<ModelSummary> order(List<ModelSummary> models, String metric) {
        if (metric == null) {
            return List.copyOf(models);
        }
        String m = metric.trim().toLowerCase(Locale.ROOT);
        ToDoubleFunction<ModelSummary> figure = switch (m) {
            case "decode" -> s -> s.decodeTokensPerSecond().p50();
            case "ttft" -> s -> s.ttft().p50();
            case "total" -> ModelSummary::streamTokensPerSecondTotal;
            case "prefill" -> s -> s.prefillTokensPerSecond().p50();
            case "load" -> ModelSummary::loadSeconds;
            case "vram" -> Ranking::peakVram;
            default -> throw new IllegalArgumentException("unknown metric '" + metric + "'; valid: "
                    + String.join(", ", METRICS));
        };
        boolean higherIsBetter = m.equals("decode") || m.equals("total") || m.equals("prefill");
        Comparator<ModelSummary> byFigure = Comparator.comparingDouble(figure);
        Comparator<ModelSummary> best = higherIsBetter ? byFigure.reversed() : byFigure;
        List<ModelSummary> known = new ArrayList<>();
        List<ModelSummary> unknown = new ArrayList<>();
        for (ModelSummary s : models) {
            (Double.isFinite(figure.applyAsDouble(s)) ? known : unknown).add(s);
        }
        known.sort(best); // List.sort is stable: ties keep their order
        known.addAll(unknown);
        return List.copyOf(known);
    }

    /** The peak VRAM used while the model ran (profiling), or {@code NaN}. */
    private static double peakVram(ModelSummary s) {
        return s.sideMetrics().stream()
                .filter(x -> x.name().equals(HardwareAggregates.VRAM_USED)
                        && x.aggregation() == SideMetric.Aggregation.MAX)
                .mapToDouble(SideMetric::value).findFirst().orElse(Double.NaN);
    }
}

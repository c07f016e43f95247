package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.stats.MedianComparison;
import dev.lmsbench.core.stats.MedianComparison.Direction;
import dev.lmsbench.core.text.SafeText;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * A noise-aware comparison of two runs, per model present in both (matched by model id; the first result of an id
 * when a run has several): each headline figure's baseline and current medians and a verdict from
 * {@link MedianComparison} on the request-level samples (measured, successful streaming requests) of both runs.
 * Load time has one value per run, so it is shown without a verdict.
 *
 * <p>The interval level is adjusted for the number of figures compared (Bonferroni): with {@code m} tested figures
 * each interval has confidence {@code 1 - (1 - FAMILY_CONFIDENCE) / m}, so the chance that any unchanged figure of
 * the whole comparison is flagged stays at most {@code 1 - FAMILY_CONFIDENCE}. See docs/reports.md.
 *
 * <p>{@code RunComparison.of(earlier, report).models()} lists the compared models, in the current run's order.
 *
 * @param baselineRunId the earlier run's id
 * @param currentRunId  this run's id
 * @param models        one entry per model present in both runs, in the current run's order
 * @param onlyBaseline  ids (sanitized) of models only the baseline has
 * @param onlyCurrent   ids (sanitized) of models only the current run has
 */
public record RunComparison(String baselineRunId, String currentRunId, List<ModelComparison> models,
                            List<String> onlyBaseline, List<String> onlyCurrent) {

    /** Family-wise confidence of a whole comparison. */
    public static final double FAMILY_CONFIDENCE = 0.99;

    private static final int MAX_ID_CHARS = 200;

    /** Copies the lists. */
    public RunComparison {
        baselineRunId = SafeText.oneLine(Objects.requireNonNullElse(baselineRunId, ""), MAX_ID_CHARS);
        currentRunId = SafeText.oneLine(Objects.requireNonNullElse(currentRunId, ""), MAX_ID_CHARS);
        models = List.copyOf(models);
        onlyBaseline = List.copyOf(onlyBaseline);
        onlyCurrent = List.copyOf(onlyCurrent);
    }

    /** The headline figures compared. */
    public enum Figure {
        /** Decode tok/s per streaming request. */
        DECODE("decode tok/s", Direction.HIGHER_IS_BETTER, RequestResult::decodeTokensPerSecond),
        /** Time to first token, seconds. */
        TTFT("TTFT s", Direction.LOWER_IS_BETTER, RequestResult::ttftSeconds),
        /** Completion tok/s of wall time per streaming request. */
        TOTAL("total tok/s", Direction.HIGHER_IS_BETTER, RequestResult::completionTokensPerSecond),
        /** Prefill tok/s per streaming request. */
        PREFILL("prefill tok/s", Direction.HIGHER_IS_BETTER, RequestResult::prefillTokensPerSecond),
        /** Model load time, seconds: one value per run, no verdict. */
        LOAD("load s", Direction.LOWER_IS_BETTER, null);

        private final String label;
        private final Direction direction;
        private final ToDoubleFunction<RequestResult> sample;

        Figure(String label, Direction direction, ToDoubleFunction<RequestResult> sample) {
            this.label = label;
            this.direction = direction;
            this.sample = sample;
        }

        /** The label reports print. @return the label */
        public String label() {
            return label;
        }

        /** Which way the figure improves. @return the direction */
        public Direction direction() {
            return direction;
        }

        /** Whether the figure has request-level samples (and so a verdict). @return false for load time */
        public boolean tested() {
            return sample != null;
        }
    }

    /**
     * One figure of one model.
     *
     * @param figure     the figure
     * @param comparison the medians, interval and verdict; for load time the two load times as medians, no
     *                   interval, verdict {@link MedianComparison.Verdict#NOT_ENOUGH_SAMPLES}
     */
    public record FigureComparison(Figure figure, MedianComparison comparison) {
        /** Requires both. */
        public FigureComparison {
            Objects.requireNonNull(figure, "figure");
            Objects.requireNonNull(comparison, "comparison");
        }
    }

    /**
     * One model present in both runs.
     *
     * @param modelId  the model id, sanitized
     * @param baseline the baseline summary
     * @param current  the current summary
     * @param figures  one entry per {@link Figure}, in enum order
     */
    public record ModelComparison(String modelId, ModelSummary baseline, ModelSummary current,
                                  List<FigureComparison> figures) {
        /** Copies the list. */
        public ModelComparison {
            modelId = SafeText.oneLine(modelId, MAX_ID_CHARS);
            figures = List.copyOf(figures);
        }

        /** The entry of a figure. @param figure the figure @return its comparison */
        public FigureComparison figure(Figure figure) {
            return figures.stream().filter(f -> f.figure() == figure).findFirst().orElseThrow();
        }
    }

    /**
     * Compares {@code current} against {@code baseline}.
     *
     * @param baseline the earlier run
     * @param current  this run
     * @return the comparison
     */
    public static RunComparison of(BenchmarkReport baseline, BenchmarkReport current) {
        Map<String, ModelSummary> before = byId(baseline.models());
        Map<String, ModelSummary> after = byId(current.models());
        List<String> common = after.keySet().stream().filter(before::containsKey).toList();
        long tested = java.util.Arrays.stream(Figure.values()).filter(Figure::tested).count();
        double confidence = 1 - (1 - FAMILY_CONFIDENCE) / Math.max(1, tested * common.size());
        List<ModelComparison> models = new ArrayList<>();
        for (String id : common) {
            ModelSummary b = before.get(id);
            ModelSummary c = after.get(id);
            List<FigureComparison> figures = new ArrayList<>();
            for (Figure f : Figure.values()) {
                MedianComparison mc = f.tested()
                        ? MedianComparison.of(samples(baseline, b, f), samples(current, c, f), f.direction(),
                        confidence)
                        : loadOnly(b.loadSeconds(), c.loadSeconds(), confidence);
                figures.add(new FigureComparison(f, mc));
            }
            models.add(new ModelComparison(id, b, c, figures));
        }
        return new RunComparison(baseline.run().runId(), current.run().runId(), models,
                before.keySet().stream().filter(id -> !after.containsKey(id)).map(RunComparison::safe).toList(),
                after.keySet().stream().filter(id -> !before.containsKey(id)).map(RunComparison::safe).toList());
    }

    /** This comparison with its models ordered as {@link Ranking#order} orders the current summaries. */
    public RunComparison rankedBy(String metric) {
        List<ModelSummary> order = Ranking.order(models.stream().map(ModelComparison::current).toList(), metric);
        List<ModelComparison> ranked = order.stream()
                .map(s -> models.stream().filter(m -> m.current() == s).findFirst().orElseThrow()).toList();
        return new RunComparison(baselineRunId, currentRunId, ranked, onlyBaseline, onlyCurrent);
    }

    private static MedianComparison loadOnly(double before, double after, double confidence) {
        return new MedianComparison(Double.isFinite(before) ? 1 : 0, Double.isFinite(after) ? 1 : 0, before, after,
                Double.NaN, Double.NaN, Double.NaN, confidence, MedianComparison.Verdict.NOT_ENOUGH_SAMPLES);
    }

    /** The measured, successful streaming requests' values of a model's figure. */
    private static double[] samples(BenchmarkReport report, ModelSummary s, Figure f) {
        return report.requests().stream()
                .filter(r -> r.model().equals(s.model().id()) && r.contextLength() == s.contextLength()
                        && r.parallel() == s.parallel() && !r.warmup() && r.success() && r.mode() == RunMode.STREAM)
                .mapToDouble(f.sample).filter(Double::isFinite).toArray();
    }

    private static Map<String, ModelSummary> byId(List<ModelSummary> models) {
        Map<String, ModelSummary> out = new LinkedHashMap<>();
        models.forEach(s -> out.putIfAbsent(s.model().id(), s));
        return out;
    }

    private static String safe(String id) {
        return SafeText.oneLine(id, MAX_ID_CHARS);
    }
}

package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;

import java.util.List;
import java.util.Objects;

/**
 * How the report writers {@link ReportWriters#select(List, ReportOptions)} returns present a run: the PDF's paper,
 * the ranking metric that orders every table and chart of the presentation formats (Markdown, PNG, PDF, HTML; the
 * data formats JSON and CSV keep the run's order), and an optional comparison with an earlier run, which every
 * format then shows ({@code comparison.json}, {@code comparison.csv}, a section of the Markdown, HTML and PDF
 * reports, {@code charts/comparison.png}), and the TTFT limit of the best settings that every format shows when some
 * model ran more than one job (a sweep, {@code --max-ttft-ms}).
 *
 * <p>{@code ReportOptions.defaults().withRankBy("decode").withPaper(Paper.LETTER)}
 *
 * @param paper      the PDF's paper size
 * @param rankBy     one of {@link Ranking#METRICS}, or null for the run's order (the PDF's ranking table then
 *                   ranks by decode tok/s)
 * @param comparison the comparison of this run with an earlier one, or null for none
 * @param maxTtftMs  the TTFT limit (milliseconds) of the best settings' "largest context within the TTFT limit", or
 *                   {@code NaN} for none (values {@code <= 0} mean none too)
 */
public record ReportOptions(PdfReportWriter.Paper paper, String rankBy, RunComparison comparison, double maxTtftMs) {

    private static final ReportOptions DEFAULTS = new ReportOptions(PdfReportWriter.Paper.A4, null, null);

    /**
     * Options without a TTFT limit.
     *
     * @param paper      the PDF's paper size
     * @param rankBy     the ranking metric, or null
     * @param comparison the comparison, or null
     */
    public ReportOptions(PdfReportWriter.Paper paper, String rankBy, RunComparison comparison) {
        this(paper, rankBy, comparison, Double.NaN);
    }

    /**
     * Checks the metric.
     *
     * @throws IllegalArgumentException for an unknown {@code rankBy}, naming the valid ones
     */
    public ReportOptions {
        Objects.requireNonNull(paper, "paper");
        if (!(maxTtftMs > 0) || Double.isInfinite(maxTtftMs)) {
            maxTtftMs = Double.NaN;
        }
        if (rankBy != null) {
            Ranking.order(List.of(), rankBy); // validates
        }
    }

    /** A4, the run's order, no comparison. @return the defaults */
    public static ReportOptions defaults() {
        return DEFAULTS;
    }

    /** @param value the paper @return a copy with that paper */
    public ReportOptions withPaper(PdfReportWriter.Paper value) {
        return new ReportOptions(value, rankBy, comparison, maxTtftMs);
    }

    /** @param metric one of {@link Ranking#METRICS} or null @return a copy ranking by that metric */
    public ReportOptions withRankBy(String metric) {
        return new ReportOptions(paper, metric, comparison, maxTtftMs);
    }

    /** @param value the comparison or null @return a copy showing it */
    public ReportOptions withComparison(RunComparison value) {
        return new ReportOptions(paper, rankBy, value, maxTtftMs);
    }

    /**
     * A copy with a TTFT limit for the best settings.
     *
     * @param value milliseconds, or {@code NaN} (or {@code <= 0}) for none
     * @return the copy
     */
    public ReportOptions withMaxTtftMs(double value) {
        return new ReportOptions(paper, rankBy, comparison, value);
    }

    /** The best settings per model when some model ran more than one job (a sweep), else an empty list. */
    List<dev.lmsbench.core.stats.BestSettings> bestSettings(BenchmarkReport report) {
        return BestSettingsRows.of(report.models(), maxTtftMs);
    }

    /** The models in presentation order: ranked by {@link #rankBy}, else the run's order. */
    List<ModelSummary> order(List<ModelSummary> models) {
        return Ranking.order(models, rankBy);
    }

    /** The report with its models in presentation order (requests untouched). */
    BenchmarkReport ordered(BenchmarkReport report) {
        if (rankBy == null) {
            return report;
        }
        return new BenchmarkReport(report.run(), report.status(), report.finishedAt(), order(report.models()),
                report.requests(), report.hardware());
    }

    /** The comparison with its models in presentation order, or null. */
    RunComparison orderedComparison() {
        return comparison == null || rankBy == null ? comparison : comparison.rankedBy(rankBy);
    }
}

package dev.lmsbench.report;

import dev.lmsbench.core.stats.MedianComparison;
import dev.lmsbench.report.RunComparison.Figure;
import dev.lmsbench.report.RunComparison.FigureComparison;
import dev.lmsbench.report.RunComparison.ModelComparison;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link RunComparison} as rows of text, the same in the terminal, the Markdown, HTML and PDF reports: one row per
 * model and figure with the two medians, the change, the change in percent, the sample counts and the verdict.
 * Numbers are formatted with {@link Locale#ROOT}; unknown ones are {@code -}. Model ids are the comparison's,
 * already one line; each format escapes them for where they land.
 */
public final class ComparisonRows {

    /** The column names of {@link #rows}. */
    public static final List<String> HEADER = List.of("Model", "Figure", "Baseline", "Current", "Change",
            "Change %", "n", "Verdict");

    /** The verdict cell of a figure that has one value per run (load time). */
    public static final String ONE_VALUE = "(one value per run)";

    private ComparisonRows() {
    }

    /**
     * The rows, in the comparison's model order and {@link Figure}'s order.
     *
     * @param comparison the comparison
     * @return one row of {@link #HEADER}'s cells per model and figure
     */
    public static List<List<String>> rows(RunComparison comparison) {
        List<List<String>> out = new ArrayList<>();
        for (ModelComparison m : comparison.models()) {
            for (FigureComparison f : m.figures()) {
                MedianComparison c = f.comparison();
                int decimals = decimals(f.figure());
                out.add(List.of(m.modelId(), f.figure().label(), num(c.baselineMedian(), decimals),
                        num(c.currentMedian(), decimals), signed(c.change(), decimals), signed(c.percent(), 1),
                        c.baselineCount() + "/" + c.currentCount(),
                        f.figure().tested() ? c.verdict().label() : ONE_VALUE));
            }
        }
        return out;
    }

    /** One line naming the two runs and the method, for the heading of every format. */
    public static String title(RunComparison comparison) {
        return "Comparison with " + comparison.baselineRunId() + " (baseline) -> " + comparison.currentRunId()
                + ": medians of the measured streaming requests; verdict by a bootstrap interval of the difference"
                + " of medians (docs/reports.md)";
    }

    static int decimals(Figure figure) {
        return switch (figure) {
            case TTFT -> 3;
            case LOAD -> 2;
            default -> 1;
        };
    }

    private static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }

    private static String signed(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%+." + decimals + "f", v) : "-";
    }
}

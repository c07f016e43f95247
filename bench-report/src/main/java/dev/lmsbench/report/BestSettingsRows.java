package dev.lmsbench.report;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.stats.BestSettings;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@link BestSettings} as rows of text, the same in the terminal and the Markdown, HTML and PDF reports' "Best
 * settings" section: one row per model with its best context size and parallelism by total tok/s, and the largest
 * context size within the TTFT limit with its parallelism. Numbers use {@link Locale#ROOT}; unknown cells are
 * {@code -}; a context size of 0 is {@code default}. Model ids are as the report has them; each format escapes them.
 */
public final class BestSettingsRows {

    /** The column names of {@link #rows}. */
    public static final List<String> HEADER = List.of("Model", "Best ctx", "Best par", "Total tok/s",
            "Largest ctx within TTFT limit", "Its par");

    /** Which columns hold numbers (right-aligned). */
    static final boolean[] NUMERIC = {false, true, true, true, true, true};

    private BestSettingsRows() {
    }

    /**
     * The best settings to show for a report's jobs: one per model when some model ran more than one job (a sweep),
     * else none.
     *
     * @param jobs      the report's model summaries (one per job)
     * @param maxTtftMs the TTFT limit in milliseconds, or {@code NaN} for none
     * @return the best settings, empty when not worth showing
     */
    public static List<BestSettings> of(List<ModelSummary> jobs, double maxTtftMs) {
        return BestSettings.worthShowing(jobs) ? BestSettings.of(jobs, maxTtftMs) : List.of();
    }

    /**
     * The rows.
     *
     * @param best the best settings, in order
     * @return one row of {@link #HEADER}'s cells per model
     */
    public static List<List<String>> rows(List<BestSettings> best) {
        List<List<String>> out = new ArrayList<>();
        for (BestSettings b : best) {
            out.add(List.of(b.model(), ctx(b.contextLength()), count(b.parallel()), num(b.tokensPerSecond()),
                    ctx(b.ttftContextLength()), count(b.ttftParallel())));
        }
        return out;
    }

    /**
     * One line saying what the table shows and the TTFT limit.
     *
     * @param maxTtftMs the limit in milliseconds, or {@code NaN}
     * @return the line
     */
    public static String title(double maxTtftMs) {
        String limit = maxTtftMs > 0 && Double.isFinite(maxTtftMs)
                ? "TTFT limit " + new java.math.BigDecimal(Double.toString(maxTtftMs)).stripTrailingZeros()
                .toPlainString() + " ms (TTFT p50 of the job)"
                : "no TTFT limit given (--max-ttft-ms)";
        return "Per model over its completed jobs: the context size and parallelism with the highest total tok/s,"
                + " and the largest context size within the limit; " + limit;
    }

    private static String ctx(int contextLength) {
        if (contextLength < 0) {
            return "-";
        }
        return contextLength == 0 ? "default" : Integer.toString(contextLength);
    }

    private static String count(int value) {
        return value < 0 ? "-" : Integer.toString(value);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }
}

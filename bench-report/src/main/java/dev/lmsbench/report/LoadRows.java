package dev.lmsbench.report;

import dev.lmsbench.core.load.LatencyStats;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.model.ModelSummary;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The load test section of the HTML and Markdown reports: one row per load stage (its pattern, workload, tags,
 * requests, throughput, latency medians and p99s, goodput and the generator's health), as plain text cells each
 * writer escapes its own way, and the generator's warnings. The same figures as the {@code load_test} objects.
 */
final class LoadRows {

    /** The columns; the first two are text, the others numbers (right-aligned). */
    static final List<String> COLUMNS = List.of("Stage", "Workload", "OK/Sent", "Rate /s (target)", "Req/s",
            "Out tok/s", "TTFT p50 ms", "TTFT p99 ms", "TPOT p50 ms", "ITL p99 ms", "E2E p50 ms", "E2E p99 ms",
            "Goodput /s", "Lag p99 ms");

    private LoadRows() {
    }

    /** {@return the load stages among the models} */
    static List<ModelSummary> stages(List<ModelSummary> models) {
        return models.stream().filter(m -> m.load() != null).toList();
    }

    /** One stage's cells, in {@link #COLUMNS}' order. */
    static List<String> row(ModelSummary m) {
        LoadResult l = m.load();
        String stage = l.pattern().label() + (l.tags().isEmpty() ? "" : " [" + String.join(", ", l.tags().entrySet()
                .stream().map(e -> e.getKey() + "=" + e.getValue()).toList()) + "]");
        double target = l.pattern().targetRate();
        List<String> cells = new ArrayList<>(List.of(stage, l.workload(), l.completed() + "/" + l.sent(),
                num(l.achievedRate(), 2) + (Double.isNaN(target) ? "" : " (" + num(target, 2) + ")"),
                num(l.requestThroughput(), 2), num(l.outputThroughput(), 1), num(l.ttftMs().median(), 1),
                p99(l.ttftMs()), num(l.tpotMs().median(), 2), p99(l.itlMs()), num(l.e2eMs().median(), 1),
                p99(l.e2eMs()),
                l.slo().any() ? num(l.goodput(), 2) + " (" + num(l.goodFraction() * 100, 0) + " %)" : "-",
                num(l.generator().sendLagMs().percentile(99), 2) + (l.generator().healthy() ? "" : " !")));
        return cells;
    }

    /** {@return every warning of the stages, each prefixed with its stage} */
    static List<String> warnings(List<ModelSummary> stages) {
        List<String> out = new ArrayList<>();
        for (ModelSummary m : stages) {
            for (String w : m.load().generator().warnings()) {
                out.add(m.load().pattern().label() + ": " + w);
            }
        }
        return out;
    }

    private static String p99(LatencyStats s) {
        return num(s.percentile(99), 1);
    }

    private static String num(double v, int decimals) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "-";
    }
}

package dev.lmsbench.cli;

import dev.lmsbench.core.load.LatencyStats;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.model.ModelSummary;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The tables {@code lmsbench load} prints: one row per stage with throughput, goodput and the generator's health, then
 * the latency statistics (mean, median, standard deviation and the chosen percentiles, in milliseconds) of each
 * stage, and under them every warning the generator raised.
 */
final class LoadTables {

    private LoadTables() {
    }

    /** Prints the tables of the load stages among {@code models} (jobs without a load stage are left out). */
    static void print(List<ModelSummary> models, PrintWriter out) {
        List<ModelSummary> stages = models.stream().filter(m -> m.load() != null).toList();
        if (stages.isEmpty()) {
            return;
        }
        boolean goodput = stages.stream().anyMatch(m -> m.load().slo().any());
        boolean severalModels = stages.stream().map(m -> m.model().id()).distinct().count() > 1;
        List<String> header = new ArrayList<>(List.of("Pattern", "Workload", "Status", "OK/Sent", "Rate /s (target)",
                "Req/s", "Out tok/s", "Total tok/s", "TTFT p50 ms", "TPOT p50 ms", "E2E p50 ms"));
        if (goodput) {
            header.add("Goodput /s");
        }
        header.add("Lag p99 ms");
        if (severalModels) {
            header.addFirst("Model");
        }
        TextTable t = new TextTable(header.toArray(String[]::new));
        for (ModelSummary m : stages) {
            LoadResult l = m.load();
            List<String> row = new ArrayList<>(List.of(l.pattern().label(), l.workload(), m.status().label(),
                    l.completed() + "/" + l.sent(), rate(l), Durations.num(l.requestThroughput(), 2),
                    Durations.num(l.outputThroughput(), 1), Durations.num(l.totalTokenThroughput(), 1),
                    Durations.num(l.ttftMs().median(), 1), Durations.num(l.tpotMs().median(), 2),
                    Durations.num(l.e2eMs().median(), 1)));
            if (goodput) {
                row.add(l.slo().any() ? Durations.num(l.goodput(), 2) + " (" + percent(l.goodFraction()) + ")"
                        : "-");
            }
            row.add(Durations.num(l.generator().sendLagMs().percentile(99), 2)
                    + (l.generator().healthy() ? "" : " !"));
            if (severalModels) {
                row.addFirst(m.model().id());
            }
            t.row(row.toArray(String[]::new));
        }
        t.print(out);
        out.println();
        List<Double> ps = stages.getFirst().load().ttftMs().percentiles().keySet().stream().toList();
        List<String> lh = new ArrayList<>(List.of("Pattern", "Metric (ms)", "Mean", "Median", "Std"));
        ps.forEach(p -> lh.add(LatencyStats.name(p)));
        lh.add("Max");
        TextTable lat = new TextTable(lh.toArray(String[]::new));
        for (ModelSummary m : stages) {
            LoadResult l = m.load();
            latencyRow(lat, l, "TTFT", l.ttftMs(), ps);
            if (l.ttfcMs().count() > 0 && l.ttfcMs().median() > l.ttftMs().median()) {
                latencyRow(lat, l, "TTFC", l.ttfcMs(), ps); // a reasoning model: its first visible token is later
            }
            latencyRow(lat, l, "TPOT", l.tpotMs(), ps);
            latencyRow(lat, l, "ITL", l.itlMs(), ps);
            latencyRow(lat, l, "E2E", l.e2eMs(), ps);
        }
        lat.print(out);
        for (ModelSummary m : stages) {
            LoadResult l = m.load();
            if (!l.errors().isEmpty()) {
                List<String> parts = new ArrayList<>();
                l.errors().forEach((type, n) -> parts.add(n + " x " + type.label()));
                out.println(l.pattern().label() + ": failed requests: " + String.join(", ", parts)
                        + " (docs/errors.md)");
            }
            for (String w : l.generator().warnings()) {
                out.println("WARNING " + l.pattern().label() + ": " + w);
            }
        }
    }

    private static void latencyRow(TextTable t, LoadResult l, String metric, LatencyStats s, List<Double> ps) {
        List<String> row = new ArrayList<>(List.of(l.pattern().label(), metric, Durations.num(s.mean(), 2),
                Durations.num(s.median(), 2), Durations.num(s.stdev(), 2)));
        ps.forEach(p -> row.add(Durations.num(s.percentile(p), 2)));
        row.add(Durations.num(s.max(), 2));
        t.row(row.toArray(String[]::new));
    }

    private static String rate(LoadResult l) {
        double target = l.pattern().targetRate();
        return Durations.num(l.achievedRate(), 2) + (Double.isNaN(target) ? "" : " (" + Durations.num(target, 2)
                + ")");
    }

    private static String percent(double fraction) {
        return Double.isNaN(fraction) ? "-" : Durations.num(fraction * 100, 0) + " %";
    }
}

package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.report.ReportWriters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The end of {@code lmsbench run}: writes a report with every report writer into the output directory and prints
 * its summary table.
 */
final class RunReports {

    /** Logs under {@link RunCommand}'s name, as the run log always has. */
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    private RunReports() {
    }

    /** Writes {@code report} with every writer (a failing writer is logged and skipped), then prints the table. */
    static void write(BenchmarkReport report, Path outDir, PrintWriter out, PrintWriter err) {
        List<String> written = new ArrayList<>();
        for (ReportWriter w : ReportWriters.all()) {
            try {
                w.write(report, outDir);
                written.add(w.name());
            } catch (IOException | RuntimeException e) {
                LOG.error("could not write the {} report into {}: {}", w.name(), outDir, e.getMessage());
                LOG.debug("report failure", e);
            }
        }
        printSummaryTable(report.models(), out);
        out.println();
        out.println("Reports (" + String.join(", ", written) + ") and log written to " + outDir);
        out.flush();
        err.flush();
    }

    /** One row per model: status, request counts, latency and throughput medians. */
    static void printSummaryTable(List<ModelSummary> models, PrintWriter out) {
        TextTable t = new TextTable("Model", "Quant", "Status", "OK/Req", "TTFT s (mean ± sd)", "TTFT p90 s",
                "Decode tok/s (mean ± sd)", "Prefill tok/s p50", "Total tok/s", "System tok/s", "Req/s", "Load s");
        boolean anyEstimated = false;
        boolean anyCacheUnknown = false;
        List<String> errors = new ArrayList<>();
        for (ModelSummary s : models) {
            anyEstimated |= s.tokens().estimated();
            String star = s.tokens().estimated() ? "*" : "";
            boolean cacheUnknown = s.tokens().promptCacheUnknown() > 0 && s.prefillTokensPerSecond().count() > 0;
            anyCacheUnknown |= cacheUnknown;
            t.row(s.model().id(), s.model().quantization().isEmpty() ? "-" : s.model().quantization(),
                    s.status().label(), s.successCount() + "/" + s.requestCount() + " ok",
                    Durations.meanStdev(s.ttft(), 3), Durations.num(s.ttft().p90(), 3),
                    Durations.meanStdev(s.decodeTokensPerSecond(), 1) + star,
                    Durations.num(s.prefillTokensPerSecond().p50(), 1) + star + (cacheUnknown ? "?" : ""),
                    Durations.num(s.completionTokensPerSecondTotal(), 1) + star,
                    Durations.num(s.systemOutputTokensPerSecond(), 1) + star,
                    Durations.num(s.systemRequestsPerSecond(), 2),
                    Durations.num(s.loadSeconds(), 2));
            if (!s.errorsByType().isEmpty()) {
                StringBuilder b = new StringBuilder(s.model().id()).append(": ");
                s.errorsByType().forEach((type, n) -> b.append(n).append(" x ").append(type.label()).append(", "));
                b.setLength(b.length() - 2);
                errors.add(b.toString());
            }
        }
        out.println();
        t.print(out);
        if (anyEstimated) {
            out.println("* token counts estimated: the server sent no usage (see docs/metrics.md)");
        }
        if (anyCacheUnknown) {
            out.println("? prompt cache state unknown: the server did not say how many prompt tokens it cached, so"
                    + " prefill counts them all (see docs/metrics.md)");
        }
        if (!errors.isEmpty()) {
            out.println("Failed calls by error type (docs/errors.md):");
            for (String e : errors) {
                out.println("  " + Main.oneLine(e));
            }
        }
        printHardwareTable(models, out);
    }

    /**
     * With {@code --enable-profiling}: one row per profiled model with the hardware figures of summary.csv's
     * hardware columns; nothing when no model was profiled. A figure that was not measured is {@code -}.
     */
    static void printHardwareTable(List<ModelSummary> models, PrintWriter out) {
        List<ModelSummary> profiled = models.stream().filter(s -> !s.sideMetrics().isEmpty()).toList();
        if (profiled.isEmpty()) {
            return;
        }
        TextTable t = new TextTable("Model", "VRAM peak GB", "VRAM model GB", "GPU util %", "Power W",
                "Temp peak °C", "CPU %", "RAM peak GB", "tok/s per GB", "tok/J");
        for (ModelSummary s : profiled) {
            t.row(s.model().id(),
                    Durations.num(side(s, HardwareAggregates.VRAM_USED, Aggregation.MAX) / 1e9, 2),
                    Durations.num(side(s, HardwareAggregates.VRAM_MODEL, Aggregation.DELTA) / 1e9, 2),
                    Durations.num(side(s, HardwareAggregates.GPU_UTIL, Aggregation.MEAN), 0),
                    Durations.num(side(s, HardwareAggregates.POWER, Aggregation.MEAN), 1),
                    Durations.num(side(s, HardwareAggregates.TEMP, Aggregation.MAX), 0),
                    Durations.num(side(s, HardwareAggregates.CPU_LOAD, Aggregation.MEAN), 0),
                    Durations.num(side(s, HardwareAggregates.RAM_USED, Aggregation.MAX) / 1e9, 2),
                    Durations.num(side(s, HardwareAggregates.TOKS_PER_S_PER_GB, Aggregation.RATIO), 1),
                    Durations.num(side(s, HardwareAggregates.TOKS_PER_JOULE, Aggregation.RATIO), 2));
        }
        out.println();
        t.print(out);
    }

    private static double side(ModelSummary s, String name, Aggregation aggregation) {
        return SideMetric.find(s.sideMetrics(), name, aggregation).map(SideMetric::value).orElse(Double.NaN);
    }
}

package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.model.SideMetric.Aggregation;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.stats.BestSettings;
import dev.lmsbench.report.BestSettingsRows;
import dev.lmsbench.report.PdfReportWriter;
import dev.lmsbench.report.Ranking;
import dev.lmsbench.report.ReportOptions;
import dev.lmsbench.report.RunComparison;
import dev.lmsbench.report.ReportNotes;
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

    /**
     * The writers {@code --format} names, the default ones ({@link ReportWriters#DEFAULT_FORMATS}) when it was not
     * given. @param formats the names, or null @return the writers
     * @throws CliException a usage error naming the valid formats for an unknown or missing one
     */
    static List<ReportWriter> writers(List<String> formats) {
        return writers(formats, null);
    }

    /**
     * As {@link #writers(List)}, the PDF on {@code paper} ({@code --paper}; A4 when null).
     *
     * @throws CliException a usage error naming the valid formats for an unknown or missing one
     */
    static List<ReportWriter> writers(List<String> formats, PdfReportWriter.Paper paper) {
        return writers(formats, paper, Double.NaN);
    }

    /**
     * As {@link #writers(List, PdfReportWriter.Paper)}, the best settings of a sweep judged against a TTFT limit
     * ({@code --max-ttft-ms}): every format shows, per model that ran more than one job, the largest context size
     * whose TTFT p50 is within it.
     *
     * @param formats   the names, or null for the default ones
     * @param paper     the PDF's paper, or null for A4
     * @param maxTtftMs the TTFT limit in milliseconds, or {@code NaN} (or {@code <= 0}) for none
     * @return the writers
     * @throws CliException a usage error naming the valid formats for an unknown or missing one
     */
    static List<ReportWriter> writers(List<String> formats, PdfReportWriter.Paper paper, double maxTtftMs) {
        try {
            return ReportWriters.select(formats == null ? ReportWriters.DEFAULT_FORMATS : formats,
                    ReportOptions.defaults().withPaper(paper == null ? PdfReportWriter.Paper.A4 : paper)
                            .withMaxTtftMs(maxTtftMs));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--format: " + Main.oneLine(e.getMessage()));
        }
    }

    /**
     * The best settings of a sweep for the terminal ({@code lmsbench sweep}): a blank line, a line naming the TTFT
     * limit, and one row per model ({@link BestSettingsRows}: best context size and parallelism by total tok/s, and
     * the largest context size within the limit with its parallelism; {@code -} where there is none). Prints nothing
     * when no model ran more than one job, as the reports show nothing then.
     *
     * @param report    the run's report
     * @param maxTtftMs the TTFT limit in milliseconds ({@code --max-ttft-ms}), or {@code NaN} for none
     * @param out       where to print
     */
    static void printBestSettings(BenchmarkReport report, double maxTtftMs, PrintWriter out) {
        List<BestSettings> best = BestSettingsRows.of(report.models(), maxTtftMs);
        if (best.isEmpty()) {
            return;
        }
        TextTable t = new TextTable(BestSettingsRows.HEADER.toArray(String[]::new));
        for (List<String> row : BestSettingsRows.rows(best)) {
            t.row(row.toArray(String[]::new));
        }
        out.println();
        out.println("Best settings: " + BestSettingsRows.title(maxTtftMs));
        t.print(out);
        out.flush();
    }

    /** Writes {@code report} with each writer (a failing writer is logged and skipped), then prints the table. */
    static void write(BenchmarkReport report, List<ReportWriter> writers, Path outDir, PrintWriter out,
                      PrintWriter err) {
        write(report, writers, outDir, out, err, null);
    }

    /**
     * Writes {@code report} with each writer, then prints the table ordered by {@code rankBy} (one of
     * {@link Ranking#METRICS}, or null for the report's order); the presentation formats (md, png, pdf, html)
     * follow that order too, the data formats keep the run's.
     */
    static void write(BenchmarkReport report, List<ReportWriter> writers, Path outDir, PrintWriter out,
                      PrintWriter err, String rankBy) {
        write(report, writers, outDir, out, err, rankBy, null);
    }

    /**
     * As {@link #write(BenchmarkReport, List, Path, PrintWriter, PrintWriter, String)}, and every format shows
     * {@code comparison} when it is not null ({@code --compare-with}).
     */
    static void write(BenchmarkReport report, List<ReportWriter> writers, Path outDir, PrintWriter out,
                      PrintWriter err, String rankBy, RunComparison comparison) {
        List<String> written = new ArrayList<>();
        for (ReportWriter writer : writers) {
            ReportWriter w = ReportWriters.configure(writer, o -> o.withRankBy(rankBy).withComparison(comparison));
            try {
                w.write(report, outDir);
                written.add(w.name());
            } catch (IOException | RuntimeException e) {
                LOG.error("could not write the {} report into {}: {}", w.name(), outDir, e.getMessage());
                LOG.debug("report failure", e);
            }
        }
        if (!report.models().isEmpty() && report.models().stream().allMatch(m -> m.load() != null)) {
            LoadTables.print(report.models(), out); // a load test: its figures, not a run's
        } else {
            printSummaryTable(Ranking.order(report.models(), rankBy), out);
        }
        out.println();
        out.println("Reports (" + String.join(", ", written) + ") and log written to " + outDir);
        out.flush();
        err.flush();
    }

    /**
     * One row per model: status, request counts, latency and throughput medians, and the median draft acceptance
     * when any model has draft figures (speculative decoding). Under the table, one line per model whose streamed
     * usage was corrected or disagreed with the chunks, whose server loaded duplicate instances, or whose loaded
     * instance has fewer parallel slots than {@code --n-parallel} asked for.
     */
    static void printSummaryTable(List<ModelSummary> models, PrintWriter out) {
        boolean anyDraft = models.stream().anyMatch(s -> s.draftAcceptance().count() > 0);
        List<String> header = new ArrayList<>(List.of("Model", "Quant", "Status", "OK/Req", "TTFT s (mean ± sd)",
                "TTFT p90 s", "Decode tok/s (mean ± sd)", "Prefill tok/s p50", "Total tok/s", "System tok/s", "Req/s",
                "Load s"));
        if (anyDraft) {
            header.add("Draft acc.");
        }
        // a sweep: several jobs of one model, told apart by their context size and parallelism
        boolean jobs = models.stream().map(m -> m.model().id()).distinct().count() < models.size();
        if (jobs) {
            header.addAll(1, List.of("Ctx", "Par"));
        }
        TextTable t = new TextTable(header.toArray(String[]::new));
        boolean anyEstimated = false;
        boolean anyCacheUnknown = false;
        List<String> errors = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (ModelSummary s : models) {
            anyEstimated |= s.tokens().estimated();
            String star = s.tokens().estimated() ? "*" : "";
            boolean cacheUnknown = s.tokens().promptCacheUnknown() > 0 && s.prefillTokensPerSecond().count() > 0;
            anyCacheUnknown |= cacheUnknown;
            List<String> cells = new ArrayList<>(List.of(s.model().id(),
                    s.model().quantization().isEmpty() ? "-" : s.model().quantization(),
                    s.status().label(), s.successCount() + "/" + s.requestCount() + " ok",
                    Durations.meanStdev(s.ttft(), 3), Durations.num(s.ttft().p90(), 3),
                    Durations.meanStdev(s.decodeTokensPerSecond(), 1) + star,
                    Durations.num(s.prefillTokensPerSecond().p50(), 1) + star + (cacheUnknown ? "?" : ""),
                    Durations.num(s.completionTokensPerSecondTotal(), 1) + star,
                    Durations.num(s.systemOutputTokensPerSecond(), 1) + star,
                    Durations.num(s.systemRequestsPerSecond(), 2),
                    Durations.num(s.loadSeconds(), 2)));
            if (anyDraft) {
                cells.add(percent(s.draftAcceptance().p50()));
            }
            if (jobs) {
                cells.addAll(1, List.of(s.contextLength() == 0 ? "default" : String.valueOf(s.contextLength()),
                        String.valueOf(s.parallel())));
            }
            t.row(cells.toArray(String[]::new));
            notes.addAll(notes(s));
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
        for (String note : notes) {
            out.println(Main.oneLine(note));
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
     * What the reader of a model's figures should know that the table does not show; the same lines as
     * {@code report.md}'s notes ({@link ReportNotes#notes}).
     *
     * @param s the model's result
     * @return one line each, empty when there is nothing to say
     */
    static List<String> notes(ModelSummary s) {
        return ReportNotes.notes(s);
    }


    /** A share in [0, 1] as a percentage with one decimal, {@code 72.5%}; {@code -} when undefined. */
    static String percent(double share) {
        return Double.isNaN(share) ? "-" : Durations.num(share * 100, 1) + "%";
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

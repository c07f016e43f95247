package dev.lmsbench.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.hardware.HardwareAggregates;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.spi.ReportWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Writes {@code report.html} atomically: one self-contained page that opens offline without a single network
 * request. The header (run, server, machine, settings, notes), the summary figures and the ranking table are HTML
 * written here; the charts are drawn in the browser by Apache ECharts, whose script (read once from the
 * {@code org.webjars.npm:echarts} webjar on the classpath) is inlined into the page, from one JSON object in a
 * {@code <script type="application/json" id="report-data">} element: the models in {@code results.json}'s shape
 * plus a label each, and the request-level samples (TTFT, every token chunk's arrival). Models appear in the
 * report's order (the caller ranks them). Every user and server string is escaped ({@link Html}); a
 * Content-Security-Policy forbids any fetch. Stateless and thread-safe. The page is documented in
 * {@code docs/reports.md}.
 */
record HtmlReportWriter(ReportOptions options) implements ConfigurableWriter {

    static final String NAME = "html";

    /** Rows per page of the ranking table. */
    static final int PAGE_SIZE = 50;

    /** Bar and box charts show this many models at once and scroll (a data zoom) when there are more. */
    static final int VISIBLE_CATEGORIES = 30;

    /** Notes beyond this many are folded into a {@code <details>} element. */
    static final int NOTES_SHOWN = 10;

    static final String ECHARTS_VERSION = "5.3.1";

    static final String ECHARTS_RESOURCE =
            "META-INF/resources/webjars/echarts/" + ECHARTS_VERSION + "/dist/echarts.min.js";

    private static final Logger LOG = LoggerFactory.getLogger(HtmlReportWriter.class);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private static final double GB = 1e9;

    /** The charts of the page, in order: element id and title. */
    enum Chart {
        DECODE("chart-decode", "Decode speed per model (tok/s, mean)"),
        TTFT("chart-ttft", "Time to first token per model (s, measured streaming requests)"),
        SPEED_VS_VRAM("chart-vram", "Decode speed vs VRAM used (max)"),
        SPEED_VS_SIZE("chart-size", "Decode speed vs model size"),
        HEATMAP("chart-heatmap", "Decode speed by model and quantization (tok/s, mean)"),
        TIMELINE("chart-timeline", "Request timeline of one model (TTFT and each token chunk's arrival)"),
        SERVER("chart-server", "Client-measured vs server-reported"),
        HARDWARE("chart-hardware", "Hardware over time");

        final String id;
        final String title;

        Chart(String id, String title) {
            this.id = id;
            this.title = title;
        }
    }

    /** A writer with the default options. */
    HtmlReportWriter() {
        this(ReportOptions.defaults());
    }

    @Override
    public ReportWriter with(ReportOptions value) {
        return new HtmlReportWriter(value);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void write(BenchmarkReport report, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve(ReportWriters.REPORT_HTML);
        BenchmarkReport ordered = options.ordered(report);
        byte[] bytes = render(ordered, options.rankBy(), options.orderedComparison(),
                BestSettingsRows.of(ordered.models(), options.maxTtftMs()), options.maxTtftMs())
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
        LOG.debug("Wrote {} ({} models, {} KiB)", file, report.models().size(), bytes.length / 1024);
    }

    /** The whole page, in the report's order, without a comparison. */
    static String render(BenchmarkReport report) {
        return render(report, null, null);
    }

    /**
     * The whole page; {@code rankBy} (or null) names the order the models come in, {@code comparison} (or null) adds
     * the comparison with an earlier run.
     */
    static String render(BenchmarkReport report, String rankBy, RunComparison comparison) {
        return render(report, rankBy, comparison, BestSettingsRows.of(report.models(), Double.NaN), Double.NaN);
    }

    /**
     * The whole page as {@link #render(BenchmarkReport, String, RunComparison)}, with a "Best settings" section after
     * the ranking table when {@code best} is not empty (a sweep).
     */
    static String render(BenchmarkReport report, String rankBy, RunComparison comparison,
                         List<dev.lmsbench.core.stats.BestSettings> best, double maxTtftMs) {
        List<ModelSummary> models = report.models();
        List<String> labels = ReportCharts.labels(models);
        StringBuilder b = new StringBuilder(1 << 20);
        RunInfo run = report.run();
        b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                // nothing may be fetched: every script and style is inline, images only from data: URLs
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:\">\n")
                .append("<meta name=\"color-scheme\" content=\"light dark\">\n")
                .append("<title>LM Studio Bench report ").append(Html.escape(run.runId())).append("</title>\n")
                .append("<style>\n").append(Assets.CSS).append("</style>\n</head>\n<body>\n");
        header(report, b);
        kpis(models, labels, b);
        notes(models, b);
        table(models, labels, rankBy, b);
        loadTest(models, b);
        if (!best.isEmpty()) {
            bestSettings(best, maxTtftMs, b);
        }
        if (comparison != null) {
            comparison(comparison, b);
        }
        charts(report, b);
        b.append("<footer>Written by lmsbench ").append(Html.escape(run.toolVersion()))
                .append(". Charts: Apache ECharts ").append(ECHARTS_VERSION)
                .append(" (Apache License 2.0), inlined.</footer>\n");
        b.append("<script type=\"application/json\" id=\"report-data\">")
                .append(Html.scriptJson(data(report, labels))).append("</script>\n");
        b.append("<script>\n").append(Assets.ECHARTS).append("\n</script>\n");
        b.append("<script>\n").append(Assets.JS).append("</script>\n</body>\n</html>\n");
        return b.toString();
    }

    private static void header(BenchmarkReport report, StringBuilder b) {
        RunInfo run = report.run();
        ServerInfo server = run.server();
        BenchmarkSettings s = run.settings();
        b.append("<header>\n<h1>LM Studio Bench report</h1>\n<dl class=\"facts\">\n");
        fact(b, "run-id", "Run", run.runId());
        fact(b, "status", "Status", report.status().label());
        fact(b, "date", "Date", DATE.format(run.startedAt()) + " to " + DATE.format(report.finishedAt()));
        fact(b, "server", "Server", join(" ", server.kind(), server.version())
                + (server.runtime().isBlank() ? "" : ", runtime " + server.runtime()) + " at " + run.endpoint());
        HardwareInfo hw = report.hardware();
        if (hw == null) {
            fact(b, "machine", "Machine", "not known (the run was not profiled; --profile records it)");
        } else {
            StringBuilder m = new StringBuilder(orUnknown(hw.os())).append(", ").append(orUnknown(hw.cpuModel()));
            if (hw.logicalCores() > 0) {
                m.append(" (").append(hw.physicalCores()).append(" cores, ").append(hw.logicalCores())
                        .append(" threads)");
            }
            if (hw.ramTotalBytes() > 0) {
                m.append(", ").append(PdfReportWriter.number(hw.ramTotalBytes() / GB)).append(" GB RAM");
            }
            for (HardwareInfo.Gpu gpu : hw.gpus()) {
                m.append(", GPU ").append(gpu.index()).append(' ').append(gpu.name());
                if (gpu.vramTotalBytes() > 0) {
                    m.append(" (").append(PdfReportWriter.number(gpu.vramTotalBytes() / GB)).append(" GB)");
                }
            }
            fact(b, "machine", "Machine", m.toString());
        }
        fact(b, "settings", "Settings", "max tokens " + s.maxTokens() + ", runs " + s.runs() + " (warmup "
                + s.warmupRuns() + "), parallel " + s.parallel() + ", context "
                + (s.contextLength() == 0 ? "server default" : Integer.toString(s.contextLength()))
                + ", prompt cache " + s.promptCache().label()
                + ", draft model " + (s.draftModel().isBlank() ? "none" : s.draftModel())
                + (s.nonStreaming() ? ", streaming and non-streaming" : ", streaming only"));
        fact(b, "sampling", "Sampling", sampling(s.sampling().toString()));
        fact(b, "tool", "Tool", "lmsbench " + run.toolVersion() + ", measurement version "
                + run.measurementVersion() + (run.profiling() ? ", hardware profiling on" : ""));
        b.append("</dl>\n</header>\n");
    }

    /** {@code SamplingParams[temperature=0.2, topK=null]} as {@code temperature=0.2}; the server's defaults unsaid. */
    static String sampling(String record) {
        String inner = record.replaceFirst("^[A-Za-z]+\\[", "").replaceFirst("]$", "");
        List<String> set = new ArrayList<>();
        for (String part : inner.split(", ")) {
            if (!part.endsWith("=null") && !part.isBlank()) {
                set.add(part);
            }
        }
        return set.isEmpty() ? "server defaults" : String.join(", ", set) + " (others: server defaults)";
    }

    private static void fact(StringBuilder b, String id, String name, String value) {
        b.append("<div><dt>").append(name).append("</dt><dd id=\"fact-").append(id).append("\">")
                .append(Html.escape(value)).append("</dd></div>\n");
    }

    /** The summary figures: models, fastest decode, median decode, best TTFT, best efficiency. */
    private static void kpis(List<ModelSummary> models, List<String> labels, StringBuilder b) {
        b.append("<section id=\"kpis\" class=\"kpis\">\n");
        kpi(b, "models", "Models", Integer.toString(models.size()), "");
        int fastest = best(models, HtmlReportWriter::decodeMean, true);
        kpi(b, "fastest-decode", "Fastest decode", fastest < 0 ? "-"
                : PdfReportWriter.number(decodeMean(models.get(fastest))) + " tok/s",
                fastest < 0 ? "" : labels.get(fastest));
        double[] decodes = models.stream().mapToDouble(HtmlReportWriter::decodeMean).filter(Double::isFinite)
                .sorted().toArray();
        kpi(b, "median-decode", "Median decode", decodes.length == 0 ? "-"
                : PdfReportWriter.number(median(decodes)) + " tok/s", "over " + decodes.length + " model(s)");
        int ttft = best(models, m -> m.ttft().p50(), false);
        kpi(b, "best-ttft", "Best TTFT (p50)", ttft < 0 ? "-"
                : PdfReportWriter.number(models.get(ttft).ttft().p50()) + " s", ttft < 0 ? "" : labels.get(ttft));
        int efficient = best(models, HtmlReportWriter::toksPerGb, true);
        if (efficient >= 0) {
            kpi(b, "best-efficiency", "Best efficiency", PdfReportWriter.number(toksPerGb(models.get(efficient)))
                    + " tok/s per GB VRAM", labels.get(efficient));
        } else {
            int perJoule = best(models, m -> side(m, HardwareAggregates.TOKS_PER_JOULE, null), true);
            kpi(b, "best-efficiency", "Best efficiency", perJoule < 0 ? "-"
                    : PdfReportWriter.number(side(models.get(perJoule), HardwareAggregates.TOKS_PER_JOULE, null))
                    + " tok/J", perJoule < 0 ? "needs --profile" : labels.get(perJoule));
        }
        b.append("</section>\n");
    }

    private static void kpi(StringBuilder b, String id, String name, String value, String detail) {
        b.append("<div class=\"kpi\" id=\"kpi-").append(id).append("\"><div class=\"kpi-name\">").append(name)
                .append("</div><div class=\"kpi-value\">").append(Html.escape(value))
                .append("</div><div class=\"kpi-detail\">").append(Html.escape(detail)).append("</div></div>\n");
    }

    /** The index of the best finite figure (ties: the first), or -1. */
    private static int best(List<ModelSummary> models, ToDoubleFunction<ModelSummary> figure, boolean highest) {
        int best = -1;
        double bestValue = Double.NaN;
        for (int i = 0; i < models.size(); i++) {
            double v = figure.applyAsDouble(models.get(i));
            if (Double.isFinite(v) && (best < 0 || (highest ? v > bestValue : v < bestValue))) {
                best = i;
                bestValue = v;
            }
        }
        return best;
    }

    private static double median(double[] sorted) {
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void notes(List<ModelSummary> models, StringBuilder b) {
        List<String> lines = new ArrayList<>();
        for (ModelSummary m : models) {
            lines.addAll(ReportNotes.notes(m));
            if (!m.error().isEmpty()) {
                lines.add(m.model().id() + ": " + m.status().label() + ", " + m.errorType().label() + ": "
                        + m.error());
            }
            if (!m.errorsByType().isEmpty()) {
                StringBuilder e = new StringBuilder(m.model().id()).append(": failed calls ");
                m.errorsByType().forEach((type, n) -> e.append(n).append(" x ").append(type.label()).append(", "));
                e.setLength(e.length() - 2);
                lines.add(e.toString());
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        // a long list (hundreds of models) starts folded, so the table and the charts stay near the top
        boolean fold = lines.size() > NOTES_SHOWN;
        b.append("<section id=\"notes\">\n<h2>Notes</h2>\n")
                .append(fold ? "<details><summary>" + lines.size() + " notes</summary>\n" : "").append("<ul>\n");
        for (String line : lines) {
            b.append("<li>").append(Html.escape(line)).append("</li>\n");
        }
        b.append("</ul>\n").append(fold ? "</details>\n" : "").append("</section>\n");
    }

    /** The table's columns: header, whether numeric (right-aligned, sorted as numbers). */
    static final List<String> COLUMNS = List.of("#", "Model", "Quant", "Size (GB)", "Status", "OK/Req",
            "Decode tok/s (mean)", "Decode tok/s (p50)", "TTFT p50 (s)", "TTFT p90 (s)", "Prefill tok/s (p50)",
            "Total tok/s", "VRAM max (GB)", "tok/s per GB VRAM", "Load (s)");

    private static final boolean[] NUMERIC = {true, false, false, true, false, true, true, true, true, true, true,
        true, true, true, true};

    /** The row of a model, formatted as the table shows it. */
    static List<String> row(int position, ModelSummary m, String label) {
        return List.of(Integer.toString(position), label, m.model().quantization().isBlank() ? "-"
                : m.model().quantization(), m.model().sizeBytes() > 0 ? PdfReportWriter.number(m.model().sizeBytes()
                / GB) : "-", m.status().label(), m.successCount() + "/" + m.requestCount(),
                PdfReportWriter.number(decodeMean(m)), PdfReportWriter.number(m.decodeTokensPerSecond().p50()),
                PdfReportWriter.number(m.ttft().p50()), PdfReportWriter.number(m.ttft().p90()),
                PdfReportWriter.number(m.prefillTokensPerSecond().p50()),
                PdfReportWriter.number(m.completionTokensPerSecondTotal()), PdfReportWriter.number(vramGb(m)),
                PdfReportWriter.number(toksPerGb(m)), PdfReportWriter.number(m.loadSeconds()));
    }

    /** The sort keys of a row: the raw figure of numeric columns ({@code ""} when unknown), else the text. */
    private static List<String> keys(int position, ModelSummary m) {
        return Arrays.asList(Integer.toString(position), null, null, key(m.model().sizeBytes() > 0
                ? m.model().sizeBytes() / GB : Double.NaN), null, key(m.requestCount() == 0 ? Double.NaN
                : (double) m.successCount() / m.requestCount()), key(decodeMean(m)),
                key(m.decodeTokensPerSecond().p50()), key(m.ttft().p50()), key(m.ttft().p90()),
                key(m.prefillTokensPerSecond().p50()), key(m.completionTokensPerSecondTotal()), key(vramGb(m)),
                key(toksPerGb(m)), key(m.loadSeconds()));
    }

    private static String key(double v) {
        return Double.isFinite(v) ? JsonMapping.plain(v).toPlainString() : "";
    }

    /** The best settings per model: {@link BestSettingsRows}' table. */
    private static void bestSettings(List<dev.lmsbench.core.stats.BestSettings> best, double maxTtftMs,
                                     StringBuilder b) {
        b.append("<section id=\"best-settings\">\n<h2>Best settings</h2>\n<p class=\"hint\">")
                .append(Html.escape(BestSettingsRows.title(maxTtftMs))).append("</p>\n")
                .append("<div class=\"table-wrap\"><table id=\"best-settings-table\">\n<thead><tr>");
        for (int c = 0; c < BestSettingsRows.HEADER.size(); c++) {
            b.append("<th scope=\"col\"").append(BestSettingsRows.NUMERIC[c] ? " class=\"num\"" : "").append('>')
                    .append(Html.escape(BestSettingsRows.HEADER.get(c))).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : BestSettingsRows.rows(best)) {
            b.append("<tr>");
            for (int c = 0; c < row.size(); c++) {
                b.append("<td").append(BestSettingsRows.NUMERIC[c] ? " class=\"num\"" : "").append('>')
                        .append(Html.escape(row.get(c))).append("</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n</section>\n");
    }

    /** The comparison with an earlier run: {@link ComparisonRows}' table, then the models only one run has. */
    private static void comparison(RunComparison comparison, StringBuilder b) {
        b.append("<section id=\"comparison\">\n<h2>Comparison</h2>\n<p class=\"hint\">")
                .append(Html.escape(ComparisonRows.title(comparison))).append("</p>\n");
        if (comparison.models().isEmpty()) {
            b.append("<p>No model is in both runs.</p>\n");
        } else {
            b.append("<div class=\"table-wrap\"><table id=\"comparison-table\">\n<thead><tr>");
            for (int c = 0; c < ComparisonRows.HEADER.size(); c++) {
                b.append("<th scope=\"col\"").append(c >= 2 && c <= 6 ? " class=\"num\"" : "").append('>')
                        .append(Html.escape(ComparisonRows.HEADER.get(c))).append("</th>");
            }
            b.append("</tr></thead>\n<tbody>\n");
            for (List<String> row : ComparisonRows.rows(comparison)) {
                String verdict = row.get(row.size() - 1);
                b.append("<tr class=\"verdict-").append(verdict.replaceAll("[^a-z]+", "-")).append("\">");
                for (int c = 0; c < row.size(); c++) {
                    b.append("<td").append(c >= 2 && c <= 6 ? " class=\"num\"" : "").append('>')
                            .append(Html.escape(row.get(c))).append("</td>");
                }
                b.append("</tr>\n");
            }
            b.append("</tbody>\n</table></div>\n");
        }
        if (!comparison.onlyBaseline().isEmpty() || !comparison.onlyCurrent().isEmpty()) {
            b.append("<ul>\n");
            comparison.onlyBaseline().forEach(id -> b.append("<li>Only in the baseline: ").append(Html.escape(id))
                    .append("</li>\n"));
            comparison.onlyCurrent().forEach(id -> b.append("<li>Only in this run: ").append(Html.escape(id))
                    .append("</li>\n"));
            b.append("</ul>\n");
        }
        b.append("</section>\n");
    }

    private static void table(List<ModelSummary> models, List<String> labels, String rankBy, StringBuilder b) {
        b.append("<section id=\"ranking\">\n<h2>Ranking</h2>\n<p class=\"hint\">")
                .append(rankBy == null ? "In the order of the report" : "Ranked by " + Html.escape(rankBy)
                        + " (--rank-by)")
                .append("; click a column header to sort.</p>\n")
                .append("<div class=\"table-wrap\"><table id=\"ranking-table\" data-page-size=\"").append(PAGE_SIZE)
                .append("\">\n<thead><tr>");
        for (int c = 0; c < COLUMNS.size(); c++) {
            b.append("<th scope=\"col\"").append(NUMERIC[c] ? " class=\"num\" data-type=\"num\"" : "")
                    .append(" tabindex=\"0\">").append(Html.escape(COLUMNS.get(c))).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < models.size(); i++) {
            List<String> cells = row(i + 1, models.get(i), labels.get(i));
            List<String> keys = keys(i + 1, models.get(i));
            b.append("<tr data-model=\"").append(i).append("\">");
            for (int c = 0; c < cells.size(); c++) {
                b.append(c == 1 ? "<th scope=\"row\"" : "<td");
                if (NUMERIC[c]) {
                    b.append(" class=\"num\" data-v=\"").append(keys.get(c)).append('"');
                }
                b.append('>').append(Html.escape(cells.get(c))).append(c == 1 ? "</th>" : "</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n<nav id=\"pager\" class=\"pager\" aria-label=\"table pages\"></nav>\n")
                .append("</section>\n");
    }

    /** The load test's stages ({@link LoadRows}) and the generator's warnings; nothing for a run or sweep. */
    private static void loadTest(List<ModelSummary> models, StringBuilder b) {
        List<ModelSummary> stages = LoadRows.stages(models);
        if (stages.isEmpty()) {
            return;
        }
        b.append("<section id=\"load-test\">\n<h2>Load test</h2>\n<p class=\"hint\">One row per stage: requests "
                + "sent at the pattern's planned times; latencies in ms (docs/load.md).</p>\n")
                .append("<div class=\"table-wrap\"><table id=\"load-table\">\n<thead><tr>");
        for (int c = 0; c < LoadRows.COLUMNS.size(); c++) {
            b.append("<th scope=\"col\"").append(c >= 2 ? " class=\"num\"" : "").append('>')
                    .append(Html.escape(LoadRows.COLUMNS.get(c))).append("</th>");
        }
        b.append("</tr></thead>\n<tbody>\n");
        for (ModelSummary m : stages) {
            List<String> cells = LoadRows.row(m);
            b.append("<tr>");
            for (int c = 0; c < cells.size(); c++) {
                b.append(c == 0 ? "<th scope=\"row\">" : c >= 2 ? "<td class=\"num\">" : "<td>")
                        .append(Html.escape(cells.get(c))).append(c == 0 ? "</th>" : "</td>");
            }
            b.append("</tr>\n");
        }
        b.append("</tbody>\n</table></div>\n");
        List<String> warnings = LoadRows.warnings(stages);
        if (!warnings.isEmpty()) {
            b.append("<ul class=\"warnings\">\n");
            for (String w : warnings) {
                b.append("<li>Warning: ").append(Html.escape(w)).append("</li>\n");
            }
            b.append("</ul>\n");
        }
        b.append("</section>\n");
    }

    /** A figure per chart: its element, or a note when it has no data. */
    private static void charts(BenchmarkReport report, StringBuilder b) {
        List<ModelSummary> models = report.models();
        Map<Chart, Boolean> has = new java.util.EnumMap<>(Chart.class);
        has.put(Chart.DECODE, models.stream().anyMatch(m -> Double.isFinite(decodeMean(m))));
        has.put(Chart.TTFT, report.requests().stream().anyMatch(HtmlReportWriter::measuredStream));
        has.put(Chart.SPEED_VS_VRAM, models.stream().anyMatch(m -> Double.isFinite(decodeMean(m))
                && Double.isFinite(vramGb(m))));
        has.put(Chart.SPEED_VS_SIZE, models.stream().anyMatch(m -> Double.isFinite(decodeMean(m))
                && m.model().sizeBytes() > 0));
        has.put(Chart.HEATMAP, has.get(Chart.DECODE));
        has.put(Chart.TIMELINE, report.requests().stream().anyMatch(r -> r.mode() == RunMode.STREAM
                && r.success() && r.timings().tokenChunkCount() > 0));
        has.put(Chart.SERVER, models.stream().anyMatch(m -> !m.serverTokensPerSecond().isEmpty()
                || !m.serverTtft().isEmpty()));
        has.put(Chart.HARDWARE, models.stream().anyMatch(m -> m.hardwareSamples().size() >= 2));
        b.append("<section id=\"charts\">\n<h2>Charts</h2>\n");
        for (Chart chart : Chart.values()) {
            b.append("<figure class=\"chart-box\" id=\"").append(chart.id).append("-box\">\n<figcaption>")
                    .append(Html.escape(chart.title)).append("</figcaption>\n");
            if (!has.get(chart)) {
                b.append("<p class=\"no-data\">No data: ").append(Html.escape(noDataReason(chart))).append("</p>\n");
            } else {
                if (chart == Chart.TIMELINE || chart == Chart.HARDWARE) {
                    b.append("<label>Model <select id=\"").append(chart.id).append("-model\"></select></label>\n");
                }
                b.append("<div class=\"chart\" id=\"").append(chart.id).append("\" data-chart=\"")
                        .append(chart.name().toLowerCase(Locale.ROOT)).append("\"></div>\n");
            }
            b.append("</figure>\n");
        }
        b.append("</section>\n");
    }

    private static String noDataReason(Chart chart) {
        return switch (chart) {
            case DECODE, HEATMAP -> "no model has a decode speed.";
            case TTFT -> "the report holds no successful measured streaming request.";
            case SPEED_VS_VRAM -> "VRAM use is measured with --profile on a GPU the tool can read.";
            case SPEED_VS_SIZE -> "the server reported no model size.";
            case TIMELINE -> "the report holds no streamed request with token arrival times.";
            case SERVER -> "the server reported no figures of its own.";
            case HARDWARE -> "no hardware samples (--profile records them).";
        };
    }

    /** The page's data: the models in results.json's shape with their labels, and the request-level samples. */
    static ObjectNode data(BenchmarkReport report, List<String> labels) {
        ObjectNode root = NODES.objectNode();
        root.put("schema_version", JsonMapping.SCHEMA_VERSION);
        root.set("run", JsonMapping.run(report.run(), report.finishedAt(), report.status()));
        root.set("hardware", JsonMapping.hardware(report.hardware()));
        ObjectNode page = root.putObject("page");
        page.put("page_size", PAGE_SIZE);
        page.put("visible_categories", VISIBLE_CATEGORIES);
        ArrayNode models = root.putArray("models");
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < report.models().size(); i++) {
            ModelSummary m = report.models().get(i);
            ObjectNode node = JsonMapping.modelSummary(m);
            node.put("label", JsonMapping.safe(labels.get(i)));
            JsonMapping.number(node, "vram_max_gb", vramGb(m));
            JsonMapping.number(node, "toks_per_s_per_gb_vram", toksPerGb(m));
            models.add(node);
            index.putIfAbsent(key(m.model().id(), m.contextLength(), m.parallel()), i);
        }
        ArrayNode requests = root.putArray("requests");
        for (RequestResult r : report.requests()) {
            Integer m = index.get(key(r.model(), r.contextLength(), r.parallel()));
            if (m == null || r.mode() != RunMode.STREAM) {
                continue; // the charts use streamed requests of the report's models
            }
            ObjectNode node = requests.addObject();
            node.put("m", m);
            node.put("idx", r.index());
            node.put("warmup", r.warmup());
            node.put("ok", r.success());
            JsonMapping.number(node, "ttft_s", r.ttftSeconds());
            JsonMapping.number(node, "e2e_s", r.wallSeconds());
            JsonMapping.number(node, "decode_toks_per_s", r.decodeTokensPerSecond());
            JsonMapping.number(node, "server_ttft_s", r.serverStats().timeToFirstTokenSeconds());
            JsonMapping.number(node, "server_toks_per_s", r.serverStats().tokensPerSecond());
            ArrayNode tokens = node.putArray("token_s");
            for (long t : r.timings().tokenNanos()) {
                tokens.add(Math.round(t / 1e5) / 1e4); // 0.1 ms is finer than any chart shows
            }
        }
        return root;
    }

    private static String key(String model, int ctx, int par) {
        return model + "\u0000" + ctx + "\u0000" + par;
    }

    private static boolean measuredStream(RequestResult r) {
        return !r.warmup() && r.mode() == RunMode.STREAM && Double.isFinite(r.ttftSeconds());
    }

    static double decodeMean(ModelSummary m) {
        return m.decodeTokensPerSecond().mean();
    }

    static double vramGb(ModelSummary m) {
        return side(m, HardwareAggregates.VRAM_USED, SideMetric.Aggregation.MAX) / GB;
    }

    static double toksPerGb(ModelSummary m) {
        return side(m, HardwareAggregates.TOKS_PER_S_PER_GB, null);
    }

    /** A side metric's value (any aggregation when {@code aggregation} is null), or NaN. */
    private static double side(ModelSummary m, String name, SideMetric.Aggregation aggregation) {
        for (SideMetric s : m.sideMetrics()) {
            if (s.name().equals(name) && (aggregation == null || s.aggregation() == aggregation)) {
                return s.value();
            }
        }
        return Double.NaN;
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s;
    }

    private static String join(String sep, String... parts) {
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            if (part != null && !part.isBlank()) {
                b.append(b.isEmpty() ? "" : sep).append(part);
            }
        }
        return b.isEmpty() ? "unknown server" : b.toString();
    }

    @Override
    public String toString() {
        return "HtmlReportWriter[report.html]";
    }

    /** The page's CSS and script, and ECharts: read once, when the first report is written. */
    static final class Assets {
        static final String CSS = resource(HtmlReportWriter.class, "html/report.css");
        static final String JS = resource(HtmlReportWriter.class, "html/report.js");
        static final String ECHARTS = scriptSafe(webjar());

        private Assets() {
        }

        private static String webjar() {
            ClassLoader loader = HtmlReportWriter.class.getClassLoader();
            try (InputStream in = loader.getResourceAsStream(ECHARTS_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the ECharts webjar is not on the classpath: " + ECHARTS_RESOURCE);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String resource(Class<?> owner, String name) {
            try (InputStream in = owner.getResourceAsStream(name)) {
                if (in == null) {
                    throw new IllegalStateException("missing resource " + name);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** A script as the content of a script element: nothing in it may close the element. */
        static String scriptSafe(String script) {
            return script.replaceAll("(?i)</(script)", "<\\\\/$1").replace("<!--", "<\\!--");
        }
    }
}

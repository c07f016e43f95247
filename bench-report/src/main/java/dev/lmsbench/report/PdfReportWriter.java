package dev.lmsbench.report;

import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.LoadDetails;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.model.SideMetric;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.stats.Distribution;
import org.apache.fontbox.ttf.TrueTypeFont;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDDocumentInformation;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Writes {@code report.pdf}: a title page (run, machine, server, settings), a ranking table of the models (by mean
 * decode tok/s, fastest first; it breaks across pages with its header repeated), the charts of
 * {@link PngChartWriter} as images, and one detail section per model (every distribution, the server's own figures,
 * load details, errors by type, hardware figures). Every page is numbered {@code n / N}.
 *
 * <p>The text is set in Liberation Sans, which PDFBox ships, embedded as a subset: it covers Latin, Greek and
 * Cyrillic. A character it has no glyph for (e.g. CJK in a model id) is printed as {@code ?}, so no server string
 * can break the report. A4 by default, US Letter with {@link #withPaper}.
 */
public record PdfReportWriter(ReportOptions options) implements ConfigurableWriter {

    /** The file written. */
    public static final String FILE = "report.pdf";

    /** Models per bar chart in the PDF, so labels stay legible on a page; the PNG files hold all models. */
    static final int MODELS_PER_CHART = 30;

    /** The paper size. */
    public enum Paper {
        /** ISO A4, 210 x 297 mm. */
        A4(PDRectangle.A4),
        /** US Letter, 8.5 x 11 in. */
        LETTER(PDRectangle.LETTER);

        private final PDRectangle size;

        Paper(PDRectangle size) {
            this.size = size;
        }

        PDRectangle size() {
            return size;
        }
    }

    /** A writer for A4 paper. */
    public PdfReportWriter() {
        this(ReportOptions.defaults());
    }

    /**
     * A writer for the given paper.
     *
     * @param paper the paper size
     */
    public PdfReportWriter(Paper paper) {
        this(ReportOptions.defaults().withPaper(paper));
    }

    /**
     * This writer for other paper.
     *
     * @param value the paper size
     * @return a new writer
     */
    public PdfReportWriter withPaper(Paper value) {
        return new PdfReportWriter(options.withPaper(value));
    }

    /** The paper size. */
    public Paper paper() {
        return options.paper();
    }

    @Override
    public ReportWriter with(ReportOptions value) {
        return new PdfReportWriter(value);
    }

    @Override
    public String name() {
        return "pdf";
    }

    @Override
    public void write(BenchmarkReport report, Path outputDir) throws IOException {
        AtomicFiles.write(outputDir.resolve(FILE), out -> {
            try (TrueTypeFont font = PdfPages.loadFont(); PDDocument doc = new PDDocument()) {
                render(options.ordered(report), doc, font);
                doc.save(out);
            }
        });
    }

    private void render(BenchmarkReport report, PDDocument doc, TrueTypeFont font) throws IOException {
        PDDocumentInformation info = doc.getDocumentInformation();
        info.setTitle("LM Studio Bench report " + JsonMapping.safe(report.run().runId()));
        info.setCreator("LM Studio Bench " + JsonMapping.safe(report.run().toolVersion()));
        PdfPages pages = new PdfPages(doc, options.paper().size(), font);
        List<ModelSummary> ranked = options.rankBy() == null ? ranked(report.models()) : report.models();
        List<String> labels = ReportCharts.labels(report.models());
        titlePage(pages, report);
        pages.newPage();
        ranking(pages, report, ranked, labels, options.rankBy());
        List<dev.lmsbench.core.stats.BestSettings> best = BestSettingsRows.of(report.models(), options.maxTtftMs());
        if (!best.isEmpty()) {
            pages.newPage();
            bestSettings(pages, best, options.maxTtftMs());
        }
        RunComparison comparison = options.orderedComparison();
        if (comparison != null) {
            pages.newPage();
            comparison(pages, comparison);
        }
        charts(pages, report);
        java.util.Optional<ReportCharts.Drawn> change = ReportCharts.comparison(comparison);
        if (change.isPresent()) {
            pages.newPage();
            pages.heading(change.get().title());
            pages.image(change.get().png());
        }
        for (int i = 0; i < report.models().size(); i++) {
            pages.newPage();
            detail(pages, report.models().get(i), labels.get(i));
        }
        pages.finish();
    }

    /** The models by mean decode tok/s, fastest first; models without the figure last, in run order. */
    static List<ModelSummary> ranked(List<ModelSummary> models) {
        List<ModelSummary> out = new ArrayList<>(models);
        out.sort(Comparator.comparingDouble((ModelSummary m) -> {
            double v = m.decodeTokensPerSecond().mean();
            return Double.isFinite(v) ? -v : Double.POSITIVE_INFINITY;
        }));
        return out;
    }

    private static void titlePage(PdfPages p, BenchmarkReport report) throws IOException {
        RunInfo run = report.run();
        p.title("LM Studio Bench report");
        p.paragraph(report.models().size() + " model result(s), run " + run.runId() + ", "
                + report.status().label(), 12);
        p.gap(8);
        p.heading("Run");
        p.keyValue("Run id", run.runId());
        p.keyValue("Status", report.status().label());
        p.keyValue("Started", JsonMapping.instant(run.startedAt()));
        p.keyValue("Finished", JsonMapping.instant(report.finishedAt()));
        p.keyValue("Duration", seconds(Duration.between(run.startedAt(), report.finishedAt())));
        p.keyValue("Endpoint", run.endpoint());
        p.keyValue("Tool version", run.toolVersion());
        p.keyValue("Measurement version", Integer.toString(run.measurementVersion()));
        p.keyValue("Profiling", run.profiling() ? "on" : "off");

        p.heading("Server");
        ServerInfo server = run.server();
        p.keyValue("Kind", orUnknown(server.kind()));
        p.keyValue("Version", orUnknown(server.version()));
        p.keyValue("Runtime", orUnknown(server.runtime()));
        p.keyValue("Base URL", orUnknown(server.baseUrl()));

        p.heading("Machine");
        HardwareInfo hw = report.hardware();
        if (hw == null) {
            p.paragraph("Not known: the run was not profiled (--profile records the machine).", 10);
        } else {
            p.keyValue("OS", orUnknown(hw.os()));
            p.keyValue("CPU", orUnknown(hw.cpuModel()) + cores(hw));
            p.keyValue("RAM", hw.ramTotalBytes() > 0 ? gb(hw.ramTotalBytes()) : "unknown");
            p.keyValue("GPU backend", hw.gpuBackend() + (hw.driver().isBlank() ? "" : ", driver " + hw.driver()));
            for (HardwareInfo.Gpu gpu : hw.gpus()) {
                p.keyValue("GPU " + gpu.index(), gpu.name()
                        + (gpu.vramTotalBytes() > 0 ? ", " + gb(gpu.vramTotalBytes()) + " VRAM" : ""));
            }
            for (String note : hw.notes()) {
                p.keyValue("Note", note);
            }
        }

        p.heading("Settings");
        BenchmarkSettings s = run.settings();
        p.keyValue("Prompt", s.prompt().length() > 400 ? s.prompt().substring(0, 400) + "..." : s.prompt());
        p.keyValue("Max tokens", Integer.toString(s.maxTokens()));
        p.keyValue("Runs / warmups", s.runs() + " / " + s.warmupRuns());
        p.keyValue("Parallel", Integer.toString(s.parallel()));
        p.keyValue("Context length", s.contextLength() == 0 ? "server default" : Integer.toString(s.contextLength()));
        p.keyValue("Request timeout", seconds(s.requestTimeout()));
        p.keyValue("Non-streaming too", s.nonStreaming() ? "yes" : "no");
        p.keyValue("Sampling", s.sampling().toString());
        p.keyValue("Load", s.load().toString());
        p.keyValue("Prompt cache", s.promptCache().toString());
        p.keyValue("Draft model", s.draftModel().isBlank() ? "none" : s.draftModel());
        p.gap(8);
        p.paragraph("Text is set in the embedded Liberation Sans font; characters it cannot show are printed as ?.",
                8);
    }

    /** The best settings per model ({@link BestSettingsRows}), as the Markdown and HTML reports have them. */
    private static void bestSettings(PdfPages p, List<dev.lmsbench.core.stats.BestSettings> best, double maxTtftMs)
            throws IOException {
        p.heading("Best settings");
        p.paragraph(BestSettingsRows.title(maxTtftMs), 9);
        float[] widths = {0.30f, 0.10f, 0.09f, 0.12f, 0.29f, 0.10f};
        p.table(BestSettingsRows.HEADER.toArray(String[]::new), widths, BestSettingsRows.NUMERIC,
                BestSettingsRows.rows(best).stream().map(r -> r.toArray(String[]::new)).toList());
    }

    /** The comparison's table ({@link ComparisonRows}) and the models only one run has. */
    private static void comparison(PdfPages p, RunComparison comparison) throws IOException {
        p.heading("Comparison");
        p.paragraph(ComparisonRows.title(comparison), 9);
        if (comparison.models().isEmpty()) {
            p.paragraph("No model is in both runs.", 10);
        } else {
            float[] widths = {0.34f, 0.12f, 0.09f, 0.09f, 0.09f, 0.08f, 0.06f, 0.13f};
            boolean[] right = {false, false, true, true, true, true, true, false};
            p.table(ComparisonRows.HEADER.toArray(String[]::new), widths, right,
                    ComparisonRows.rows(comparison).stream().map(r -> r.toArray(String[]::new)).toList());
        }
        for (String id : comparison.onlyBaseline()) {
            p.paragraph("Only in the baseline: " + id, 10);
        }
        for (String id : comparison.onlyCurrent()) {
            p.paragraph("Only in this run: " + id, 10);
        }
    }

    private static void ranking(PdfPages p, BenchmarkReport report, List<ModelSummary> ranked, List<String> labels,
                                String rankBy) throws IOException {
        p.heading(rankBy == null ? "Ranking by decode tok/s (mean)" : "Ranking by " + rankBy + " (--rank-by)");
        String[] header = {"#", "Model", "Quant", "Status", "OK/Req", "TTFT p50 (s)", "Decode tok/s", "Total tok/s",
            "Load (s)"};
        float[] widths = {0.04f, 0.31f, 0.08f, 0.09f, 0.07f, 0.11f, 0.11f, 0.11f, 0.08f};
        boolean[] right = {true, false, false, false, true, true, true, true, true};
        List<String[]> rows = new ArrayList<>();
        int rank = 1;
        for (ModelSummary m : ranked) {
            rows.add(new String[] {Integer.toString(rank++), labels.get(report.models().indexOf(m)),
                m.model().quantization(), m.status().label(), m.successCount() + "/" + m.requestCount(),
                number(m.ttft().p50()), number(m.decodeTokensPerSecond().mean()),
                number(m.completionTokensPerSecondTotal()), number(m.loadSeconds())});
        }
        p.table(header, widths, right, rows);
    }

    private static void charts(PdfPages p, BenchmarkReport report) throws IOException {
        List<ModelSummary> models = report.models();
        int chunks = Math.max(1, (models.size() + MODELS_PER_CHART - 1) / MODELS_PER_CHART);
        List<ReportCharts.Drawn> drawn = new ArrayList<>();
        if (chunks == 1) {
            drawn.addAll(ReportCharts.draw(report));
        } else {
            // bar charts in slices of at most MODELS_PER_CHART models (each kind's slices together), scatter and
            // hardware charts over all
            List<ReportCharts.Drawn> ttft = new ArrayList<>();
            for (int c = 0; c < chunks; c++) {
                List<ModelSummary> slice = models.subList(c * MODELS_PER_CHART,
                        Math.min(models.size(), (c + 1) * MODELS_PER_CHART));
                BenchmarkReport part = new BenchmarkReport(report.run(), report.status(), report.finishedAt(),
                        slice, List.of(), null);
                String range = " (models " + (c * MODELS_PER_CHART + 1) + "-"
                        + (c * MODELS_PER_CHART + slice.size()) + " of " + models.size() + ")";
                for (ReportCharts.Drawn d : ReportCharts.drawBars(part)) {
                    (d.fileName().equals("ttft_s.png") ? ttft : drawn)
                            .add(new ReportCharts.Drawn(d.fileName(), d.title() + range, d.png()));
                }
            }
            drawn.addAll(ttft);
            drawn.addAll(ReportCharts.drawOthers(report));
        }
        for (ReportCharts.Drawn d : drawn) {
            p.newPage();
            p.heading(d.title());
            p.image(d.png());
        }
    }

    private static void detail(PdfPages p, ModelSummary m, String label) throws IOException {
        p.title(label);
        p.keyValue("Status", m.status().label() + (m.error().isEmpty() ? "" : ": " + m.error()));
        if (m.errorType() != ErrorType.NONE) {
            p.keyValue("Error type", m.errorType().label());
        }
        p.keyValue("Model", join(m.model().publisher(), m.model().architecture(), m.model().params(),
                m.model().quantization(), m.model().sizeBytes() > 0 ? gb(m.model().sizeBytes()) : ""));
        p.keyValue("Context / parallel", (m.contextLength() == 0 ? "server default" : m.contextLength()) + " / "
                + m.parallel());
        p.keyValue("Requests", m.successCount() + " OK of " + m.requestCount() + ", " + m.errorCount() + " failed");
        if (m.errorsByType().isEmpty()) {
            p.keyValue("Errors by type", "none");
        } else {
            StringBuilder b = new StringBuilder();
            for (Map.Entry<ErrorType, Integer> e : m.errorsByType().entrySet()) {
                b.append(b.isEmpty() ? "" : ", ").append(e.getKey().label()).append(": ").append(e.getValue());
            }
            p.keyValue("Errors by type", b.toString());
        }
        p.keyValue("Throughput", "stream " + number(m.streamTokensPerSecondTotal()) + ", non-stream "
                + number(m.nonStreamTokensPerSecondTotal()) + ", total " + number(m.completionTokensPerSecondTotal())
                + " tok/s; system " + number(m.systemOutputTokensPerSecond()) + " tok/s, "
                + number(m.systemRequestsPerSecond()) + " req/s");
        ModelSummary.TokenTotals t = m.tokens();
        p.keyValue("Tokens", "prompt " + t.prompt() + " (cached " + t.promptCached() + "), completion "
                + t.completion() + ", reasoning " + t.reasoning() + ", counts: " + t.source().label());
        if (m.usageCorrected() > 0 || m.usageMismatched() > 0) {
            p.keyValue("Usage checks", m.usageCorrected() + " corrected (off by one), " + m.usageMismatched()
                    + " mismatched");
        }
        p.keyValue("Warmup", m.warmup().count() + " request(s), first TTFT " + number(m.warmup().firstTtftSeconds())
                + " s, later " + number(m.warmup().subsequentTtftSeconds()) + " s, load estimate "
                + number(m.warmup().loadEstimateSeconds()) + " s");
        p.keyValue("Load time", Double.isFinite(m.loadSeconds()) ? number(m.loadSeconds()) + " s" : "not measured");
        if (m.loadMemory().totalBytes() >= 0) {
            p.keyValue("Load memory", gb(m.loadMemory().totalBytes()) + " total"
                    + (m.loadMemory().vramBytes() >= 0 ? ", " + gb(m.loadMemory().vramBytes()) + " in VRAM" : ""));
        }
        LoadDetails d = m.loadDetails();
        if (d.present()) {
            p.keyValue("Load details", join("method " + d.method(), d.instanceId().isEmpty() ? "" : "instance "
                    + d.instanceId(), d.contextLength() >= 0 ? "context " + d.contextLength() : "",
                    d.parallel() >= 0 ? "slots " + d.parallel() : "",
                    Double.isFinite(d.gpuOffload()) ? "GPU offload " + number(d.gpuOffload()) : "",
                    d.ttlSeconds() >= 0 ? "TTL " + d.ttlSeconds() + " s" : ""));
            for (String note : d.notes()) {
                p.keyValue("Load note", note);
            }
            if (!d.duplicateInstances().isEmpty()) {
                p.keyValue("Duplicates", String.join(", ", d.duplicateInstances()));
            }
        }

        String[] header = {"Figure", "Unit", "n", "min", "mean", "stdev", "p50", "p90", "p95", "p99", "max"};
        float[] widths = {0.22f, 0.08f, 0.06f, 0.08f, 0.08f, 0.08f, 0.08f, 0.08f, 0.08f, 0.08f, 0.08f};
        boolean[] right = {false, false, true, true, true, true, true, true, true, true, true};
        p.heading("Client-measured distributions");
        p.table(header, widths, right, List.of(
                row("TTFT", "s", m.ttft()),
                row("First content", "s", m.firstContent()),
                row("Prefill", "tok/s", m.prefillTokensPerSecond()),
                row("Decode", "tok/s", m.decodeTokensPerSecond()),
                row("TPOT", "s", m.tpot()),
                row("Inter-token latency", "s", m.interTokenLatency()),
                row("End to end", "s", m.e2e()),
                row("Completion", "tok/s", m.completionTokensPerSecond())));
        List<String[]> server = new ArrayList<>();
        addIfPresent(server, row("Decode (server)", "tok/s", m.serverTokensPerSecond()), m.serverTokensPerSecond());
        addIfPresent(server, row("TTFT (server)", "s", m.serverTtft()), m.serverTtft());
        addIfPresent(server, row("Prompt (server)", "tok/s", m.serverPromptTokensPerSecond()),
                m.serverPromptTokensPerSecond());
        addIfPresent(server, row("Prompt time (server)", "s", m.serverPromptSeconds()), m.serverPromptSeconds());
        addIfPresent(server, row("Draft acceptance", "share", m.draftAcceptance()), m.draftAcceptance());
        p.heading("Server-reported figures");
        if (server.isEmpty()) {
            p.paragraph("The server reported no figures of its own.", 10);
        } else {
            p.table(header, widths, right, server);
        }
        if (!m.sideMetrics().isEmpty()) {
            p.heading("Hardware and efficiency");
            List<String[]> rows = new ArrayList<>();
            for (SideMetric s : m.sideMetrics()) {
                boolean bytes = s.unit().equals("bytes");
                rows.add(new String[] {s.name(), s.aggregation().label(),
                    bytes ? number(s.value() / 1e9) : number(s.value()), bytes ? "GB" : s.unit()});
            }
            p.table(new String[] {"Metric", "Aggregation", "Value", "Unit"}, new float[] {0.4f, 0.2f, 0.2f, 0.2f},
                    new boolean[] {false, false, true, false}, rows);
        }
    }

    private static void addIfPresent(List<String[]> rows, String[] row, Distribution d) {
        if (!d.isEmpty()) {
            rows.add(row);
        }
    }

    private static String[] row(String name, String unit, Distribution d) {
        return new String[] {name, unit, Integer.toString(d.count()), number(d.min()), number(d.mean()),
            number(d.stdev()), number(d.p50()), number(d.p90()), number(d.p95()), number(d.p99()), number(d.max())};
    }

    /**
     * A figure as the PDF prints it: {@code -} when absent, else three significant decimals for small values and
     * fewer for large ones, with a dot (Locale.ROOT).
     */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return "-";
        }
        double a = Math.abs(v);
        String pattern = a >= 1000 ? "%.0f" : a >= 100 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, pattern, v);
    }

    private static String gb(long bytes) {
        return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static String cores(HardwareInfo hw) {
        if (hw.physicalCores() <= 0 && hw.logicalCores() <= 0) {
            return "";
        }
        return " (" + hw.physicalCores() + " cores, " + hw.logicalCores() + " threads)";
    }

    private static String orUnknown(String s) {
        return s == null || s.isBlank() ? "unknown" : s;
    }

    private static String join(String... parts) {
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            if (part != null && !part.isBlank()) {
                b.append(b.isEmpty() ? "" : ", ").append(part);
            }
        }
        return b.isEmpty() ? "unknown" : b.toString();
    }
}

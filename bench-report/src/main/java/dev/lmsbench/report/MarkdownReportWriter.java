package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.ServerInfo;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.stats.Distribution;
import dev.lmsbench.core.text.SafeText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code report.md} atomically: a header with the run, server and settings, a llama-bench-style table
 * ({@code pp} prefill and {@code tg} decode tok/s, mean ± sd), a table of key figures per model, and the notes the
 * terminal prints under its table. Every string from a server or a user is escaped ({@link Markdown#text}); numbers
 * never depend on the default locale. Stateless and thread-safe.
 */
record MarkdownReportWriter(ReportOptions options) implements ConfigurableWriter {

    static final String NAME = "md";

    private static final Logger LOG = LoggerFactory.getLogger(MarkdownReportWriter.class);

    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** A writer with the default options. */
    MarkdownReportWriter() {
        this(ReportOptions.defaults());
    }

    @Override
    public ReportWriter with(ReportOptions value) {
        return new MarkdownReportWriter(value);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void write(BenchmarkReport report, Path outputDir) throws IOException {
        Files.createDirectories(outputDir);
        Path file = outputDir.resolve(ReportWriters.REPORT_MD);
        BenchmarkReport ordered = options.ordered(report);
        byte[] bytes = render(ordered, options.orderedComparison(),
                BestSettingsRows.of(ordered.models(), options.maxTtftMs()), options.maxTtftMs())
                .getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(bytes));
        LOG.debug("Wrote {} ({} models)", file, report.models().size());
    }

    /** The whole document without a comparison, {@code \n} line ends. */
    static String render(BenchmarkReport report) {
        return render(report, null);
    }

    /** The whole document, with the comparison when not null, {@code \n} line ends. */
    static String render(BenchmarkReport report, RunComparison comparison) {
        return render(report, comparison, BestSettingsRows.of(report.models(), Double.NaN), Double.NaN);
    }

    /**
     * The whole document, with the comparison when not null and a "Best settings" section when {@code best} is not
     * empty (a sweep), {@code \n} line ends.
     */
    static String render(BenchmarkReport report, RunComparison comparison,
                         List<dev.lmsbench.core.stats.BestSettings> best, double maxTtftMs) {
        StringBuilder b = new StringBuilder();
        header(report, b);
        speedTable(report.models(), b);
        keyFigures(report.models(), b);
        loadTest(report.models(), b);
        if (!best.isEmpty()) {
            bestSettings(best, maxTtftMs, b);
        }
        if (comparison != null) {
            comparison(comparison, b);
        }
        notes(report.models(), b);
        return b.toString();
    }

    /** The load test's stages ({@link LoadRows}) and the generator's warnings; nothing for a run or sweep. */
    private static void loadTest(List<ModelSummary> models, StringBuilder b) {
        List<ModelSummary> stages = LoadRows.stages(models);
        if (stages.isEmpty()) {
            return;
        }
        boolean[] right = new boolean[LoadRows.COLUMNS.size()];
        for (int i = 2; i < right.length; i++) {
            right[i] = true;
        }
        b.append("## Load test\n\nOne row per stage; latencies in ms (docs/load.md).\n\n")
                .append(Markdown.header(LoadRows.COLUMNS, right));
        for (ModelSummary m : stages) {
            b.append(Markdown.row(LoadRows.row(m).stream().map(Markdown::cell).toList()));
        }
        b.append('\n');
        for (String w : LoadRows.warnings(stages)) {
            b.append("- Warning: ").append(Markdown.text(w)).append('\n');
        }
        if (!LoadRows.warnings(stages).isEmpty()) {
            b.append('\n');
        }
    }

    /** The best settings per model ({@link BestSettingsRows}). */
    private static void bestSettings(List<dev.lmsbench.core.stats.BestSettings> best, double maxTtftMs,
                                     StringBuilder b) {
        b.append("## Best settings\n\n").append(Markdown.text(BestSettingsRows.title(maxTtftMs))).append("\n\n")
                .append(Markdown.header(BestSettingsRows.HEADER, BestSettingsRows.NUMERIC));
        for (List<String> row : BestSettingsRows.rows(best)) {
            b.append(Markdown.row(row.stream().map(Markdown::cell).toList()));
        }
        b.append('\n');
    }

    /** The comparison's table ({@link ComparisonRows}), then the models only one run has. */
    private static void comparison(RunComparison comparison, StringBuilder b) {
        b.append("## Comparison\n\n").append(Markdown.text(ComparisonRows.title(comparison))).append("\n\n");
        if (comparison.models().isEmpty()) {
            b.append("No model is in both runs.\n\n");
        } else {
            b.append(Markdown.header(ComparisonRows.HEADER,
                    new boolean[] {false, false, true, true, true, true, true, false}));
            for (List<String> row : ComparisonRows.rows(comparison)) {
                b.append(Markdown.row(row.stream().map(Markdown::cell).toList()));
            }
            b.append('\n');
        }
        for (String id : comparison.onlyBaseline()) {
            b.append("- Only in the baseline: ").append(Markdown.cell(id)).append('\n');
        }
        for (String id : comparison.onlyCurrent()) {
            b.append("- Only in this run: ").append(Markdown.cell(id)).append('\n');
        }
        if (!comparison.onlyBaseline().isEmpty() || !comparison.onlyCurrent().isEmpty()) {
            b.append('\n');
        }
    }

    private static void header(BenchmarkReport report, StringBuilder b) {
        RunInfo run = report.run();
        ServerInfo server = run.server();
        BenchmarkSettings s = run.settings();
        b.append("# LM Studio Bench report\n\n");
        b.append("- **Run:** ").append(Markdown.cell(run.runId())).append(" (")
                .append(report.status().label()).append(")\n");
        b.append("- **Date:** ").append(DATE.format(run.startedAt())).append(" to ")
                .append(DATE.format(report.finishedAt())).append('\n');
        b.append("- **Server:** ").append(Markdown.cell(server.kind())).append(' ')
                .append(Markdown.cell(server.version())).append(", runtime ").append(Markdown.cell(server.runtime()))
                .append(" at ").append(Markdown.cell(run.endpoint())).append('\n');
        b.append("- **Settings:** max tokens ").append(s.maxTokens())
                .append(", runs ").append(s.runs()).append(" (warmup ").append(s.warmupRuns()).append(')')
                .append(", context ").append(context(s.contextLength()))
                .append(", parallel ").append(s.parallel())
                .append(", prompt cache ").append(s.promptCache().label())
                .append(", draft model ").append(Markdown.cell(s.draftModel()))
                .append(s.nonStreaming() ? ", streaming and non-streaming" : ", streaming only").append('\n');
        b.append("- **Tool:** lmsbench ").append(Markdown.cell(run.toolVersion()))
                .append(run.profiling() ? ", hardware profiling on" : "").append("\n\n");
    }

    /** llama-bench's table: one row per model and test, t/s as mean ± sd. */
    private static void speedTable(List<ModelSummary> models, StringBuilder b) {
        b.append("## Speed\n\n");
        b.append(Markdown.header(List.of("model", "quant", "size", "params", "ctx", "par", "test", "t/s"),
                new boolean[] {false, false, true, true, true, true, false, true}));
        boolean anyEstimated = false;
        for (ModelSummary m : models) {
            String star = m.tokens().estimated() ? " *" : "";
            anyEstimated |= m.tokens().estimated();
            List<String> base = List.of(Markdown.cell(m.model().id()), Markdown.cell(m.model().quantization()),
                    m.model().sizeBytes() < 0 ? "-" : Markdown.num(m.model().sizeBytes() / (double) (1L << 30), 2)
                            + " GiB",
                    Markdown.cell(m.model().params()), context(m.contextLength()), Integer.toString(m.parallel()));
            speedRow(b, base, "pp", Markdown.meanSd(m.prefillTokensPerSecond(), 2) + star);
            speedRow(b, base, "tg", Markdown.meanSd(m.decodeTokensPerSecond(), 2) + star);
            if (m.serverPromptTokensPerSecond().count() > 0) {
                speedRow(b, base, "pp (server)", Markdown.meanSd(m.serverPromptTokensPerSecond(), 2));
            }
            if (m.serverTokensPerSecond().count() > 0) {
                speedRow(b, base, "tg (server)", Markdown.meanSd(m.serverTokensPerSecond(), 2));
            }
        }
        b.append('\n');
        b.append("pp: prompt processing (prefill) tok/s, tg: text generation (decode) tok/s, over the measured"
                + " streaming requests; (server): the server's own figure.");
        if (anyEstimated) {
            b.append(" \\* token counts estimated: the server sent no usage.");
        }
        b.append("\n\n");
    }

    private static void speedRow(StringBuilder b, List<String> base, String test, String value) {
        List<String> cells = new ArrayList<>(base);
        cells.add(test);
        cells.add(value);
        b.append(Markdown.row(cells));
    }

    private static void keyFigures(List<ModelSummary> models, StringBuilder b) {
        boolean serverTtft = models.stream().anyMatch(m -> m.serverTtft().count() > 0);
        List<String> names = new ArrayList<>(List.of("model", "status", "OK/Req", "TTFT p50 s", "TTFT p90 s"));
        List<Boolean> right = new ArrayList<>(List.of(false, false, true, true, true));
        if (serverTtft) {
            names.add("server TTFT p50 s");
            right.add(true);
        }
        names.addAll(List.of("total tok/s", "system tok/s", "load s", "error"));
        right.addAll(List.of(true, true, true, false));
        boolean[] align = new boolean[right.size()];
        for (int i = 0; i < align.length; i++) {
            align[i] = right.get(i);
        }
        b.append("## Key figures\n\n").append(Markdown.header(names, align));
        for (ModelSummary m : models) {
            List<String> cells = new ArrayList<>(List.of(Markdown.cell(m.model().id()), m.status().label(),
                    m.successCount() + "/" + m.requestCount(), Markdown.num(m.ttft().p50(), 3),
                    Markdown.num(m.ttft().p90(), 3)));
            if (serverTtft) {
                cells.add(Markdown.num(m.serverTtft().p50(), 3));
            }
            cells.add(Markdown.num(m.completionTokensPerSecondTotal(), 2));
            cells.add(Markdown.num(m.systemOutputTokensPerSecond(), 2));
            cells.add(Markdown.num(m.loadSeconds(), 2));
            cells.add(error(m));
            b.append(Markdown.row(cells));
        }
        b.append('\n');
    }

    /** The error type and message of a model that failed or was cancelled, {@code -} otherwise. */
    private static String error(ModelSummary m) {
        if (m.error().isEmpty() && m.status() != RunStatus.FAILED) {
            return "-";
        }
        String type = m.errorType() == ErrorType.NONE ? "" : m.errorType().label() + ": ";
        return Markdown.cell(type + SafeText.oneLine(m.error()));
    }

    private static void notes(List<ModelSummary> models, StringBuilder b) {
        List<String> lines = new ArrayList<>();
        for (ModelSummary m : models) {
            for (String note : ReportNotes.notes(m)) {
                lines.add(Markdown.text(note));
            }
            if (!m.errorsByType().isEmpty()) {
                StringBuilder e = new StringBuilder(m.model().id()).append(": failed calls ");
                m.errorsByType().forEach((type, n) -> e.append(n).append(" x ").append(type.label()).append(", "));
                e.setLength(e.length() - 2);
                lines.add(Markdown.text(e.toString()));
            }
        }
        if (lines.isEmpty()) {
            return;
        }
        b.append("## Notes\n\n");
        for (String line : lines) {
            b.append("- ").append(line).append('\n');
        }
        b.append('\n');
    }

    private static String context(int contextLength) {
        return contextLength == 0 ? "default" : Integer.toString(contextLength);
    }

    @Override
    public String toString() {
        return "MarkdownReportWriter[report.md]";
    }
}

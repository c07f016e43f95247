package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;
import dev.lmsbench.core.stats.BestSettings;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The best settings of a sweep (issue 14, item 8) in every report format, with the TTFT limit of the options. */
class BestSettingsOutputsTest {

    /** A limit every job of {@link SampleReports#sweep()} meets (its TTFTs are about 0.1 s). */
    static final double LIMIT_MS = 10_000;

    @TempDir
    Path dir;

    private void writeAll(BenchmarkReport report, ReportOptions options) throws Exception {
        for (ReportWriter w : ReportWriters.select(ReportWriters.names(), options)) {
            w.write(report, dir);
        }
    }

    private static List<BestSettings> expected() {
        return BestSettings.of(SampleReports.sweep().models(), LIMIT_MS);
    }

    @Test
    void theRowsNameTheBestAndTheLargestContextWithinTheLimit() {
        List<List<String>> rows = BestSettingsRows.rows(expected());

        BestSettings b = expected().getFirst();
        assertThat(rows).singleElement().isEqualTo(List.of(SampleReports.QWEN.id(),
                Integer.toString(b.contextLength()), Integer.toString(b.parallel()),
                String.format(java.util.Locale.ROOT, "%.1f", b.tokensPerSecond()), "4096",
                Integer.toString(b.ttftParallel())));
        assertThat(BestSettingsRows.rows(List.of(new BestSettings("m", 2, -1, -1, Double.NaN, Double.NaN, -1, -1,
                Double.NaN, Double.NaN)))).containsExactly(List.of("m", "-", "-", "-", "-", "-"));
        assertThat(BestSettingsRows.title(LIMIT_MS)).contains("TTFT limit 10000 ms");
        assertThat(BestSettingsRows.title(Double.NaN)).contains("no TTFT limit given (--max-ttft-ms)");
    }

    @Test
    void everyFormatShowsTheBestSettingsOfASweep() throws Exception {
        writeAll(SampleReports.sweep(), ReportOptions.defaults().withMaxTtftMs(LIMIT_MS));
        List<List<String>> rows = BestSettingsRows.rows(expected());

        JsonNode root = JsonMapper.builder().build().readTree(dir.resolve(ReportWriters.RESULTS_JSON).toFile());
        JsonNode best = root.get("best_settings");
        assertThat(best).hasSize(1);
        assertThat(best.get(0).get("model").asText()).isEqualTo(SampleReports.QWEN.id());
        assertThat(best.get(0).get("jobs").asInt()).isEqualTo(4);
        assertThat(best.get(0).get("best_ctx").asInt()).isEqualTo(expected().getFirst().contextLength());
        assertThat(best.get(0).get("max_ttft_ms").asDouble()).isEqualTo(LIMIT_MS);
        assertThat(best.get(0).get("ttft_ctx").asInt()).isEqualTo(4096);

        String md = Files.readString(dir.resolve(ReportWriters.REPORT_MD));
        assertThat(md).contains("## Best settings", Markdown.text(BestSettingsRows.title(LIMIT_MS)),
                "| Model | Best ctx | Best par | Total tok/s | Largest ctx within TTFT limit | Its par |",
                Markdown.row(rows.getFirst().stream().map(Markdown::cell).toList()));

        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(dir.resolve(ReportWriters.REPORT_HTML).toFile());
        assertThat(doc.select("#best-settings h2").text()).isEqualTo("Best settings");
        assertThat(doc.select("#best-settings-table thead th").eachText()).isEqualTo(BestSettingsRows.HEADER);
        assertThat(doc.select("#best-settings-table tbody tr")).singleElement()
                .satisfies(tr -> assertThat(tr.select("td").eachText()).isEqualTo(rows.getFirst()));

        try (PDDocument pdf = Loader.loadPDF(dir.resolve(PdfReportWriter.FILE).toFile())) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Best settings", "Largest ctx within TTFT limit", "TTFT limit 10000 ms");
        }

        assertThat(CsvReader.read(dir.resolve(ReportWriters.BEST_SETTINGS_CSV))).singleElement()
                .satisfies(r -> assertThat(r).containsEntry("ttft_ctx", "4096").containsEntry("max_ttft_ms", "10000"));
    }

    @Test
    void withoutAModelOfSeveralJobsNoFormatShowsThem() throws Exception {
        writeAll(SampleReports.completed(), ReportOptions.defaults().withMaxTtftMs(LIMIT_MS));

        JsonNode root = JsonMapper.builder().build().readTree(dir.resolve(ReportWriters.RESULTS_JSON).toFile());
        assertThat(root.get("best_settings")).isEmpty();
        assertThat(Files.readString(dir.resolve(ReportWriters.REPORT_MD))).doesNotContain("Best settings");
        assertThat(Files.readString(dir.resolve(ReportWriters.REPORT_HTML))).doesNotContain("id=\"best-settings\"");
        try (PDDocument pdf = Loader.loadPDF(dir.resolve(PdfReportWriter.FILE).toFile())) {
            assertThat(new PDFTextStripper().getText(pdf)).doesNotContain("Best settings");
        }
        assertThat(dir.resolve(ReportWriters.BEST_SETTINGS_CSV)).doesNotExist();
    }

    @Test
    void theOptionsKeepTheLimitThroughTheirOtherChangesAndIgnoreAnUnusableOne() {
        ReportOptions options = ReportOptions.defaults().withMaxTtftMs(250).withRankBy("ttft")
                .withPaper(PdfReportWriter.Paper.LETTER).withComparison(null);

        assertThat(options.maxTtftMs()).isEqualTo(250);
        assertThat(ReportOptions.defaults().maxTtftMs()).isNaN();
        assertThat(ReportOptions.defaults().withMaxTtftMs(0).maxTtftMs()).isNaN();
        assertThat(ReportOptions.defaults().withMaxTtftMs(-3).maxTtftMs()).isNaN();
        assertThat(new ReportOptions(PdfReportWriter.Paper.A4, null, null).maxTtftMs()).isNaN();
    }
}

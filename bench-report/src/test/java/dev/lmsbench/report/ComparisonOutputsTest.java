package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.spi.ReportWriter;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison with an earlier run, written by every format ({@link ReportOptions#comparison()}). */
class ComparisonOutputsTest {

    @TempDir
    Path dir;

    /** The sample run against itself without its first model: one model only in the baseline. */
    private static RunComparison comparison() {
        BenchmarkReport report = SampleReports.completed();
        String dropped = report.models().getFirst().model().id();
        BenchmarkReport without = new BenchmarkReport(report.run(), report.status(), report.finishedAt(),
                report.models().stream().filter(m -> !m.model().id().equals(dropped)).toList(),
                report.requests().stream().filter(r -> !r.model().equals(dropped)).toList());
        return RunComparison.of(report, without);
    }

    private void writeAll(RunComparison c) throws Exception {
        for (ReportWriter w : ReportWriters.select(ReportWriters.names(), ReportOptions.defaults()
                .withComparison(c))) {
            w.write(SampleReports.completed(), dir);
        }
    }

    @Test
    void comparisonJsonHoldsEveryFigureWithItsIntervalAndVerdictAndTheModelsOfOneRun() throws Exception {
        RunComparison c = comparison();
        writeAll(c);
        JsonNode root = JsonMapper.builder().build().readTree(dir.resolve("comparison.json").toFile());
        assertThat(root.get("schema_version").asInt()).isEqualTo(ReportWriters.SCHEMA_VERSION);
        assertThat(root.get("models")).hasSize(c.models().size());
        JsonNode first = root.get("models").get(0);
        assertThat(first.get("model").asText()).isEqualTo(c.models().getFirst().modelId());
        assertThat(first.get("figures")).hasSize(RunComparison.Figure.values().length);
        JsonNode decode = first.get("figures").get(0);
        assertThat(decode.get("figure").asText()).isEqualTo("decode");
        assertThat(decode.get("baseline_median").asDouble())
                .isEqualTo(c.models().getFirst().figure(RunComparison.Figure.DECODE).comparison().baselineMedian());
        assertThat(decode.get("verdict").asText())
                .isEqualTo(c.models().getFirst().figure(RunComparison.Figure.DECODE).comparison().verdict().label());
        // too few samples for an interval: unknown figures are null, as in results.json
        assertThat(decode.get("ci_lower").isNull()).isTrue();
        assertThat(first.get("figures").get(4).get("verdict").asText()).isEqualTo("one_value");
        assertThat(root.get("only_baseline").get(0).asText()).isEqualTo(c.onlyBaseline().getFirst());
    }

    @Test
    void comparisonCsvHasOneRowPerModelAndFigure() throws Exception {
        RunComparison c = comparison();
        writeAll(c);
        List<String> lines = Files.readAllLines(dir.resolve("comparison.csv"));
        assertThat(lines.getFirst()).isEqualTo("model,figure,baseline_median,current_median,change,change_pct,"
                + "baseline_count,current_count,ci_lower,ci_upper,min_change,confidence,verdict");
        assertThat(lines).hasSize(1 + c.models().size() * RunComparison.Figure.values().length);
        assertThat(lines.get(1)).startsWith(c.models().getFirst().modelId() + ",decode,").endsWith("," + c.models().getFirst().figure(RunComparison.Figure.DECODE).comparison().verdict().label());
    }

    @Test
    void markdownPdfAndPngShowTheComparison() throws Exception {
        RunComparison c = comparison();
        writeAll(c);
        String md = Files.readString(dir.resolve(ReportWriters.REPORT_MD));
        assertThat(md).contains("## Comparison", "| Model | Figure | Baseline | Current | Change | Change % | n |"
                + " Verdict |", "- Only in the baseline: " + Markdown.cell(c.onlyBaseline().getFirst()));
        for (List<String> row : ComparisonRows.rows(c)) {
            assertThat(md).contains(Markdown.row(row.stream().map(Markdown::cell).toList()));
        }
        try (PDDocument pdf = Loader.loadPDF(dir.resolve(PdfReportWriter.FILE).toFile())) {
            String text = new PDFTextStripper().getText(pdf);
            assertThat(text).contains("Comparison with " + c.baselineRunId(), "Only in the baseline: ");
        }
        assertThat(Pngs.read(dir.resolve("charts").resolve("comparison.png")).getWidth()).isEqualTo(Charts.WIDTH);
    }

    @Test
    void theHtmlReportShowsTheComparisonTableWithEveryRowEscaped() throws Exception {
        RunComparison c = comparison();
        writeAll(c);
        org.jsoup.nodes.Document doc = org.jsoup.Jsoup.parse(dir.resolve(ReportWriters.REPORT_HTML).toFile());
        org.jsoup.select.Elements rows = doc.select("#comparison-table tbody tr");
        List<List<String>> expected = ComparisonRows.rows(c);
        assertThat(rows).hasSize(expected.size());
        for (int i = 0; i < expected.size(); i++) {
            assertThat(rows.get(i).select("td").eachText()).isEqualTo(expected.get(i));
        }
        assertThat(doc.select("#comparison li").eachText()).contains("Only in the baseline: " + c.onlyBaseline()
                .getFirst());
    }

    @Test
    void withoutAComparisonNoComparisonFileIsWritten() throws Exception {
        for (ReportWriter w : ReportWriters.select(ReportWriters.names(), ReportOptions.defaults())) {
            w.write(SampleReports.completed(), dir);
        }
        assertThat(dir.resolve("comparison.json")).doesNotExist();
        assertThat(dir.resolve("comparison.csv")).doesNotExist();
        assertThat(dir.resolve("charts").resolve("comparison.png")).doesNotExist();
        assertThat(Files.readString(dir.resolve(ReportWriters.REPORT_MD))).doesNotContain("## Comparison");
        assertThat(Files.readString(dir.resolve(ReportWriters.REPORT_HTML))).doesNotContain("id=\"comparison\"");
    }

    @Test
    void rankByOrdersTheMarkdownTablesAndAnUnknownMetricIsRefused() throws Exception {
        BenchmarkReport report = SampleReports.completed();
        List<String> byTtft = Ranking.order(report.models(), "ttft").stream().map(m -> m.model().id()).toList();
        ReportWriters.select(List.of("md"), ReportOptions.defaults().withRankBy("ttft")).getFirst()
                .write(report, dir);
        String md = Files.readString(dir.resolve(ReportWriters.REPORT_MD));
        String keyFigures = md.substring(md.indexOf("## Key figures"));
        for (int i = 1; i < byTtft.size(); i++) {
            assertThat(keyFigures.indexOf("| " + Markdown.cell(byTtft.get(i - 1)) + " |"))
                    .isLessThan(keyFigures.indexOf("| " + Markdown.cell(byTtft.get(i)) + " |"));
        }
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> ReportOptions.defaults().withRankBy("speed"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("valid: decode");
    }
}

package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareSample;
import dev.lmsbench.core.spi.ReportWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReportWritersTest {

    @TempDir
    Path dir;

    @Test
    void theHardwareDocumentHasTheResultsJsonShapesAndNullForUnknownFigures() throws Exception {
        HardwareInfo info = new HardwareInfo("Linux", "Fake CPU", 8, 16, 64_000_000_000L, "nvml", "550.54",
                List.of(new HardwareInfo.Gpu(0, "Fake RTX", "GPU-1", 24_000_000_000L)), List.of("nvml: used"));
        HardwareSample sample = new HardwareSample(123_456_789L, Double.NaN, 8_000_000_000L, 64_000_000_000L, -1,
                200_000_000L, List.of(new GpuSample(0, "Fake RTX", 9_000_000_000L, 24_000_000_000L, -1, 87,
                        Double.NaN, 312.5, 450, 71, 2520, 10501, 4, 16)));

        JsonNode doc = new ObjectMapper().readTree(ReportWriters.hardwareJson(info, sample));

        assertThat(doc.path("schema_version").asInt()).isEqualTo(ReportWriters.HARDWARE_SCHEMA_VERSION).isEqualTo(1);
        assertThat(doc.get("hardware")).isEqualTo(JsonMapping.hardware(info));
        assertThat(doc.at("/sample/t_s").asDouble()).isZero();
        assertThat(doc.at("/sample/cpu_load_pct").isNull()).isTrue();
        assertThat(doc.at("/sample/swap_used_bytes").isNull()).isTrue();
        assertThat(doc.at("/sample/gpus/0/power_w").asDouble()).isEqualTo(312.5);
        assertThat(doc.at("/sample/gpus/0/mem_util_pct").isNull()).isTrue();
        assertThat(doc.at("/sample/gpus/0/pcie_width").asInt()).isEqualTo(16);
    }

    @Test
    void offersJsonCsvMarkdownPngPdfAndHtmlInThatOrder() {
        assertThat(ReportWriters.all()).extracting(ReportWriter::name)
                .containsExactly("json", "csv", "md", "png", "pdf", "html");
        assertThat(ReportWriters.names()).containsExactly("json", "csv", "md", "png", "pdf", "html");
        assertThat(ReportWriters.DEFAULT_FORMATS).containsExactly("json", "csv", "html");
    }

    @Test
    void selectsTheNamedWritersOnceEachInRegistryOrder() {
        assertThat(ReportWriters.select(List.of("MD", " json", "md", "")))
                .extracting(ReportWriter::name).containsExactly("json", "md");
    }

    @Test
    void refusesToSelectNoWriter() {
        assertThatThrownBy(() -> ReportWriters.select(List.of(" ")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("no format given; valid: json, csv, md, png, pdf, html");
    }

    @Test
    void findsAWriterByNameIgnoringCaseAndSpaces() {
        assertThat(ReportWriters.byName("json").name()).isEqualTo("json");
        assertThat(ReportWriters.byName(" CSV ").name()).isEqualTo("csv");
    }

    @Test
    void rejectsAnUnknownNameListingTheKnownOnes() {
        assertThatThrownBy(() -> ReportWriters.byName("xml"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown format 'xml'; valid: json, csv, md, png, pdf, html");
    }

    @Test
    void allWritersTogetherWriteExactlyTheirFiles() throws Exception {
        for (ReportWriter writer : ReportWriters.all()) {
            writer.write(SampleReports.completed(), dir);
        }

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    ReportWriters.RESULTS_JSON, ReportWriters.SUMMARY_CSV, ReportWriters.REQUESTS_CSV,
                    ReportWriters.LOAD_TIMES_CSV, ReportWriters.REPORT_MD, "report.pdf", ReportWriters.REPORT_HTML,
                    "charts");
        }
        try (Stream<Path> charts = Files.list(dir.resolve("charts"))) {
            assertThat(charts.map(p -> p.getFileName().toString())).contains("decode_toks_per_s.png");
        }
    }

    @Test
    void createsAMissingOutputDirectory() throws Exception {
        Path nested = dir.resolve("runs/20261125-144630-1a2b");

        ReportWriters.byName("csv").write(SampleReports.cancelled(), nested);

        assertThat(nested.resolve("summary.csv")).isRegularFile();
    }

    @ParameterizedTest
    @MethodSource("dev.lmsbench.report.DefaultLocale#locales")
    void exportsStoredResultsAsTheGoldenDocumentUnderEveryDefaultLocale(Locale locale) throws Exception {
        Path file = dir.resolve("cache-export.json");

        DefaultLocale.with(locale, () -> ReportWriters.exportStoredResults(SampleReports.stored(), "0.2.0", file));

        Golden.assertMatches(file, "cache-export.json");
    }

    @Test
    void exportsStoredResultsWithIdRunAndSummary() throws Exception {
        Path file = dir.resolve("export/cache.json");

        ReportWriters.exportStoredResults(SampleReports.stored(), "0.2.0", file);

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertThat(JsonReportWriterTest.fieldNames(root)).containsExactly("schema_version", "tool", "results");
        assertThat(root.get("schema_version").intValue()).isEqualTo(ReportWriters.SCHEMA_VERSION);
        assertThat(root.get("results")).extracting(r -> r.get("id").longValue()).containsExactly(101L, 102L, 103L);
        assertThat(JsonReportWriterTest.fieldNames(root.at("/results/0"))).containsExactly("id", "run", "summary");
        assertThat(root.at("/results/1/summary/model/id").asText()).isEqualTo("llama-3.2-1b-instruct");
        assertThat(root.at("/results/1/summary/tokens_estimated").booleanValue()).isTrue();
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("cache.json");
        }
    }

    @Test
    void exportsAnEmptyCache() throws Exception {
        Path file = dir.resolve("empty.json");

        ReportWriters.exportStoredResults(List.of(), "0.2.0", file);

        assertThat(new ObjectMapper().readTree(file.toFile()).get("results")).isEmpty();
    }
}

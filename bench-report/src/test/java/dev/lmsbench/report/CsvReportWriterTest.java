package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class CsvReportWriterTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @MethodSource("dev.lmsbench.report.DefaultLocale#locales")
    void writesTheGoldenSummaryRequestsAndLoadTimesUnderEveryDefaultLocale(Locale locale) throws Exception {
        DefaultLocale.with(locale, () -> new CsvReportWriter().write(SampleReports.completed(), dir));

        Golden.assertMatches(dir.resolve("summary.csv"), "summary.csv");
        Golden.assertMatches(dir.resolve("requests.csv"), "requests.csv");
        Golden.assertMatches(dir.resolve("load_times.csv"), "load_times.csv");
    }

    @Test
    void writesUtf8WithLineFeedsAndNoByteOrderMark() throws Exception {
        new CsvReportWriter().write(SampleReports.completed(), dir);

        for (String name : List.of("summary.csv", "requests.csv")) {
            byte[] bytes = Files.readAllBytes(dir.resolve(name));
            assertThat(bytes[0]).as(name).isEqualTo((byte) 'm');
            assertThat(bytes[bytes.length - 1]).as(name).isEqualTo((byte) '\n');
            // the CR LF of the load error is folded like every line break in server text
            String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
            assertThat(text).as(name).doesNotContain("\r", "\u0000", "\u001b");
        }
    }

    @Test
    void writesValidFilesForACancelledPartialReport() throws Exception {
        BenchmarkReport partial = SampleReports.cancelled();

        new CsvReportWriter().write(partial, dir);

        List<Map<String, String>> summary = CsvReader.read(dir.resolve("summary.csv"));
        assertThat(summary).extracting(r -> r.get("model") + ":" + r.get("status"))
                .containsExactly("qwen3-8b@q4_k_m:completed", "llama-3.2-1b-instruct:cancelled");
        assertThat(summary.get(1)).containsEntry("request_count", "1").containsEntry("error", "cancelled by user");
        List<Map<String, String>> requests = CsvReader.read(dir.resolve("requests.csv"));
        assertThat(requests).hasSize(partial.requests().size()).hasSize(12);
    }

    @Test
    void writesHeadersOnlyForAReportWithoutResults() throws Exception {
        BenchmarkReport empty = new BenchmarkReport(SampleReports.run(),
                dev.lmsbench.core.model.RunStatus.CANCELLED, SampleReports.T0, List.of(), List.of());

        new CsvReportWriter().write(empty, dir);

        assertThat(CsvReader.header(dir.resolve("summary.csv"))).isEqualTo(SummaryCsvTest.EXPECTED_HEADER);
        assertThat(CsvReader.read(dir.resolve("summary.csv"))).isEmpty();
        assertThat(CsvReader.read(dir.resolve("requests.csv"))).isEmpty();
        assertThat(CsvReader.header(dir.resolve("load_times.csv"))).isEqualTo(Csv.header(LoadTimesCsv.COLUMNS));
        assertThat(CsvReader.read(dir.resolve("load_times.csv"))).isEmpty();
    }

    @Test
    void leavesOnlyTheThreeFilesBehindWithoutASweep() throws Exception {
        new CsvReportWriter().write(SampleReports.completed(), dir);
        new CsvReportWriter().write(SampleReports.cancelled(), dir);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("summary.csv", "requests.csv", "load_times.csv");
        }
    }

    @Test
    void isNamedCsv() {
        assertThat(new CsvReportWriter().name()).isEqualTo("csv");
    }
}

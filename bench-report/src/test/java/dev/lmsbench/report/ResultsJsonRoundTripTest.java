package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.PromptCalibration;
import dev.lmsbench.core.model.RequestResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Write, read back, write again: the second {@code results.json} (and the CSV files written from the report read
 * back) must have exactly the bytes of the first, for every sample report and under every checked locale.
 */
class ResultsJsonRoundTripTest {

    @TempDir
    Path dir;

    static Stream<Arguments> reports() {
        return Stream.of(
                Arguments.of("completed (stream + non-stream, warmups, a failed call, server stats, draft figures, "
                        + "usage checks, load details)", SampleReports.completed()),
                Arguments.of("cancelled", SampleReports.cancelled()),
                Arguments.of("sweep (4 jobs, calibration, a reused load, a call failed after retries, best settings)",
                        SampleReports.sweep()),
                Arguments.of("load test (3 Poisson stages, goodput, failures, a generator warning, server metrics)",
                        SampleReports.load()),
                Arguments.of("profiled (machine and hardware samples)", ChartReports.profiled()),
                Arguments.of("exotic model id and error text", ChartReports.exotic()),
                Arguments.of("60 models", ChartReports.many(60)),
                Arguments.of("every model failed", ChartReports.allFailed()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reports")
    void aReportReadBackWritesTheSameJsonAndCsvBytes(String name, BenchmarkReport report) throws Exception {
        for (Locale locale : DefaultLocale.locales().toList()) {
            DefaultLocale.with(locale, () -> {
                Path first = dir.resolve(locale.toLanguageTag() + "-first");
                Path second = dir.resolve(locale.toLanguageTag() + "-second");
                write(report, first);
                write(ResultsJsonReader.read(first.resolve(ReportWriters.RESULTS_JSON)), second);
                for (String file : new String[]{ReportWriters.RESULTS_JSON, ReportWriters.SUMMARY_CSV,
                        ReportWriters.REQUESTS_CSV, ReportWriters.LOAD_TIMES_CSV, ReportWriters.BEST_SETTINGS_CSV}) {
                    if (!Files.exists(first.resolve(file))) {
                        assertThat(second.resolve(file)).doesNotExist();
                        continue;
                    }
                    assertThat(Files.readString(second.resolve(file)))
                            .as("%s under %s", file, locale).isEqualTo(Files.readString(first.resolve(file)));
                    assertThat(Files.readAllBytes(second.resolve(file))).isEqualTo(
                            Files.readAllBytes(first.resolve(file)));
                }
            });
        }
    }

    @Test
    void theGoldenResultsFileReadBackIsWrittenAgainByteForByte() throws Exception {
        for (Locale locale : DefaultLocale.locales().toList()) {
            DefaultLocale.with(locale, () -> {
                Path out = dir.resolve("golden-" + locale.toLanguageTag());
                new JsonReportWriter().write(ResultsJsonReader.read(Golden.DIR.resolve(ReportWriters.RESULTS_JSON)),
                        out);
                new CsvReportWriter().write(ResultsJsonReader.read(Golden.DIR.resolve(ReportWriters.RESULTS_JSON)),
                        out);
                Golden.assertMatchesExisting(out.resolve(ReportWriters.RESULTS_JSON), ReportWriters.RESULTS_JSON);
                Golden.assertMatchesExisting(out.resolve(ReportWriters.SUMMARY_CSV), ReportWriters.SUMMARY_CSV);
                Golden.assertMatchesExisting(out.resolve(ReportWriters.REQUESTS_CSV), ReportWriters.REQUESTS_CSV);
                Golden.assertMatchesExisting(out.resolve(ReportWriters.LOAD_TIMES_CSV), ReportWriters.LOAD_TIMES_CSV);
            });
        }
    }

    @Test
    void aReportReadTwiceIsEqualToTheFirstReading() throws IOException {
        Path first = dir.resolve("a");
        Path second = dir.resolve("b");
        write(ChartReports.profiled(), first);
        BenchmarkReport once = ResultsJsonReader.read(first.resolve(ReportWriters.RESULTS_JSON));
        write(once, second);
        assertThat(ResultsJsonReader.read(second.resolve(ReportWriters.RESULTS_JSON))).isEqualTo(once);
    }

    @Test
    void theFiguresTheFileDoesNotRoundAreReadBackExactly() throws IOException {
        BenchmarkReport original = ChartReports.profiled();
        write(original, dir);
        BenchmarkReport read = ResultsJsonReader.read(dir.resolve(ReportWriters.RESULTS_JSON));
        assertThat(read.hardware()).isEqualTo(original.hardware());
        assertThat(read.run()).isEqualTo(original.run());
        assertThat(read.models().getFirst().hardwareSamples()).hasSize(20);
        for (int i = 0; i < original.requests().size(); i++) {
            var a = original.requests().get(i);
            var b = read.requests().get(i);
            assertThat(b.serverStats()).isEqualTo(a.serverStats());
            assertThat(b.usageCheck()).isEqualTo(a.usageCheck());
            assertThat(b.usage()).isEqualTo(a.usage());
            assertThat(b.timings().tokenChunkCount()).isEqualTo(a.timings().tokenChunkCount());
            assertThat(Double.compare(b.ttftSeconds(), a.ttftSeconds())).as("ttftSeconds").isZero();
            assertThat(Double.compare(b.decodeTokensPerSecond(), a.decodeTokensPerSecond())).as("decode")
                    .isZero();
            assertThat(Double.compare(b.tpotSeconds(), a.tpotSeconds())).as("tpotSeconds").isZero();
        }
        for (int i = 0; i < original.models().size(); i++) {
            var a = original.models().get(i);
            var b = read.models().get(i);
            assertThat(b.loadDetails()).isEqualTo(a.loadDetails());
            assertThat(b.loadMemory()).isEqualTo(a.loadMemory());
            assertThat(b.draftAcceptance()).isEqualTo(a.draftAcceptance());
            assertThat(b.errorsByType()).isEqualTo(a.errorsByType());
        }
    }

    @Test
    void calibrationAndAttemptsAreReadBackExactly() throws IOException {
        BenchmarkReport original = SampleReports.sweep();
        write(original, dir);
        BenchmarkReport read = ResultsJsonReader.read(dir.resolve(ReportWriters.RESULTS_JSON));

        assertThat(read.models()).extracting(ModelSummary::calibration)
                .containsExactlyElementsOf(original.models().stream().map(ModelSummary::calibration).toList());
        assertThat(read.models().get(1).calibration().source()).isEqualTo("cache");
        assertThat(read.models().get(1).loadDetails().reused()).isTrue();
        assertThat(read.requests()).extracting(RequestResult::attempts)
                .containsExactlyElementsOf(original.requests().stream().map(RequestResult::attempts).toList());
        assertThat(read.requests()).filteredOn(RequestResult::errorFinal).singleElement()
                .satisfies(r -> assertThat(r.attempts()).isEqualTo(SampleReports.FAILED_ATTEMPTS));
        // a model without a sized prompt reads back as not sized
        write(SampleReports.completed(), dir.resolve("run"));
        BenchmarkReport run = ResultsJsonReader.read(dir.resolve("run").resolve(ReportWriters.RESULTS_JSON));
        assertThat(run.models().get(0).calibration()).isEqualTo(SampleReports.QWEN_CALIBRATION);
        assertThat(run.models().get(1).calibration()).isEqualTo(PromptCalibration.NONE);
    }

    @Test
    void aLoadTestsStagesAreReadBackExactly() throws IOException {
        BenchmarkReport original = SampleReports.load();
        write(original, dir);
        BenchmarkReport read = ResultsJsonReader.read(dir.resolve(ReportWriters.RESULTS_JSON));

        assertThat(read.models()).extracting(ModelSummary::load)
                .containsExactlyElementsOf(original.models().stream().map(ModelSummary::load).toList());
        dev.lmsbench.core.load.LoadResult last = read.models().getLast().load();
        assertThat(last.pattern()).isEqualTo(new dev.lmsbench.core.load.ArrivalPattern.Poisson(8));
        assertThat(last.generator().warnings()).singleElement().asString().contains("client overloaded");
        assertThat(last.failed()).isPositive();
        assertThat(last.goodRequests()).isNotNegative();
        assertThat(last.workloadParameters()).containsKeys("input_len", "output_len");
        // a run's jobs have no load stage
        write(SampleReports.completed(), dir.resolve("run"));
        assertThat(ResultsJsonReader.read(dir.resolve("run").resolve(ReportWriters.RESULTS_JSON)).models())
                .allSatisfy(m -> assertThat(m.load()).isNull());
    }

    private static void write(BenchmarkReport report, Path out) throws IOException {
        new JsonReportWriter().write(report, out);
        new CsvReportWriter().write(report, out);
    }
}

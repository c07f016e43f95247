package dev.lmsbench.report;

import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ResultsJsonReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsBackWhatTheJsonWriterWroteWithEqualFigures() throws IOException {
        BenchmarkReport original = SampleReports.completed();
        new JsonReportWriter().write(original, dir);
        BenchmarkReport read = ResultsJsonReader.read(dir.resolve(ReportWriters.RESULTS_JSON));

        assertThat(read.run().runId()).isEqualTo(original.run().runId());
        assertThat(read.status()).isEqualTo(original.status());
        assertThat(read.finishedAt()).isEqualTo(original.finishedAt());
        assertThat(read.models()).hasSameSizeAs(original.models());
        for (int i = 0; i < original.models().size(); i++) {
            ModelSummary a = original.models().get(i);
            ModelSummary b = read.models().get(i);
            assertThat(b.model().id()).isEqualTo(a.model().id());
            assertThat(b.decodeTokensPerSecond()).isEqualTo(a.decodeTokensPerSecond());
            assertThat(b.ttft()).isEqualTo(a.ttft());
            close(b.streamTokensPerSecondTotal(), a.streamTokensPerSecondTotal());
            close(b.loadSeconds(), a.loadSeconds());
            assertThat(b.sideMetrics()).isEqualTo(a.sideMetrics());
        }
        assertThat(read.requests()).hasSameSizeAs(original.requests());
        for (int i = 0; i < original.requests().size(); i++) {
            RequestResult a = original.requests().get(i);
            RequestResult b = read.requests().get(i);
            assertThat(b.model()).isEqualTo(a.model());
            assertThat(b.success()).isEqualTo(a.success());
            assertThat(b.mode()).isEqualTo(a.mode());
            assertThat(b.warmup()).isEqualTo(a.warmup());
            close(b.ttftSeconds(), a.ttftSeconds());
            close(b.decodeTokensPerSecond(), a.decodeTokensPerSecond());
            close(b.prefillTokensPerSecond(), a.prefillTokensPerSecond());
            close(b.completionTokensPerSecond(), a.completionTokensPerSecond());
        }
        // and the JSON written from the read report keeps every per-request figure
        assertThat(JsonMapping.report(read).get("requests").get(0).get("decode_toks_per_s").doubleValue())
                .isCloseTo(JsonMapping.report(original).get("requests").get(0).get("decode_toks_per_s")
                        .doubleValue(), within(1e-6));
    }

    private static void close(double actual, double expected) {
        if (Double.isNaN(expected)) {
            assertThat(actual).isNaN();
        } else {
            assertThat(actual).isCloseTo(expected, within(Math.abs(expected) * 1e-6 + 1e-9));
        }
    }

    @Test
    void aFileThatIsNotJsonIsAClearError() throws IOException {
        Path file = Files.writeString(dir.resolve("results.json"), "<html>nope</html>");
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not valid JSON");
    }

    @Test
    void anotherSchemaVersionIsRefusedNamingIt() throws IOException {
        Path file = Files.writeString(dir.resolve("results.json"), "{\"schema_version\": 99, \"run\": {}}");
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("schema_version 99 is not supported");
    }

    @Test
    void aMissingFieldIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("results.json"),
                "{\"schema_version\": " + JsonMapping.SCHEMA_VERSION + ", \"tool\": {\"version\": \"1\"}}");
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("missing field 'run'");
    }

    @Test
    void tooDeeplyNestedJsonIsRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("results.json"), "[".repeat(1000) + "]".repeat(1000));
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("not valid JSON");
    }

    @Test
    void aFileAboveTheSizeLimitIsRefusedBeforeParsing() throws IOException {
        Path file = dir.resolve("results.json");
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.CREATE_NEW,
                java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.wrap(new byte[]{'{'}), ResultsJsonReader.MAX_BYTES); // sparse file
        }
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("too large");
    }

    @Test
    void aMistypedNestedFieldIsNamedWithWhereItIs() throws IOException {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        Path file = dir.resolve(ReportWriters.RESULTS_JSON);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceFirst("\"tokens_per_second\": \\{",
                "\"tokens_per_second\": 7, \"x\": {"));
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessage(file + ": models[0]: field 'tokens_per_second' is not an object");
    }

    @Test
    void aTruncatedFileIsOneLineNamingTheFile() throws IOException {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        Path file = dir.resolve(ReportWriters.RESULTS_JSON);
        String json = Files.readString(file);
        Files.writeString(file, json.substring(0, json.length() / 2));
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageStartingWith(file + ": not valid JSON")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aHostileChunkCountIsRefusedBeforeAnythingIsAllocated() throws IOException {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        Path file = dir.resolve(ReportWriters.RESULTS_JSON);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceFirst("\"chunk_count\": \\d+", "\"chunk_count\": 2000000000"));
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("requests[0]: field 'chunk_count'");
    }

    @Test
    void aValueARecordRefusesIsNamedWithWhereItIs() throws IOException {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        Path file = dir.resolve(ReportWriters.RESULTS_JSON);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceFirst("\"prompt_tokens\": \\d+", "\"prompt_tokens\": -5"));
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("requests[0]: invalid value (token counts must be >= 0)");
    }

    @Test
    void aNegativeDurationIsRefusedNamingTheField() throws IOException {
        new JsonReportWriter().write(SampleReports.completed(), dir);
        Path file = dir.resolve(ReportWriters.RESULTS_JSON);
        String json = Files.readString(file);
        Files.writeString(file, json.replaceFirst("\"wall_s\": [0-9.]+", "\"wall_s\": -3.0"));
        assertThatThrownBy(() -> ResultsJsonReader.read(file))
                .isInstanceOf(ResultsJsonReader.InvalidResultsException.class)
                .hasMessageContaining("requests[0]: field 'wall_s'");
    }
}

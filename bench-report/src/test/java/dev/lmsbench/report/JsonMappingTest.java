package dev.lmsbench.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.stats.Distribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class JsonMappingTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "300.0        | 300.0",
            "0.1          | 0.1",
            "0.0001       | 0.0001",
            "1.0E10       | 10000000000.0",
            "0.1234567891 | 0.1234567891",
            "-2.5         | -2.5",
            "0.0          | 0.0",
    })
    void writesDoublesAsShortestPlainDecimalsWithAFractionPart(double value, String expected) {
        assertThat(JsonMapping.plain(value).toPlainString()).isEqualTo(expected);
        assertThat(Double.parseDouble(expected)).isEqualTo(value);
    }

    @Test
    void mapsAnEmptyDistributionToCountZeroAndNulls() {
        ObjectNode node = JsonMapping.distribution(Distribution.EMPTY);

        assertThat(node.get("count").intValue()).isZero();
        assertThat(node.properties()).filteredOn(e -> !e.getKey().equals("count"))
                .hasSize(8).allSatisfy(e -> assertThat(e.getValue().isNull()).isTrue());
    }

    @Test
    void writesEveryUnsetSamplingParameterAndLoadOptionAsNull() {
        ObjectNode settings = JsonMapping.settings(BenchmarkSettings.defaults());

        assertThat(settings.at("/sampling/temperature").doubleValue()).isEqualTo(0.1);
        assertThat(settings.get("sampling").properties()).filteredOn(e -> !e.getKey().equals("temperature"))
                .hasSize(4).allSatisfy(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isTrue());
        assertThat(settings.at("/load/context_length").intValue()).isEqualTo(4096);
        assertThat(settings.get("load").properties()).filteredOn(e -> !e.getKey().equals("context_length"))
                .hasSize(14).allSatisfy(e -> assertThat(e.getValue().isNull()).as(e.getKey()).isTrue());
    }

    @Test
    void writesAbsentServerStatsAsNullAndUnknownServerFiguresAsNull() {
        assertThat(JsonMapping.serverStats(ServerStats.NONE).isNull()).isTrue();

        JsonNode partial = JsonMapping.serverStats(new ServerStats(42.5, Double.NaN, Double.NaN, "", "test.source"));

        assertThat(partial.get("source").asText()).isEqualTo("test.source");
        assertThat(partial.get("tokens_per_second").doubleValue()).isEqualTo(42.5);
        assertThat(partial.get("time_to_first_token_s").isNull()).isTrue();
        assertThat(partial.get("generation_time_s").isNull()).isTrue();
        assertThat(partial.get("stop_reason").asText()).isEmpty();
    }

    @Test
    void writesLlamaCppTimingsWithTheirSourceAndTheCachedPromptTokensOfARequest() {
        JsonNode stats = JsonMapping.serverStats(new ServerStats(80.0, Double.NaN, 0.025, "",
                ServerStats.LLAMA_CPP_TIMINGS, 480.5, 0.0645, 31, 30, 2));
        assertThat(stats.path("source").asText()).isEqualTo("llama.cpp.timings");
        assertThat(stats.path("prompt_toks_per_s").decimalValue()).isEqualByComparingTo("480.5");
        assertThat(stats.path("prompt_s").decimalValue()).isEqualByComparingTo("0.0645");
        assertThat(stats.path("prompt_tokens").asInt()).isEqualTo(31);
        assertThat(stats.path("cached_tokens").asInt()).isEqualTo(30);
        assertThat(stats.path("generated_tokens").asInt()).isEqualTo(2);
        assertThat(stats.path("time_to_first_token_s").isNull()).isTrue();
        dev.lmsbench.core.model.RequestResult r = SampleReports.completed().requests().getFirst();
        assertThat(JsonMapping.request(r).path("prompt_tokens_cached").asInt())
                .isEqualTo(r.usage().promptCachedTokens());
        dev.lmsbench.core.model.RequestResult unknown = new dev.lmsbench.core.model.RequestResult(r.model(),
                r.contextLength(), r.parallel(), r.index(), r.warmup(), r.mode(), r.startedAt(), r.timings(),
                r.usage().withPromptCachedTokens(-1), r.finishReason(), r.error());
        assertThat(JsonMapping.request(unknown).path("prompt_tokens_cached").isNull()).isTrue();
    }

    @Test
    void leavesOutFinishAndStatusOfARunWhenUnknown() {
        ObjectNode run = JsonMapping.run(SampleReports.run(), null, null);

        assertThat(JsonReportWriterTest.fieldNames(run)).containsExactly("run_id", "started_at", "endpoint",
                "settings", "server", "profiling", "measurement_version");
    }

    @Test
    void mapsTheStoredResultsWithTheSameModelSummaryShapeAsTheReport() {
        BenchmarkReport report = SampleReports.completed();

        ObjectNode export = JsonMapping.storedResults(SampleReports.stored(), "0.2.0");
        ObjectNode results = JsonMapping.report(report);

        assertThat(export.get("results")).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(export.get("results").get(i).get("summary")).isEqualTo(results.get("models").get(i));
        }
        assertThat(export.at("/tool/version").asText()).isEqualTo("0.2.0");
        assertThat(export.at("/results/0/run/tool_version").asText()).isEqualTo("0.1.0-test");
    }
}

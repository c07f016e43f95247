package dev.lmsbench.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lmsbench.core.model.BenchmarkReport;
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
    void leavesOutFinishAndStatusOfARunWhenUnknown() {
        ObjectNode run = JsonMapping.run(SampleReports.run(), null, null);

        assertThat(JsonReportWriterTest.fieldNames(run)).containsExactly("run_id", "started_at", "endpoint",
                "settings");
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

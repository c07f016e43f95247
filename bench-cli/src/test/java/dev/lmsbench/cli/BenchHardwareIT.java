package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lmsbench.hardware.HardwareMonitors;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code lmsbench bench hardware} in process, with the real hardware detection and the built-in simulator. */
class BenchHardwareIT {

    private static void assertOneLineUsageError(MainTest.Outcome o, String expected) {
        assertThat(o.code()).as(o.err()).isEqualTo(2);
        assertThat(o.err().strip()).doesNotContain("\n").startsWith("lmsbench: ").contains(expected);
        assertThat(o.err()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(o.out()).isEmpty();
    }

    @Test
    void itReportsTheSampleCostOfEveryBackendAndTheSamplerEffectOnTheSimulatorAsJson() throws Exception {
        MainTest.Outcome o = MainTest.run("bench", "hardware", "--samples", "50", "--rounds", "2", "--runs", "2",
                "--max-tokens", "30", "--json");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.err()).contains("[bench hardware] sample cost: none").contains("round 2/2");
        JsonNode doc = new ObjectMapper().readTree(o.out());
        assertThat(doc.path("machine").path("logicalCores").asInt()).isPositive();

        JsonNode backends = doc.path("sampleCost").path("backends");
        List<String> names = new ArrayList<>();
        backends.forEach(b -> names.add(b.path("backend").asText()));
        List<String> expected = new ArrayList<>(List.of(HardwareMonitors.NONE));
        expected.addAll(HardwareMonitors.backendNames());
        assertThat(names).containsExactlyElementsOf(expected);
        JsonNode none = backends.get(0);
        assertThat(none.path("available").asBoolean()).isTrue();
        assertThat(none.path("samples").asInt()).isEqualTo(50);
        for (String field : List.of("p50Micros", "p99Micros", "meanMicros")) {
            assertThat(none.path(field).asDouble()).as(field).isPositive();
        }
        assertThat(none.path("p99Micros").asDouble()).isGreaterThanOrEqualTo(none.path("p50Micros").asDouble());
        for (JsonNode b : backends) {
            assertThat(b.has("available")).as(b.toString()).isTrue();
            if (b.path("available").asBoolean()) {
                assertThat(b.path("p50Micros").asDouble()).as(b.toString()).isPositive();
            } else {
                assertThat(b.path("reason").asText()).as(b.toString()).isNotBlank();
            }
        }

        JsonNode effect = doc.path("samplerEffect");
        assertThat(effect.path("intervalMs").asInt()).isEqualTo(250);
        for (String condition : List.of("withSampler", "withoutSampler")) {
            JsonNode c = effect.path(condition);
            assertThat(c.path("requests").asInt()).as(condition).isEqualTo(4);
            assertThat(c.path("decodeTokensPerSecondMedian").asDouble()).as(condition).isCloseTo(400.0, within(20.0));
            assertThat(c.path("ttftMsMedian").asDouble()).as(condition).isBetween(20.0, 40.0);
        }
        assertThat(effect.path("withSampler").path("hardwareSamples").asLong())
                .as("the sampler really sampled").isPositive();
        assertThat(effect.path("decodeDifferencePercent").isNumber()).isTrue();
        JsonNode rounds = effect.path("roundFigures");
        assertThat(rounds.size()).isEqualTo(2);
        assertThat(rounds.get(0).path("order").asText()).as("ABBA").isEqualTo("with,without");
        assertThat(rounds.get(1).path("order").asText()).isEqualTo("without,with");
    }

    @Test
    void theTextReportIsATableOnStandardOutputWithProgressOnStandardError() {
        MainTest.Outcome o = MainTest.run("bench", "hardware", "--skip-sampler-effect", "--samples", "5");

        assertThat(o.code()).as(o.err()).isZero();
        assertThat(o.out()).contains("Cost of one hardware sample").containsPattern("\\nnone +0 +[0-9.]+ ")
                .doesNotContain("[bench hardware]").doesNotContain("Sampler effect");
        for (String backend : HardwareMonitors.backendNames()) {
            assertThat(o.out()).containsPattern("\\n" + java.util.regex.Pattern.quote(backend) + " ");
        }
        assertThat(o.err()).contains("[bench hardware] sample cost: none");
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        assertOneLineUsageError(MainTest.run("bench", "hardware", "--samples", "0"),
                "--samples must be at least 1, got 0");
        assertOneLineUsageError(MainTest.run("bench", "hardware", "--rounds", "0"), "--rounds must be at least 1");
        assertOneLineUsageError(MainTest.run("bench", "hardware", "--interval-ms", "0"),
                "--interval-ms must be positive");
        assertOneLineUsageError(MainTest.run("bench", "hardware", "--skip-sample-cost", "--skip-sampler-effect"),
                "leave nothing to run");
        assertOneLineUsageError(MainTest.run("bench", "hardware", "--gpu-backend", "cuda"),
                "--gpu-backend must be one of");
        assertOneLineUsageError(MainTest.run("bench", "hardware", "--samples", "many"), "'many' is not an int");
    }

    @Test
    void benchWithoutASubcommandPrintsItsUsage() {
        MainTest.Outcome o = MainTest.run("bench");
        assertThat(o.code()).isZero();
        assertThat(o.out()).contains("hardware");
    }
}

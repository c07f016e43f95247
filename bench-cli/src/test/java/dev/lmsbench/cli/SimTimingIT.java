package dev.lmsbench.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The measurement-truth check: the reported figures match the simulator's configured values. Tolerances from the
 * issue: median decode rate within 5%, median TTFT within 10 ms, for every model.
 */
class SimTimingIT {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} tok/s, {1} ms TTFT")
    @CsvSource({"40, 200, 24", "400, 20, 96"})
    void reportedMediansMatchTheSimulatorsConfiguredSpeed(double tokensPerSecond, double ttftMs, int maxTokens)
            throws Exception {
        Path out = dir.resolve("out");
        MainTest.Outcome o = MainTest.run("run", "--sim", "--sim-tokens-per-second", Double.toString(tokensPerSecond),
                "--sim-ttft-ms", Double.toString(ttftMs), "--runs", "3", "--max-tokens", Integer.toString(maxTokens),
                "--stream-only", "--output-dir", out.toString(), "--db", dir.resolve("c.db").toString());
        assertThat(o.code()).as(o.err()).isZero();
        JsonNode models = new ObjectMapper().readTree(out.resolve("results.json").toFile()).path("models");
        assertThat(models.size()).isGreaterThanOrEqualTo(3);
        for (JsonNode m : models) {
            String id = m.path("model").path("id").asText();
            JsonNode dist = m.path("distributions");
            double ttft = dist.path("ttft_s").path("p50").asDouble();
            double decode = dist.path("decode_toks_per_s").path("p50").asDouble();
            assertThat(ttft * 1000).as("median TTFT of %s in ms", id).isCloseTo(ttftMs, within(10.0));
            assertThat(decode).as("median decode tok/s of %s", id)
                    .isCloseTo(tokensPerSecond, within(tokensPerSecond * 0.05));
            assertThat(m.path("tokens_estimated").asBoolean()).isFalse();
        }
    }
}

package dev.lmsbench.cache;

import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.lmsbench.cache.Fixtures.QWEN;
import static org.assertj.core.api.Assertions.assertThat;

class JsonTest {

    @Test
    void writesNaNAsAStringAndInstantsAsIsoText() throws Exception {
        String json = Json.write(Fixtures.failedSummary(QWEN));

        assertThat(json)
                .contains("\"loadSeconds\":\"NaN\"")
                .contains("\"startedAt\":\"2026-11-25T14:46:30.123456789Z\"")
                .contains("\"status\":\"FAILED\"")
                .doesNotContain("\"empty\"");
    }

    @Test
    void readsBackEqualSummariesIncludingInfinity() throws Exception {
        List<RequestResult> requests = Fixtures.requests(QWEN, 11, true);
        ModelSummary s = Fixtures.summary(QWEN, requests, Double.POSITIVE_INFINITY);

        assertThat(Json.readSummary(Json.write(s))).isEqualTo(s);
    }

    @Test
    void ignoresPropertiesItDoesNotKnow() throws Exception {
        String json = Json.write(Fixtures.failedSummary(QWEN));
        String withExtra = "{\"addedLater\":{\"x\":1}," + json.substring(1);

        assertThat(Json.readSummary(withExtra)).isEqualTo(Fixtures.failedSummary(QWEN));
    }

    @Test
    void roundTripsTokenOffsets() throws Exception {
        long[] offsets = {0, 1, 9_000_000_000_000L};

        assertThat(Json.write(offsets)).isEqualTo("[0,1,9000000000000]");
        assertThat(Json.readLongs(Json.write(offsets))).containsExactly(offsets);
        assertThat(Json.readLongs("[]")).isEmpty();
    }

    @Test
    void readsTheSystemFiguresOfASummaryWrittenBeforeTheyExistedAsNaN() throws Exception {
        ModelSummary s = Fixtures.summary(QWEN, Fixtures.requests(QWEN, 12, false), 1.0);
        assertThat(s.systemOutputTokensPerSecond()).isPositive();
        com.fasterxml.jackson.databind.node.ObjectNode tree = (com.fasterxml.jackson.databind.node.ObjectNode)
                new com.fasterxml.jackson.databind.ObjectMapper().readTree(Json.write(s));
        tree.remove(List.of("systemOutputTokensPerSecond", "systemRequestsPerSecond"));
        String old = tree.toString();
        assertThat(old).doesNotContain("system");

        ModelSummary read = Json.readSummary(old);

        assertThat(read.systemOutputTokensPerSecond()).isNaN();
        assertThat(read.systemRequestsPerSecond()).isNaN();
    }
}

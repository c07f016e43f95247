package dev.lmsbench.web;

import dev.lmsbench.core.engine.BenchmarkController;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class JsonEncodingTest {

    private static final String HOSTILE = "evil/</script><img src=x onerror=alert(1)>\"'&\u2028@q4";
    private static final String ERROR = "line one\n</script>\u0000 \\ \"quoted\"";

    @Test
    void hostileModelIdsAndErrorsGoOutAsTheSameJsonStringsWithNoMarkupInTheBytes() throws Exception {
        ModelInfo model = new ModelInfo(HOSTILE, "llm", "", "<b>arch</b>", "Q4&Q5", 1_000_000_000L, 4096);
        ModelSummary summary = ModelSummary.of(model, BenchmarkSettings.defaults(), List.of(), RunStatus.FAILED,
                ERROR, Double.NaN, Instant.parse("2026-12-01T10:00:00Z"), Instant.parse("2026-12-01T10:00:01Z"));
        StoredResult stored = new StoredResult(1, RunInfo.start("http://127.0.0.1:1/v1", BenchmarkSettings.defaults(),
                "test"), summary);
        try (BenchWebServer server = BenchWebServer.builder().controller(new BenchmarkController())
                .starter(r -> {
                    throw new StartRequestException("unused", java.util.Map.of());
                })
                .results(() -> List.of(stored)).models(() -> List.of(model)).build().start()) {
            Api api = new Api(server.url());
            for (String path : List.of("/api/results", "/api/models", "/api/comparison/"
                    + URLEncoder.encode(HOSTILE, StandardCharsets.UTF_8).replace("+", "%20"))) {
                Api.Res r = api.get(path);
                assertThat(r.status()).as(path).isEqualTo(200);
                assertThat(r.raw()).as(path).doesNotContain("<").doesNotContain(">").doesNotContain("&")
                        .doesNotContain("\u2028");
                assertThat(r.body().findValuesAsText("model").isEmpty() ? r.body().findValuesAsText("id")
                        : r.body().findValuesAsText("model")).as(path).contains(HOSTILE);
            }
            Api.Res results = api.get("/api/results");
            assertThat(results.body().get("results").get(0).get("error").asText()).isEqualTo(ERROR);
            assertThat(results.body().get("results").get(0).get("architecture").asText()).isEqualTo("<b>arch</b>");
            assertThat(api.get("/api/comparison/x").raw()).contains("\"count\":0");
        }
    }
}

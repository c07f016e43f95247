package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sim's prompt cache over real HTTP: what it reports as cached and what that does to the time to first token. */
class SimPrefixCacheTest {

    private static final String MODEL = "sim/cached";
    /** 10 ms base TTFT plus 1 ms per processed prompt token. */
    private static final SimModel CACHED = new SimModel(MODEL, "llm", "sim", "", "", -1, -1, 10, 1_000, 1_000, 0,
            0, 4, true);

    private SimServer sim;
    private TestClient client;

    @BeforeEach
    void start() {
        sim = SimServer.start(SimConfig.defaults().withModels(List.of(CACHED)));
        client = new TestClient(sim.baseUrl());
    }

    @AfterEach
    void stop() {
        client.close();
        sim.close();
    }

    private JsonNode usage(String content, String extra) {
        String body = "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + content
                + "\"}],\"stream\":false" + (extra.isEmpty() ? "" : "," + extra) + "}";
        TestClient.Reply reply = client.post("/v1/chat/completions", body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().path("usage");
    }

    @Test
    void reportsTheReusedPrefixOfARepeatedPromptAsCachedTokensAndNothingForTheFirst() {
        JsonNode first = usage("Why is the sky blue?", "");
        JsonNode second = usage("Why is the sky blue?", "");
        assertThat(first.at("/prompt_tokens_details/cached_tokens").asInt()).isZero();
        assertThat(second.at("/prompt_tokens_details/cached_tokens").asInt())
                .isEqualTo(second.path("prompt_tokens").asInt() - 1);
    }

    @Test
    void aNonceAtTheStartOfThePromptLeavesOnlyTheTemplateHeadCached() {
        usage("0123456789abcdef lmsbench\\nWhy is the sky blue?", "");
        JsonNode next = usage("fedcba9876543210 lmsbench\\nWhy is the sky blue?", "");
        assertThat(next.at("/prompt_tokens_details/cached_tokens").asInt()).isEqualTo(PromptTokenizer.TEMPLATE_HEAD);
    }

    @Test
    void cachePromptFalseTurnsTheCacheOffForThatRequest() {
        usage("Why is the sky blue?", "");
        assertThat(usage("Why is the sky blue?", "\"cache_prompt\":false").at("/prompt_tokens_details/cached_tokens")
                .asInt()).isZero();
    }

    @Test
    void theTimeToFirstTokenCountsOnlyTheProcessedPromptTokens() {
        int prompt = 50;
        ResponsePlan uncached = ResponsePlan.create(CACHED, prompt, 0, -1, 1, 0, 0);
        ResponsePlan cached = ResponsePlan.create(CACHED, prompt, prompt - 1, -1, 1, 0, 0);
        assertThat(uncached.offsetsNanos()[0]).isEqualTo(Math.round(CACHED.ttftMs(prompt) * 1e6));
        assertThat(cached.offsetsNanos()[0]).isEqualTo(Math.round(CACHED.ttftMs(1) * 1e6));
        assertThat(cached.cachedTokens()).isEqualTo(prompt - 1);
    }
}

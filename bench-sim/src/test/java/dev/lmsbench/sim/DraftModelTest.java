package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Speculative decoding: {@code draft_model} on the OpenAI and v0 chat endpoints (LM Studio api-changelog 0.3.10).
 * The main model's {@code draft_acceptance_rate} sets the draft token counts and speeds decoding up by
 * {@code 1 + rate}.
 */
class DraftModelTest {

    /** 13 tokens at 100 tok/s, accepting 60 % of the draft's tokens. */
    private static final SimModel MAIN = SimModel.of("sim/main@q8_0", 5, 100, 13).withLoadMs(0)
            .withDraftAcceptanceRate(0.6);
    /** A small model used as the draft; it is never loaded. */
    private static final SimModel DRAFT = SimModel.of("sim/draft@q4_k_m", 5, 1_000, 13).withLoadMs(0);
    private static final String V0_CHAT = "/api/v0/chat/completions";
    private static final String DRAFTED = "\"draft_model\":\"" + DRAFT.id() + "\"";

    private static SimServer start(LmStudioQuirks quirks) {
        return SimServer.start(SimConfig.defaults().withModels(List.of(MAIN, DRAFT)).withQuirks(quirks));
    }

    @Test
    void v0StatsCarryTheDraftCountsAndTheFasterRate() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            JsonNode stats = client.post(V0_CHAT, TestClient.chat(MAIN.id(), false, DRAFTED)).json().path("stats");

            // 13 tokens: 12 drafted, round(12 x 0.6) = 7 accepted, 5 rejected
            assertThat(stats.path("draft_model").asText()).isEqualTo(DRAFT.id());
            assertThat(stats.path("total_draft_tokens_count").asInt()).isEqualTo(12);
            assertThat(stats.path("accepted_draft_tokens_count").asInt()).isEqualTo(7);
            assertThat(stats.path("rejected_draft_tokens_count").asInt()).isEqualTo(5);
            assertThat(stats.path("ignored_draft_tokens_count").asInt()).isZero();
            assertThat(stats.path("tokens_per_second").asDouble()).isEqualTo(160.0);
            long[] at = sim.sendLog().getLast().scheduledNanos();
            assertThat(at[1] - at[0]).as("1 / 160 s a token").isEqualTo(6_250_000L);
            assertThat(sim.loadedModels()).as("the draft takes no instance").extracting(LoadedModel::modelId)
                    .containsExactly(MAIN.id());

            JsonNode plain = client.post(V0_CHAT, TestClient.chat(MAIN.id(), false, "")).json().path("stats");
            assertThat(plain.has("draft_model")).isFalse();
            assertThat(plain.has("total_draft_tokens_count")).isFalse();
            assertThat(plain.path("tokens_per_second").asDouble()).isEqualTo(100.0);
            JsonNode one = client.post(V0_CHAT, TestClient.chat(MAIN.id(), false, DRAFTED + ",\"max_tokens\":1"))
                    .json().path("stats");
            assertThat(one.path("total_draft_tokens_count").asInt()).as("nothing drafted for one token").isZero();
        }
    }

    @Test
    void aStreamedV0AnswerCarriesDraftStatsOnlyWhenItCarriesStats() {
        try (SimServer sim = start(LmStudioQuirks.NONE); TestClient client = new TestClient(sim.baseUrl())) {
            List<TestClient.Event> events = client.stream(V0_CHAT, TestClient.chat(MAIN.id(), true, DRAFTED)).events();
            JsonNode finish = events.get(events.size() - 2).json();
            assertThat(finish.at("/stats/accepted_draft_tokens_count").asInt()).isEqualTo(7);
            assertThat(finish.at("/stats/draft_model").asText()).isEqualTo(DRAFT.id());
        }
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            List<TestClient.Event> events = client.stream(V0_CHAT, TestClient.chat(MAIN.id(), true, DRAFTED)).events();
            assertThat(events.get(events.size() - 2).json().has("stats")).as("no_v0_stream_stats").isFalse();
            long[] at = sim.sendLog().getLast().scheduledNanos();
            assertThat(at[1] - at[0]).as("still decoded faster").isEqualTo(6_250_000L);
        }
    }

    @Test
    void theOpenAiEndpointDecodesFasterWithADraftAndAnUnknownDraftIs404() {
        try (SimServer sim = start(LmStudioQuirks.ALL); TestClient client = new TestClient(sim.baseUrl())) {
            TestClient.Reply drafted = client.post("/v1/chat/completions", TestClient.chat(MAIN.id(), false, DRAFTED));
            assertThat(drafted.status()).isEqualTo(200);
            long[] at = sim.sendLog().getLast().scheduledNanos();
            assertThat(at[1] - at[0]).isEqualTo(6_250_000L);

            for (String path : List.of("/v1/chat/completions", V0_CHAT)) {
                TestClient.Reply missing = client.post(path, TestClient.chat(MAIN.id(), false,
                        "\"draft_model\":\"sim/no-such-draft\""));
                assertThat(missing.status()).as(path).isEqualTo(404);
                JsonNode error = missing.json().path("error");
                assertThat(error.path("code").asText()).isEqualTo("model_not_found");
                assertThat(error.path("param").asText()).isEqualTo("draft_model");
                assertThat(error.path("message").asText()).contains("sim/no-such-draft");
            }
            assertThat(client.post(V0_CHAT, TestClient.chat(MAIN.id(), false, "\"draft_model\":3")).status())
                    .isEqualTo(400);
        }
    }
}

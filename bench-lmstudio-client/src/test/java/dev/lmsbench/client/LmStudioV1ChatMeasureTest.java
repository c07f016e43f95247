package dev.lmsbench.client;

import dev.lmsbench.core.model.LoadConfig;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.sim.SimConfig;
import dev.lmsbench.sim.SimModel;
import dev.lmsbench.sim.SimServer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Measured requests through {@code POST /api/v1/chat} ({@link LmStudioClient.ChatApi#V1_CHAT}) against the
 * simulator: LM Studio's own figures on streamed answers too (which {@code /api/v0} streams lack), and the
 * prompt-processing time the stream's events mark.
 */
class LmStudioV1ChatMeasureTest {

    /** 120 ms to the first token, 200 tok/s, 30 tokens, no jitter: the simulator's configured truth. */
    private static final SimModel MODEL = SimModel.of("sim/v1", 120, 200, 30);

    private static InferenceRequest request(boolean stream) {
        return new InferenceRequest("sim/v1", "Say hello", 16, 0.0, stream, Duration.ofSeconds(20));
    }

    @Test
    void aStreamedTurnCarriesLmStudiosStatsAndThePromptProcessingTime() throws BackendException {
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL)));
             LmStudioClient client = LmStudioClient.builder(ClientConfig.of(sim.baseUrl()))
                     .chatApi(LmStudioClient.ChatApi.V1_CHAT).build()) {
            client.load(ModelInfo.named("sim/v1"), LoadConfig.DEFAULT);
            InferenceResult r = client.infer(request(true));

            ServerStats stats = r.serverStats();
            assertThat(stats.source()).isEqualTo("lmstudio.api.v1.chat.stats");
            assertThat(stats.timeToFirstTokenSeconds()).isEqualTo(0.120, within(1e-9));
            assertThat(stats.tokensPerSecond()).isEqualTo(200.0, within(1e-9));
            // prompt_processing.start when the model is ready, .end at the first token: most of the TTFT, never more
            assertThat(stats.promptSeconds()).isBetween(0.060, r.timings().ttftSeconds());
            assertThat(r.usage().completionTokens()).isEqualTo(16);
            assertThat(r.usage().estimated()).isFalse();
            assertThat(r.timings().ttftSeconds()).isBetween(0.115, 0.250);
            assertThat(client.server().kind()).isEqualTo("lmstudio-v1-chat");
            assertThat(sim.sendLog()).hasSize(1);
            client.unload(ModelInfo.named("sim/v1"));
        }
    }

    @Test
    void aNonStreamedTurnHasTheStatsButNoPromptTimeAndADraftModelGoesThroughV0() throws BackendException {
        SimModel draft = SimModel.of("sim/draft", 5, 500, 30);
        try (SimServer sim = SimServer.start(SimConfig.defaults().withModels(List.of(MODEL, draft)));
             LmStudioClient client = LmStudioClient.builder(ClientConfig.of(sim.baseUrl()))
                     .chatApi(LmStudioClient.ChatApi.V1_CHAT).build()) {
            client.load(ModelInfo.named("sim/v1"), LoadConfig.DEFAULT);
            InferenceResult whole = client.infer(request(false));
            InferenceResult drafted = client.infer(request(false).withDraftModel("sim/draft"));

            assertThat(whole.serverStats().source()).isEqualTo("lmstudio.api.v1.chat.stats");
            assertThat(whole.serverStats().promptSeconds()).isNaN();
            assertThat(drafted.serverStats().source()).isEqualTo(LmStudioClient.V0_STATS);
            assertThat(drafted.serverStats().draft().draftModel()).isEqualTo("sim/draft");
            client.unload(ModelInfo.named("sim/v1"));
        }
    }
}

package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import dev.lmsbench.core.model.Capability;
import dev.lmsbench.core.model.ModelInfo;
import org.junit.jupiter.api.Test;

class SimModelTest {

    private static SimModel model(double ttftMs, double tokensPerSecond, double promptTokensPerSecond) {
        return new SimModel("sim/m", "llm", "p", "llama", "Q4_K_M", 1_000, 4_096, ttftMs, tokensPerSecond,
                promptTokensPerSecond, 0.05, 0, 10, true);
    }

    @Test
    void addsPromptProcessingTimeToTtft() {
        assertThat(model(60, 95, 2_000).ttftMs(1_000)).isCloseTo(560.0, within(1e-9));
    }

    @Test
    void ignoresThePromptWhenThePromptRateIsNotPositive() {
        assertThat(model(60, 95, 0).ttftMs(1_000)).isEqualTo(60.0);
        assertThat(model(60, 95, -1).ttftMs(1_000)).isEqualTo(60.0);
    }

    @Test
    void fixingTtftDropsThePromptTerm() {
        SimModel fixed = model(60, 95, 2_000).withTtftMs(20);

        assertThat(fixed.ttftMs(5_000)).isEqualTo(20.0);
        assertThat(fixed.promptTokensPerSecond()).isZero();
        assertThat(fixed.tokensPerSecond()).isEqualTo(95.0);
    }

    @Test
    void overridingTheDecodeRateKeepsEverythingElse() {
        SimModel faster = model(60, 95, 2_000).withTokensPerSecond(400);

        assertThat(faster.tokensPerSecond()).isEqualTo(400.0);
        assertThat(faster.ttftMs(1_000)).isCloseTo(560.0, within(1e-9));
    }

    @Test
    void rejectsNonPositiveDecodeRateNamingTheField() {
        assertThatIllegalArgumentException().isThrownBy(() -> model(60, 0, 0))
                .withMessageStartingWith("tokensPerSecond");
        assertThatIllegalArgumentException().isThrownBy(() -> model(60, Double.NaN, 0))
                .withMessageStartingWith("tokensPerSecond");
    }

    @Test
    void rejectsNegativeTtftAndJitterOutsideZeroToOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> model(-1, 10, 0)).withMessageStartingWith("ttftMs");
        assertThatIllegalArgumentException().isThrownBy(() -> model(10, 10, 0).withJitterFraction(1.5))
                .withMessageStartingWith("jitterFraction");
    }

    @Test
    void rejectsAResponseNoLongerThanItsReasoning() {
        assertThatIllegalArgumentException().isThrownBy(() -> model(10, 10, 0).withTokens(24, 24))
                .withMessageStartingWith("responseTokens");
    }

    @Test
    void defaultsTypeToLlmAndAbsentStringsToEmpty() {
        SimModel model = new SimModel("sim/m", null, null, null, null, -1, -1, 0, 1, 0, 0, 0, 1, false);

        assertThat(model.type()).isEqualTo("llm");
        assertThat(model.publisher()).isEmpty();
        assertThat(model.quantization()).isEmpty();
    }

    @Test
    void describesItselfAsACoreModelInfo() {
        assertThat(model(60, 95, 0).toModelInfo())
                .isEqualTo(new ModelInfo("sim/m", "llm", "p", "llama", "Q4_K_M", 1_000, 4_096));
    }

    @Test
    void fillsParamsAndCapabilitiesOfTheCoreModelInfo() {
        SimModel model = model(60, 95, 0).withTokens(4, 10).withNativeMetadata("gguf", "8B", true, true);

        ModelInfo info = model.toModelInfo();

        assertThat(info.params()).isEqualTo("8B");
        assertThat(info.capabilities()).containsExactly(Capability.VISION, Capability.TOOL_USE, Capability.REASONING);
    }

    @Test
    void loadsOneSecondPerFourGigabytesAtMostTenSecondsAndInstantlyWhenTheSizeIsUnknown() {
        assertThat(SimModel.defaultLoadMs(8_000_000_000L)).isEqualTo(2_000);
        assertThat(SimModel.defaultLoadMs(100_000_000_000L)).isEqualTo(SimModel.MAX_DEFAULT_LOAD_MS);
        assertThat(SimModel.defaultLoadMs(-1)).isZero();
        assertThat(new SimModel("sim/m", "llm", "", "", "", 4_000_000_000L, -1, 0, 1, 0, 0, 0, 1, true).loadMs())
                .isEqualTo(1_000);
        assertThat(model(60, 95, 0).withLoadMs(0).loadMs()).isZero();
    }

    @Test
    void estimatesMemoryAsTheFilePlusTenPercentPlusTheKvCacheOfTheContextUnlessConfigured() {
        SimModel model = new SimModel("sim/m", "llm", "", "", "", 1_000_000_000L, 8_192, 0, 1, 0, 0, 0, 1, true);

        assertThat(model.memoryBytes(4_096)).isEqualTo(1_100_000_000L + 4_096 * SimModel.KV_CACHE_BYTES_PER_TOKEN);
        assertThat(model.memoryBytes(8_192)).isGreaterThan(model.memoryBytes(4_096));
        assertThat(model.withMemoryBytes(5).memoryBytes(8_192)).isEqualTo(5);
        assertThat(model.defaultContextLength()).isEqualTo(4_096);
    }

    @Test
    void treatsAVlmAsAVisionModelAndRejectsAnUnknownFormatOrANegativeFaultCount() {
        assertThat(new SimModel("sim/v", "vlm", "", "", "", -1, -1, 0, 1, 0, 0, 0, 1, true).vision()).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> model(1, 1, 0).withNativeMetadata("onnx", "", false,
                false)).withMessageStartingWith("format");
        assertThatIllegalArgumentException().isThrownBy(() -> model(1, 1, 0).withFailFirstRequestsWithModelUnloaded(-1))
                .withMessageStartingWith("failFirstRequestsWithModelUnloaded");
        assertThat(model(1, 1, 0).capabilities()).isEmpty();
    }
}

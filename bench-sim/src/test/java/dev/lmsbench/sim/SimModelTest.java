package dev.lmsbench.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

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
}

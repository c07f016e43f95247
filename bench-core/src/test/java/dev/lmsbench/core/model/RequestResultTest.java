package dev.lmsbench.core.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class RequestResultTest {

    private static final long MS = 1_000_000L;

    /** 11 token chunks 25 ms apart starting at 200 ms; done 10 ms after the last. */
    static RequestTimings streamTimings() {
        long[] tokens = new long[11];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = 200 * MS + i * 25 * MS;
        }
        return new RequestTimings(42, 5 * MS, 6 * MS, 200 * MS, 300 * MS, 450 * MS, 460 * MS, tokens);
    }

    static RequestResult stream(TokenUsage usage) {
        return new RequestResult("m", 4096, 1, 0, false, RunMode.STREAM, Instant.EPOCH, streamTimings(), usage,
                "stop", "");
    }

    @Test
    void ttftIsTheFirstTokenChunkIncludingReasoning() {
        RequestResult r = stream(TokenUsage.reported(50, 11, 4));
        assertThat(r.ttftSeconds()).isCloseTo(0.200, within(1e-9));
        assertThat(r.firstContentSeconds()).isCloseTo(0.300, within(1e-9));
    }

    @Test
    void decodeRateExcludesTheFirstToken() {
        // (11 - 1) tokens over 250 ms = 40 tok/s
        assertThat(stream(TokenUsage.reported(50, 11, 0)).decodeTokensPerSecond()).isCloseTo(40.0, within(1e-9));
    }

    @Test
    void prefillRateIsPromptTokensOverTtft() {
        assertThat(stream(TokenUsage.reported(50, 11, 0)).prefillTokensPerSecond()).isCloseTo(250.0, within(1e-9));
    }

    @Test
    void prefillRateCountsOnlyThePromptTokensTheServerProcessedWhenItSaysHowManyWereCached() {
        // 50 prompt tokens, 40 from the cache: 10 processed in 200 ms
        RequestResult r = stream(TokenUsage.reported(50, 11, 0, 40));
        assertThat(r.prefillTokensPerSecond()).isCloseTo(50.0, within(1e-9));
        assertThat(r.usage().processedPromptTokens()).isEqualTo(10);
        assertThat(r.usage().promptCacheKnown()).isTrue();
    }

    @Test
    void prefillRateCountsEveryPromptTokenWhenTheCacheStateIsUnknown() {
        RequestResult r = stream(TokenUsage.reported(50, 11, 0, TokenUsage.UNKNOWN));
        assertThat(r.usage().promptCacheKnown()).isFalse();
        assertThat(r.prefillTokensPerSecond()).isCloseTo(250.0, within(1e-9));
    }

    @Test
    void cachedPromptTokensMustBeUnknownOrWithinThePrompt() {
        assertThat(TokenUsage.reported(5, 1, 0, 0).processedPromptTokens()).isEqualTo(5);
        assertThat(TokenUsage.reported(5, 1, 0, 5).processedPromptTokens()).isZero();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TokenUsage.reported(5, 1, 0, 6))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> TokenUsage.reported(5, 1, 0, -2))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void tpotFollowsVllmDefinition() {
        // (0.460 - 0.200) / 10
        assertThat(stream(TokenUsage.reported(50, 11, 0)).tpotSeconds()).isCloseTo(0.026, within(1e-12));
    }

    @Test
    void completionRatesSplitReasoningAndVisibleOverWallTime() {
        RequestResult r = stream(TokenUsage.reported(50, 11, 4));
        assertThat(r.completionTokensPerSecond()).isCloseTo(11 / 0.46, within(1e-9));
        assertThat(r.reasoningTokensPerSecond()).isCloseTo(4 / 0.46, within(1e-9));
        assertThat(r.visibleTokensPerSecond()).isCloseTo(7 / 0.46, within(1e-9));
    }

    @Test
    void nonStreamingRequestsHaveNoTokenTimings() {
        RequestTimings t = new RequestTimings(0, 5 * MS, 400 * MS, RequestTimings.ABSENT, RequestTimings.ABSENT,
                RequestTimings.ABSENT, 400 * MS, null);
        RequestResult r = new RequestResult("m", 0, 1, 0, false, RunMode.NONSTREAM, Instant.EPOCH, t,
                TokenUsage.reported(10, 20, 0), "stop", "");
        assertThat(r.ttftSeconds()).isNaN();
        assertThat(r.decodeTokensPerSecond()).isNaN();
        assertThat(r.prefillTokensPerSecond()).isNaN();
        assertThat(r.completionTokensPerSecond()).isCloseTo(50.0, within(1e-9));
    }

    @Test
    void failedRequestsHaveNoFigures() {
        RequestResult r = new RequestResult("m", 0, 1, 0, false, RunMode.STREAM, Instant.EPOCH, streamTimings(),
                TokenUsage.reported(50, 11, 0), "", "HTTP 500");
        assertThat(r.success()).isFalse();
        assertThat(r.ttftSeconds()).isNaN();
        assertThat(r.decodeTokensPerSecond()).isNaN();
        assertThat(r.completionTokensPerSecond()).isNaN();
    }

    @Test
    void interTokenLatenciesAreTheGapsBetweenChunks() {
        double[] gaps = streamTimings().interTokenSeconds();
        assertThat(gaps).hasSize(10);
        assertThat(gaps[0]).isCloseTo(0.025, within(1e-12));
    }
}

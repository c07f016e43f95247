package dev.lmsbench.core.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ModelSummaryTest {

    private static final ModelInfo MODEL = ModelInfo.named("m");
    private static final BenchmarkSettings SETTINGS = BenchmarkSettings.defaults().withRuns(2);

    private static RequestResult req(int idx, boolean warmup, RunMode mode, long ttftMs, String error,
                                     boolean estimated) {
        long ms = 1_000_000L;
        RequestTimings t = mode == RunMode.STREAM
                ? new RequestTimings(0, ms, ms, ttftMs * ms, ttftMs * ms, (ttftMs + 90) * ms, (ttftMs + 100) * ms,
                new long[]{ttftMs * ms, (ttftMs + 90) * ms})
                : new RequestTimings(0, ms, 500 * ms, -1, -1, -1, 500 * ms, null);
        TokenUsage u = new TokenUsage(20, 10, 0, estimated);
        return new RequestResult("m", 4096, 1, idx, warmup, mode, Instant.EPOCH, t, u, "stop", error);
    }

    private static ModelSummary summarize(List<RequestResult> rs) {
        return ModelSummary.of(MODEL, SETTINGS, rs, RunStatus.COMPLETED, "", 1.5, Instant.EPOCH, Instant.EPOCH);
    }

    @Test
    void distributionsCoverMeasuredStreamingRequestsOnly() {
        List<RequestResult> rs = List.of(
                req(0, true, RunMode.STREAM, 900, "", false),
                req(0, false, RunMode.STREAM, 100, "", false),
                req(0, false, RunMode.NONSTREAM, 0, "", false),
                req(1, false, RunMode.STREAM, 300, "", false),
                req(1, false, RunMode.NONSTREAM, 0, "", false));
        ModelSummary s = summarize(rs);
        assertThat(s.ttft().count()).isEqualTo(2);
        assertThat(s.ttft().p50()).isCloseTo(0.2, within(1e-9));
        assertThat(s.requestCount()).isEqualTo(2);
        assertThat(s.successCount()).isEqualTo(2);
        assertThat(s.tokens().completion()).isEqualTo(40);
        assertThat(s.warmup().firstTtftSeconds()).isCloseTo(0.9, within(1e-9));
        assertThat(s.loadSeconds()).isEqualTo(1.5);
    }

    @Test
    void aLogicalRequestFailsWhenItsNonStreamingCallFails() {
        List<RequestResult> rs = List.of(
                req(0, false, RunMode.STREAM, 100, "", false),
                req(0, false, RunMode.NONSTREAM, 0, "HTTP 500", false),
                req(1, false, RunMode.STREAM, 100, "", false),
                req(1, false, RunMode.NONSTREAM, 0, "", false));
        ModelSummary s = summarize(rs);
        assertThat(s.successCount()).isEqualTo(1);
        assertThat(s.errorCount()).isEqualTo(1);
    }

    @Test
    void totalsAggregateTokensOverWallTimePerMode() {
        List<RequestResult> rs = List.of(
                req(0, false, RunMode.STREAM, 100, "", false),
                req(0, false, RunMode.NONSTREAM, 0, "", false));
        ModelSummary s = summarize(rs);
        assertThat(s.streamTokensPerSecondTotal()).isCloseTo(10 / 0.2, within(1e-9));
        assertThat(s.nonStreamTokensPerSecondTotal()).isCloseTo(10 / 0.5, within(1e-9));
        assertThat(s.completionTokensPerSecondTotal()).isCloseTo((50 + 20) / 2.0, within(1e-9));
    }

    @Test
    void tokenTotalsSumCachedPromptTokensAndCountTheMeasuredRequestsWhoseCacheStateIsUnknown() {
        RequestResult cached = req(0, false, RunMode.STREAM, 100, "", false);
        cached = new RequestResult("m", 4096, 1, 0, false, RunMode.STREAM, Instant.EPOCH, cached.timings(),
                TokenUsage.reported(20, 10, 0, 15), "stop", "");
        RequestResult warmupCached = new RequestResult("m", 4096, 1, 0, true, RunMode.STREAM, Instant.EPOCH,
                cached.timings(), TokenUsage.reported(20, 10, 0, 19), "stop", "");
        List<RequestResult> rs = List.of(warmupCached, cached, req(0, false, RunMode.NONSTREAM, 0, "", false),
                req(1, false, RunMode.STREAM, 100, "HTTP 500", false));
        ModelSummary.TokenTotals t = summarize(rs).tokens();
        assertThat(t.promptCached()).isEqualTo(15);
        assertThat(t.promptCacheUnknown()).isEqualTo(1);
        assertThat(t.promptCacheKnown()).isFalse();
        assertThat(summarize(List.of(cached)).tokens().promptCacheKnown()).isTrue();
    }

    @Test
    void serverPromptFiguresAreDistributedOverMeasuredStreamingRequests() {
        RequestResult plain = req(0, false, RunMode.STREAM, 100, "", false);
        ServerStats timings = new ServerStats(40, Double.NaN, 0.5, "", ServerStats.LLAMA_CPP_TIMINGS, 480, 0.0625,
                30, 1, 20);
        RequestResult withStats = new RequestResult("m", 4096, 1, 1, false, RunMode.STREAM, Instant.EPOCH,
                plain.timings(), plain.usage(), "stop", "", timings);
        ModelSummary s = summarize(List.of(plain, withStats));
        assertThat(s.serverPromptTokensPerSecond().count()).isEqualTo(1);
        assertThat(s.serverPromptTokensPerSecond().p50()).isEqualTo(480.0);
        assertThat(s.serverPromptSeconds().p50()).isEqualTo(0.0625);
        assertThat(s.serverTokensPerSecond().p50()).isEqualTo(40.0);
    }

    @Test
    void anyEstimatedCountMarksTheSummaryEstimated() {
        List<RequestResult> rs = new ArrayList<>(List.of(req(0, false, RunMode.STREAM, 100, "", false)));
        assertThat(summarize(rs).tokens().estimated()).isFalse();
        rs.add(req(0, false, RunMode.NONSTREAM, 0, "", true));
        assertThat(summarize(rs).tokens().estimated()).isTrue();
    }

    @Test
    void warmupLoadEstimateIsFirstMinusMeanOfTheRest() {
        WarmupStats w = WarmupStats.of(List.of(
                req(0, true, RunMode.STREAM, 1000, "", false),
                req(1, true, RunMode.STREAM, 200, "", false),
                req(2, true, RunMode.STREAM, 400, "", false)));
        assertThat(w.count()).isEqualTo(3);
        assertThat(w.subsequentTtftSeconds()).isCloseTo(0.3, within(1e-9));
        assertThat(w.loadEstimateSeconds()).isCloseTo(0.7, within(1e-9));
    }

    /** A measured call sent {@code sentMs} after time 0 and ending {@code durationMs} later. */
    private static RequestResult call(int idx, RunMode mode, long sentMs, long durationMs, ErrorType error) {
        long ms = 1_000_000L;
        RequestTimings t = error == ErrorType.NONE
                ? new RequestTimings(sentMs * ms, ms, ms, -1, -1, -1, durationMs * ms, null)
                : RequestTimings.failed(sentMs * ms, durationMs * ms);
        TokenUsage u = error == ErrorType.NONE ? new TokenUsage(20, 10, 0, false) : TokenUsage.reported(0, 0, 0);
        return new RequestResult("m", 4096, 4, idx, false, mode, Instant.EPOCH, t, u, "",
                error == ErrorType.NONE ? "" : "failed", ServerStats.NONE, error,
                error == ErrorType.HTTP_STATUS ? 500 : -1);
    }

    @Test
    void theStreamTotalCountsTheTimeCallsOverlapOnceAndAddsTheWallsOfSequentialOnes() {
        // two batches of two calls in flight together (1 s each, 10 ms apart), 2 s apart: 1.01 s busy per batch
        List<RequestResult> parallel = List.of(
                call(0, RunMode.STREAM, 0, 1000, ErrorType.NONE),
                call(1, RunMode.STREAM, 10, 1000, ErrorType.NONE),
                call(2, RunMode.STREAM, 2000, 1000, ErrorType.NONE),
                call(3, RunMode.STREAM, 2010, 1000, ErrorType.NONE));
        ModelSummary s = ModelSummary.of(ModelInfo.named("m"), BenchmarkSettings.defaults().withParallel(2),
                parallel, RunStatus.COMPLETED, "", Double.NaN, Instant.EPOCH, Instant.EPOCH);
        assertThat(s.streamTokensPerSecondTotal()).isCloseTo(40 / 2.02, within(1e-6));
        // one at a time: the walls add up
        List<RequestResult> sequential = List.of(
                call(0, RunMode.STREAM, 0, 1000, ErrorType.NONE),
                call(1, RunMode.STREAM, 1000, 1000, ErrorType.NONE));
        ModelSummary one = ModelSummary.of(ModelInfo.named("m"), BenchmarkSettings.defaults(), sequential,
                RunStatus.COMPLETED, "", Double.NaN, Instant.EPOCH, Instant.EPOCH);
        assertThat(one.streamTokensPerSecondTotal()).isCloseTo(20 / 2.0, within(1e-6));
    }

    @Test
    void systemThroughputDividesSuccessfulOutputByTheWindowFromTheFirstSendToTheLastEnd() {
        List<RequestResult> rs = List.of(
                call(0, RunMode.STREAM, 0, 1000, ErrorType.NONE),
                call(1, RunMode.STREAM, 10, 1000, ErrorType.NONE),
                call(2, RunMode.STREAM, 20, 1000, ErrorType.NONE),
                call(3, RunMode.STREAM, 30, 1000, ErrorType.NONE),
                call(0, RunMode.NONSTREAM, 1100, 500, ErrorType.NONE),
                // a failed call adds to the window, not to the output
                call(1, RunMode.NONSTREAM, 1700, 100, ErrorType.TIMEOUT));
        ModelSummary s = summarize(rs);
        assertThat(s.systemOutputTokensPerSecond()).isCloseTo(50 / 1.8, within(1e-9));
        assertThat(s.systemRequestsPerSecond()).isCloseTo(5 / 1.8, within(1e-9));
    }

    @Test
    void systemThroughputIgnoresWarmupsAndIsUndefinedWithoutASuccessfulMeasuredCall() {
        List<RequestResult> rs = List.of(
                req(0, true, RunMode.STREAM, 100, "", false),
                call(0, RunMode.STREAM, 0, 1000, ErrorType.TIMEOUT));
        ModelSummary s = summarize(rs);
        assertThat(s.systemOutputTokensPerSecond()).isNaN();
        assertThat(s.systemRequestsPerSecond()).isNaN();
        assertThat(summarize(List.of()).systemOutputTokensPerSecond()).isNaN();
    }

    @Test
    void errorsByTypeCountsFailedMeasuredCallsPerTypeInEnumOrderAndIsImmutable() {
        List<RequestResult> rs = List.of(
                req(0, true, RunMode.STREAM, 100, "warmup failed", false),
                call(0, RunMode.STREAM, 0, 10, ErrorType.TIMEOUT),
                call(0, RunMode.NONSTREAM, 0, 10, ErrorType.CONNECT),
                call(1, RunMode.STREAM, 0, 10, ErrorType.TIMEOUT),
                call(1, RunMode.NONSTREAM, 0, 10, ErrorType.NONE));
        ModelSummary s = summarize(rs);
        assertThat(s.errorsByType()).containsExactly(Map.entry(ErrorType.CONNECT, 1), Map.entry(ErrorType.TIMEOUT, 2));
        assertThatThrownBy(() -> s.errorsByType().put(ErrorType.CLIENT, 1))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThat(ModelSummary.dominantErrorType(s.errorsByType())).isEqualTo(ErrorType.TIMEOUT);
        assertThat(ModelSummary.dominantErrorType(Map.of(ErrorType.TIMEOUT, 1, ErrorType.CONNECT, 1)))
                .as("a tie goes to the type first in enum order").isEqualTo(ErrorType.CONNECT);
        assertThat(ModelSummary.dominantErrorType(Map.of())).isEqualTo(ErrorType.NONE);
    }

    @Test
    void theModelErrorTypeIsGivenOrDerivedFromTheDominantFailure() {
        List<RequestResult> rs = List.of(
                call(0, RunMode.STREAM, 0, 10, ErrorType.HTTP_STATUS),
                call(1, RunMode.STREAM, 0, 10, ErrorType.HTTP_STATUS),
                call(1, RunMode.NONSTREAM, 0, 10, ErrorType.TIMEOUT));
        assertThat(ModelSummary.of(MODEL, SETTINGS, rs, RunStatus.FAILED, "every measured request failed", 1.5,
                Instant.EPOCH, Instant.EPOCH).errorType()).isEqualTo(ErrorType.HTTP_STATUS);
        assertThat(ModelSummary.of(MODEL, SETTINGS, rs, RunStatus.FAILED, "load failed: x", ErrorType.CONNECT,
                Double.NaN, Instant.EPOCH, Instant.EPOCH, List.of()).errorType()).isEqualTo(ErrorType.CONNECT);
        assertThat(ModelSummary.of(MODEL, SETTINGS, rs, RunStatus.CANCELLED, "cancelled by user", 1.5,
                Instant.EPOCH, Instant.EPOCH).errorType()).isEqualTo(ErrorType.CANCELLED);
        assertThat(ModelSummary.of(MODEL, SETTINGS, List.of(), RunStatus.FAILED, "load failed: x", 1.5,
                Instant.EPOCH, Instant.EPOCH).errorType()).isEqualTo(ErrorType.UNKNOWN);
        assertThat(summarize(rs).errorType()).isEqualTo(ErrorType.NONE);
    }

    @Test
    void copiesKeepTheErrorTypesAndSystemFigures() {
        List<RequestResult> rs = List.of(
                call(0, RunMode.STREAM, 0, 1000, ErrorType.NONE),
                call(1, RunMode.STREAM, 0, 10, ErrorType.TIMEOUT));
        ModelSummary s = ModelSummary.of(MODEL, SETTINGS, rs, RunStatus.COMPLETED, "", ErrorType.NONE, 1.5,
                Instant.EPOCH, Instant.EPOCH, List.of());
        for (ModelSummary copy : List.of(s.asCached(), s.withSideMetrics(List.of()), s.withHardwareSamples(List.of()))) {
            assertThat(copy.errorType()).isEqualTo(s.errorType());
            assertThat(copy.errorsByType()).isEqualTo(Map.of(ErrorType.TIMEOUT, 1));
            assertThat(copy.systemOutputTokensPerSecond()).isEqualTo(10.0);
            assertThat(copy.systemRequestsPerSecond()).isEqualTo(1.0);
        }
    }
}

package dev.lmsbench.core.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
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
}

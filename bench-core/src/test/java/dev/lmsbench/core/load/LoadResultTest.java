package dev.lmsbench.core.load;

import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.RunMode;
import dev.lmsbench.core.model.ServerStats;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadResultTest {

    private static final long MS = 1_000_000L;
    private static final long T = 5_000_000_000L;

    /** A workload that is never started: LoadResult only reads its description. */
    static final Workload NAMED = new Workload() {
        @Override public String name() { return "random"; }
        @Override public Map<String, String> parameters() { return Map.of("input_len", "100"); }
        @Override public TokenCountSource lengthSource() { return TokenCountSource.ESTIMATE; }
        @Override public Session start(long seed) { throw new UnsupportedOperationException(); }
    };

    private static RequestResult ok(int index, long sentMs, long ttftMs, long e2eMs, int completion) {
        RequestTimings t = new RequestTimings(T + sentMs * MS, MS, MS, ttftMs * MS, ttftMs * MS,
                completion > 1 ? (e2eMs - 1) * MS : ttftMs * MS, e2eMs * MS,
                completion > 1 ? new long[] {ttftMs * MS, (e2eMs - 1) * MS} : new long[] {ttftMs * MS});
        return new RequestResult("m", 0, 1, index, false, RunMode.STREAM, Instant.EPOCH, t,
                TokenUsage.reported(100, completion, 0), "stop", "", ServerStats.NONE, ErrorType.NONE, -1);
    }

    private static RequestResult failed(int index, long sentMs, long endMs) {
        return new RequestResult("m", 0, 1, index, false, RunMode.STREAM, Instant.EPOCH,
                RequestTimings.failed(T + sentMs * MS, endMs * MS), TokenUsage.reported(0, 0, 0), "", "HTTP 503",
                ServerStats.NONE, ErrorType.HTTP_STATUS, 503);
    }

    private static List<LoadSample> samples(List<RequestResult> rs, long lateMs) {
        List<LoadSample> out = new ArrayList<>();
        for (RequestResult r : rs) {
            out.add(new LoadSample(r.index(), r.timings().sentNanos() - lateMs * MS, 0, r.timings().sentNanos(), 1,
                    "", 0));
        }
        return out;
    }

    private static LoadSpec spec(Slo slo) {
        return new LoadSpec(new ArrivalPattern.ConstantRate(10), NAMED, 5, Duration.ZERO, Duration.ZERO,
                Duration.ZERO, 0, 1, null, slo);
    }

    /**
     * Worked by hand: sends at 0, 100, 200, 300, 400 ms; the last measured request ends at 1000 ms, so the duration
     * is 1.0 s. TPOTs: (1000-100)/9 = 100, (600-150)/9 = 50, (800-300)/10 = 50, none (one token). Under ttft:200
     * tpot:50 the good ones are #1 (150 ms, 50 ms) and #3 (50 ms, no TPOT): goodput 2 requests/s.
     */
    private static List<RequestResult> handWorked() {
        List<RequestResult> rs = new ArrayList<>();
        rs.add(ok(0, 0, 100, 1000, 10));
        rs.add(ok(1, 100, 150, 600, 10));
        rs.add(ok(2, 200, 300, 800, 11));
        rs.add(ok(3, 300, 50, 400, 1));
        rs.add(failed(4, 400, 50));
        return rs;
    }

    @Test
    void goodputCountsTheCompletedRequestsWithinEveryObjectivePerSecondOfTheStage() {
        LoadResult r = LoadResult.compute(spec(Slo.parse("ttft:200 tpot:50")), handWorked(),
                samples(handWorked(), 0), new double[] {5, 10}, Map.of());
        assertThat(r.durationSeconds()).isCloseTo(1.0, within(1e-12));
        assertThat(r.goodRequests()).isEqualTo(2);
        assertThat(r.goodput()).isCloseTo(2.0, within(1e-12));
        assertThat(r.goodFraction()).isCloseTo(0.5, within(1e-12));
        assertThat(r.completed()).isEqualTo(4);
        assertThat(r.failed()).isEqualTo(1);
        assertThat(r.errors()).containsExactly(Map.entry(ErrorType.HTTP_STATUS, 1));
    }

    @Test
    void throughputIsWhatTheCompletedRequestsDidOverTheStagesDuration() {
        LoadResult r = LoadResult.compute(spec(Slo.NONE), handWorked(), samples(handWorked(), 0),
                new double[] {Double.NaN, Double.NaN}, Map.of());
        assertThat(r.requestThroughput()).isCloseTo(4.0, within(1e-12));
        assertThat(r.outputTokens()).isEqualTo(32);
        assertThat(r.outputThroughput()).isCloseTo(32.0, within(1e-12));
        assertThat(r.inputTokens()).isEqualTo(400);
        assertThat(r.totalTokenThroughput()).isCloseTo(432.0, within(1e-12));
        assertThat(r.achievedRate()).isCloseTo(10.0, within(1e-9)); // 4 gaps over 0.4 s
        assertThat(r.goodRequests()).isEqualTo(-1);
        assertThat(r.goodput()).isNaN();
        assertThat(r.tpotMs().mean()).isCloseTo((100 + 50 + 50) / 3.0, within(1e-9));
        assertThat(r.ttftMs().median()).isCloseTo(125.0, within(1e-9));
        assertThat(r.e2eMs().max()).isCloseTo(1000.0, within(1e-9));
        // one gap per multi-token request: 899, 449, 499 ms
        assertThat(r.itlMs().count()).isEqualTo(3);
        assertThat(r.itlMs().mean()).isCloseTo((899 + 449 + 499) / 3.0, within(1e-9));
        assertThat(r.cachedPromptTokens()).isEqualTo(-1); // no request said what it took from the cache
    }

    @Test
    void aReasoningModelsTimeToFirstContentIsLaterThanItsTimeToFirstToken() {
        List<RequestResult> rs = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            // thinking from 100 ms, the visible answer from 400 ms
            RequestTimings t = new RequestTimings(T + i * 100 * MS, MS, MS, 100 * MS, 400 * MS, 900 * MS,
                    1000 * MS, new long[] {100 * MS, 400 * MS, 900 * MS});
            rs.add(new RequestResult("m", 0, 1, i, false, RunMode.STREAM, Instant.EPOCH, t,
                    TokenUsage.reported(100, 10, 4), "stop", "", ServerStats.NONE, ErrorType.NONE, -1));
        }
        LoadResult r = LoadResult.compute(spec(Slo.NONE), rs, samples(rs, 0), new double[0], Map.of());
        assertThat(r.ttftMs().median()).isCloseTo(100.0, within(1e-9));
        assertThat(r.ttfcMs().median()).isCloseTo(400.0, within(1e-9));
        assertThat(r.ttfcMs().count()).isEqualTo(3);
    }

    @Test
    void warmupAndCooldownRequestsAreSentButNotCounted() {
        List<RequestResult> rs = handWorked();
        rs.set(0, rs.get(0).withWarmup(true));
        LoadResult r = LoadResult.compute(spec(Slo.NONE), rs, samples(rs, 0), new double[0], Map.of());
        assertThat(r.sent()).isEqualTo(5);
        assertThat(r.measured()).isEqualTo(4);
        assertThat(r.completed()).isEqualTo(3);
        // from the first measured send (100 ms) to the last measured end (200 + 800 ms)
        assertThat(r.durationSeconds()).isCloseTo(0.9, within(1e-12));
    }

    @Test
    void sendsThatLeaveLateWarnThatTheFiguresAreTheClients() {
        LoadResult late = LoadResult.compute(spec(Slo.NONE), handWorked(), samples(handWorked(), 25),
                new double[] {20, 30}, Map.of());
        assertThat(late.generator().sendLagMs().percentile(99)).isCloseTo(25.0, within(1e-9));
        assertThat(late.generator().warnings()).singleElement().asString()
                .contains("client overloaded").contains("25.0 ms late at p99");
        LoadResult onTime = LoadResult.compute(spec(Slo.NONE), handWorked(), samples(handWorked(), 1),
                new double[] {20, 30}, Map.of());
        assertThat(onTime.generator().healthy()).isTrue();
    }

    @Test
    void aBusyCpuWarnsEvenWhenSendsWereOnTime() {
        LoadResult hot = LoadResult.compute(spec(Slo.NONE), handWorked(), samples(handWorked(), 0),
                new double[] {97, 99}, Map.of());
        assertThat(hot.generator().warnings()).singleElement().asString().contains("97 % of the CPU");
        LoadResult busyMachine = LoadResult.compute(spec(Slo.NONE), handWorked(), samples(handWorked(), 0),
                new double[] {30, 96}, Map.of());
        assertThat(busyMachine.generator().warnings()).singleElement().asString()
                .contains("machine overloaded");
    }
}

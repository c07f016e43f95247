package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.load.ArrivalPattern;
import dev.lmsbench.core.load.LoadResult;
import dev.lmsbench.core.load.LoadSpec;
import dev.lmsbench.core.load.Slo;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.TokenCountSource;
import dev.lmsbench.core.spi.Workload;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkEngineLoadTest {

    private static final ModelInfo A = ModelInfo.named("a");
    private static final long MS = 1_000_000L;

    private final FakeBackend backend = new FakeBackend();
    private final List<BenchmarkEvent> events = Collections.synchronizedList(new ArrayList<>());

    /** Numbered prompts; records the answers it is given. */
    static final class Counting implements Workload {
        final List<String> answers = Collections.synchronizedList(new ArrayList<>());
        final AtomicInteger started = new AtomicInteger();

        @Override public String name() { return "counting"; }
        @Override public Map<String, String> parameters() { return Map.of("k", "v"); }
        @Override public TokenCountSource lengthSource() { return TokenCountSource.ESTIMATE; }

        @Override
        public Session start(long seed) {
            started.incrementAndGet();
            return new Session() {
                int n;

                @Override
                public Request next() {
                    int i = n++;
                    return new Request("prompt " + i, 8, "c" + (i % 2), i / 2, 2);
                }

                @Override
                public void answered(Request request, String answer, boolean success) {
                    answers.add(request.prompt() + " -> " + answer + (success ? "" : " (failed)"));
                }
            };
        }
    }

    private final Counting workload = new Counting();

    private LoadSpec spec(ArrivalPattern pattern, int n) {
        return new LoadSpec(pattern, workload, n, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0, 1, null,
                Slo.NONE);
    }

    private BenchmarkReport run(LoadSpec... stages) {
        List<SweepPlan.Job> jobs = new ArrayList<>();
        for (LoadSpec s : stages) {
            jobs.add(new SweepPlan.Job(A, 0, 1, s));
        }
        BenchmarkEngine engine = BenchmarkEngine.builder().backend(backend).listener(events::add).build();
        return engine.run(RunInfo.start("fake://", BenchmarkSettings.defaults(), "test"), new SweepPlan(jobs));
    }

    private static LoadResult only(BenchmarkReport report) {
        assertThat(report.models()).hasSize(1);
        return report.models().getFirst().load();
    }

    @Test
    void anOpenLoopSendsEachRequestAtItsPlannedTimeWhetherOrNotEarlierOnesHaveFinished() {
        backend.hold = Duration.ofMillis(700);
        BenchmarkReport report = run(spec(new ArrivalPattern.ConstantRate(20), 12));

        LoadResult load = only(report);
        assertThat(load.sent()).isEqualTo(12);
        // every answer takes 700 ms and a request leaves every 50 ms: with an open loop they overlap
        assertThat(backend.maxInFlight.get()).isGreaterThanOrEqualTo(10);
        assertThat(load.generator().peakInFlight()).isGreaterThanOrEqualTo(10);
        List<Long> starts = new ArrayList<>(backend.callNanos);
        Collections.sort(starts);
        for (int i = 1; i < starts.size(); i++) {
            // never early: the i-th send waits for its planned time, i x 50 ms after the first
            assertThat(starts.get(i) - starts.getFirst()).as("send %d", i).isGreaterThanOrEqualTo(i * 50 * MS);
        }
        assertThat(report.models().getFirst().status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aFreshLoadsFirstStageSendsOneUnmeasuredRequestAndWaitsForItBeforeItsClockStarts() {
        backend.hold = Duration.ofMillis(100);
        BenchmarkReport report = run(spec(new ArrivalPattern.ConstantRate(100), 3),
                spec(new ArrivalPattern.ConstantRate(100), 3));
        List<Long> starts = new ArrayList<>(backend.callNanos);
        Collections.sort(starts);
        assertThat(starts).hasSize(1 + 3 + 3); // the second stage runs on the same load: no first request
        // the stage's first send waits for the first request's answer (100 ms)
        assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(100 * MS);
        RequestResult first = report.requests().getFirst();
        assertThat(first.warmup()).isTrue();
        assertThat(report.models()).allSatisfy(m -> {
            assertThat(m.load().sent()).isEqualTo(3);
            assertThat(m.load().measured()).isEqualTo(3);
        });
        assertThat(report.requests()).filteredOn(RequestResult::warmup).hasSize(1);
    }

    @Test
    void theServersCountersCoverTheStageAloneNotTheUnmeasuredFirstRequest() {
        // a server that counts the requests it served, as llama.cpp's requests counter does
        backend.metrics = () -> Map.of("server:requests_total", (double) backend.requests.size());
        LoadResult load = only(run(spec(new ArrivalPattern.ConstantRate(100), 4)));
        assertThat(backend.requests).hasSize(1 + 4);
        assertThat(load.serverCounters()).containsEntry("server:requests_total", 4.0);
    }

    @Test
    void aCancelStopsTheSendsAndKeepsWhatWasMeasuredAsACancelledStage() throws Exception {
        backend.hold = Duration.ofMillis(300);
        // the first request and 30 of the stage's have started (0.3 s + 0.6 s at 50/s): the first ones have ended
        backend.started = new java.util.concurrent.CountDownLatch(31);
        BenchmarkEngine engine = BenchmarkEngine.builder().backend(backend).listener(events::add).build();
        Thread canceller = Thread.ofPlatform().start(() -> {
            try {
                backend.started.await();
            } catch (InterruptedException e) {
                return;
            }
            engine.cancel();
        });
        BenchmarkReport report = engine.run(RunInfo.start("fake://", BenchmarkSettings.defaults(), "test"),
                new SweepPlan(List.of(new SweepPlan.Job(A, 0, 1, spec(new ArrivalPattern.ConstantRate(50), 200)))));
        canceller.join();
        assertThat(report.status()).isEqualTo(RunStatus.CANCELLED);
        // 200 requests at 50/s would take 4 s: the sends stopped at the cancel (the 31st request), and the
        // requests in flight then were cancelled, not measured
        LoadResult load = only(report);
        assertThat(load.sent()).isBetween(1, 40);
        assertThat(report.models().getFirst().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(backend.calls).contains("unload a");
    }

    @Test
    void aClosedLoopKeepsItsConcurrencyInFlightAndNeverMore() {
        backend.hold = Duration.ofMillis(60);
        LoadResult load = only(run(spec(new ArrivalPattern.Concurrency(3), 12)));
        assertThat(load.sent()).isEqualTo(12);
        assertThat(backend.maxInFlight.get()).isEqualTo(3);
        assertThat(load.generator().peakInFlight()).isEqualTo(3);
    }

    @Test
    void theSynchronousBaselineSendsOneAtATime() {
        backend.hold = Duration.ofMillis(20);
        LoadResult load = only(run(spec(new ArrivalPattern.Synchronous(), 5)));
        assertThat(load.sent()).isEqualTo(5);
        assertThat(backend.maxInFlight.get()).isEqualTo(1);
    }

    @Test
    void aMaximumConcurrencyHoldsSendsBackAndTheirWaitIsNotCountedAsLag() {
        backend.hold = Duration.ofMillis(150);
        LoadSpec capped = new LoadSpec(new ArrivalPattern.MaxThroughput(), workload, 6, Duration.ZERO,
                Duration.ZERO, Duration.ZERO, 2, 1, null, Slo.NONE);
        LoadResult load = only(run(capped));
        assertThat(load.sent()).isEqualTo(6);
        assertThat(backend.maxInFlight.get()).isEqualTo(2);
        // the last pair waited for two pairs before it
        assertThat(load.generator().slotWaitMs().max()).isGreaterThanOrEqualTo(250.0);
        assertThat(load.generator().sendLagMs().max()).isLessThan(load.generator().slotWaitMs().max());
    }

    @Test
    void aDurationLimitEndsTheSendsWhenItIsUp() {
        LoadSpec timed = new LoadSpec(new ArrivalPattern.ConstantRate(50), workload, 0, Duration.ofMillis(300),
                Duration.ZERO, Duration.ZERO, 0, 1, null, Slo.NONE);
        // planned at 0, 20, ..., 280 ms: 15 sends
        assertThat(only(run(timed)).sent()).isEqualTo(15);
    }

    @Test
    void theWarmupAndCooldownRequestsAreFlaggedAndLeftOutOfTheFigures() {
        LoadSpec spec = new LoadSpec(new ArrivalPattern.ConstantRate(20), workload, 10, Duration.ZERO,
                Duration.ofMillis(120), Duration.ofMillis(120), 0, 1, null, Slo.NONE);
        BenchmarkReport report = run(spec);
        LoadResult load = only(report);
        // sends at 0..450 ms: 0, 50, 100 within the warmup; 350, 400, 450 within the cooldown
        assertThat(load.sent()).isEqualTo(10);
        assertThat(load.measured()).isEqualTo(4);
        // (and the unmeasured first request of a fresh load, index 0 too)
        assertThat(report.requests()).filteredOn(RequestResult::warmup).extracting(RequestResult::index)
                .containsExactlyInAnyOrder(0, 0, 1, 2, 7, 8, 9);
        assertThat(report.models().getFirst().requestCount()).isEqualTo(4);
    }

    @Test
    void aLoadStageNeverRetriesAFailedRequest() {
        backend.failWith = r -> "overloaded";
        BenchmarkReport report = run(spec(new ArrivalPattern.ConstantRate(100), 5));
        assertThat(backend.requests).hasSize(1 + 5); // the unmeasured first request, then the stage's, once each
        ModelSummary job = report.models().getFirst();
        assertThat(job.status()).isEqualTo(RunStatus.FAILED);
        assertThat(job.error()).startsWith("every measured request failed");
        assertThat(job.load().failed()).isEqualTo(5);
        assertThat(workload.answers).allSatisfy(a -> assertThat(a).endsWith("(failed)"));
    }

    @Test
    void everyPatternGivesTheSameShapeOfResult() {
        List<ArrivalPattern> patterns = List.of(new ArrivalPattern.Synchronous(), new ArrivalPattern.Concurrency(2),
                new ArrivalPattern.ConstantRate(200), new ArrivalPattern.Poisson(200),
                new ArrivalPattern.Gamma(200, 0.5), new ArrivalPattern.MaxThroughput());
        BenchmarkReport report = run(patterns.stream().map(p -> spec(p, 6)).toArray(LoadSpec[]::new));
        assertThat(report.models()).hasSize(patterns.size());
        for (int i = 0; i < patterns.size(); i++) {
            LoadResult load = report.models().get(i).load();
            assertThat(load.pattern()).isEqualTo(patterns.get(i));
            assertThat(load.sent()).isEqualTo(6);
            assertThat(load.completed()).isEqualTo(6);
            assertThat(load.ttftMs().count()).isEqualTo(6);
            assertThat(load.e2eMs().count()).isEqualTo(6);
            assertThat(load.tpotMs().percentiles()).containsOnlyKeys(LoadSpec.DEFAULT_PERCENTILES);
            assertThat(load.outputThroughput()).isPositive();
            assertThat(load.workload()).isEqualTo("counting");
        }
        // the stages share one load of the model, and each starts a fresh session of the workload
        assertThat(backend.calls.stream().filter(c -> c.startsWith("load"))).hasSize(1);
        assertThat(workload.started.get()).isEqualTo(patterns.size() + 1); // + the first request's
    }

    @Test
    void theWorkloadGetsEachAnswerAndTheServersMetricsAreReadAroundTheStage() {
        AtomicInteger reads = new AtomicInteger();
        backend.metrics = () -> {
            int n = reads.incrementAndGet();
            return Map.of("llamacpp:prompt_tokens_total", n == 1 ? 100.0 : 160.0, "llamacpp:requests_processing",
                    n == 1 ? 0.0 : 1.0);
        };
        LoadResult load = only(run(spec(new ArrivalPattern.ConstantRate(100), 3)));
        assertThat(workload.answers).containsExactlyInAnyOrder("prompt 0 -> a b c", "prompt 1 -> a b c",
                "prompt 2 -> a b c");
        assertThat(load.serverCounters()).containsEntry("llamacpp:prompt_tokens_total", 60.0)
                .containsEntry("llamacpp:requests_processing", 1.0);
        assertThat(backend.requests).extracting(r -> r.prompt()).containsExactlyInAnyOrder("prompt 0", "prompt 0",
                "prompt 1", "prompt 2");
        assertThat(backend.requests).allSatisfy(r -> assertThat(r.maxTokens()).isEqualTo(8));
    }
}

package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.PromptCalibration;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.InferenceRequest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BenchmarkEngineSweepTest {

    private static final ModelInfo A = ModelInfo.named("a");
    private static final ModelInfo B = ModelInfo.named("b");
    private static final List<Duration> FAST_BACKOFF = List.of(Duration.ofMillis(10), Duration.ofMillis(20),
            Duration.ofMillis(30), Duration.ofMillis(40));

    private final FakeBackend backend = new FakeBackend();
    private final List<BenchmarkEvent> events = Collections.synchronizedList(new ArrayList<>());

    private BenchmarkEngine engine(CalibrationCache cache) {
        return BenchmarkEngine.builder().backend(backend).calibrations(cache).listener(events::add).build();
    }

    private static RunInfo run(BenchmarkSettings s) {
        return RunInfo.start("fake://", s, "test");
    }

    private static BenchmarkSettings settings() {
        return BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(3);
    }

    private List<String> loadsAndUnloads() {
        return backend.calls.stream().filter(c -> c.startsWith("load") || c.startsWith("unload")).toList();
    }

    @Test
    void everyJobIsMeasuredInPlanOrderWithItsOwnContextAndParallelism() {
        SweepPlan plan = SweepPlan.of(List.of(A, B), List.of(1024, 4096), List.of(1, 2));
        BenchmarkReport report = engine(null).run(run(settings()), plan);

        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(report.models()).extracting(s -> s.model().id() + "@" + s.contextLength() + "x" + s.parallel())
                .containsExactly("a@1024x1", "a@1024x2", "a@4096x1", "a@4096x2",
                        "b@1024x1", "b@1024x2", "b@4096x1", "b@4096x2");
        // 3 warmups + 2 runs x par x (stream + nonstream) per job
        assertThat(report.models()).allSatisfy(s -> assertThat(s.requestCount()).isEqualTo(2 * s.parallel()));
        assertThat(report.requests()).filteredOn(r -> r.contextLength() == 4096 && r.parallel() == 2
                && r.model().equals("b") && !r.warmup()).hasSize(8);
        BenchmarkEvent.RunStarted started = (BenchmarkEvent.RunStarted) events.getFirst();
        assertThat(started.jobs()).isEqualTo(plan.jobs());
        assertThat(started.totalRequests()).isEqualTo(report.requests().size());
    }

    @Test
    void aModelIsLoadedOncePerContextSizeWhenTheServerKeepsItsOwnParallelSlots() {
        SweepPlan plan = SweepPlan.of(List.of(A, B), List.of(1024, 4096), List.of(1, 2, 4));
        BenchmarkReport report = engine(null).run(run(settings()), plan);

        assertThat(loadsAndUnloads()).containsExactly("load a", "unload a", "load a", "unload a",
                "load b", "unload b", "load b", "unload b");
        assertThat(backend.loadConfigs).extracting(c -> c.contextLength()).containsExactly(1024, 4096, 1024, 4096);
        assertThat(events).filteredOn(e -> e instanceof BenchmarkEvent.JobStarted)
                .extracting(e -> ((BenchmarkEvent.JobStarted) e).reload())
                .containsExactly(true, false, false, true, false, false, true, false, false, true, false, false);
        // the jobs on a reused load say so and carry no load time of their own
        ModelSummary reused = report.models().get(1);
        assertThat(reused.loadDetails().reused()).isTrue();
        assertThat(reused.loadSeconds()).isNaN();
        assertThat(report.models().getFirst().loadSeconds()).isEqualTo(0.25);
        assertThat(report.models().getFirst().loadDetails().reused()).isFalse();
        assertThat(plan.loads(false)).isEqualTo(4);
    }

    @Test
    void whereLoadsSetTheParallelSlotsEachParallelismGetsItsOwnLoadWithThatManySlots() {
        backend.slots = true;
        SweepPlan plan = SweepPlan.of(List.of(A), List.of(2048), List.of(1, 4));
        engine(null).run(run(settings()), plan);

        assertThat(loadsAndUnloads()).containsExactly("load a", "unload a", "load a", "unload a");
        assertThat(backend.loadConfigs).extracting(c -> c.parallel()).containsExactly(null, 4);
        assertThat(backend.loadConfigs).extracting(c -> c.contextLength()).containsExactly(2048, 2048);
        assertThat(plan.loads(true)).isEqualTo(2);
    }

    @Test
    void aFailedCallIsRetriedAfterEachWaitOfTheBackoffAndTheJobCompletes() {
        AtomicInteger failures = new AtomicInteger(2);
        backend.failWith = r -> failures.getAndDecrement() > 0 ? "503 busy" : null;
        SweepPlan plan = SweepPlan.of(List.of(A), List.of(1024), List.of(1)).withRetryBackoff(FAST_BACKOFF);
        BenchmarkReport report = engine(null).run(run(settings()), plan);

        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        List<BenchmarkEvent.RequestRetrying> retries = events.stream()
                .filter(e -> e instanceof BenchmarkEvent.RequestRetrying).map(e -> (BenchmarkEvent.RequestRetrying) e)
                .toList();
        assertThat(retries).extracting(BenchmarkEvent.RequestRetrying::attempt).containsExactly(1, 2);
        assertThat(retries).extracting(BenchmarkEvent.RequestRetrying::delay)
                .containsExactly(Duration.ofMillis(10), Duration.ofMillis(20));
        assertThat(retries.getFirst().job()).isEqualTo(new SweepPlan.Job(A, 1024, 1));
        RequestResult first = report.requests().getFirst();
        assertThat(first.success()).isTrue();
        assertThat(first.attempts()).isEqualTo(3);
        assertThat(first.errorFinal()).isFalse();
        // the waits were waited: the third call came at least 30 ms after the first
        assertThat(backend.callNanos.get(2) - backend.callNanos.get(0)).isGreaterThanOrEqualTo(30_000_000L);
        assertThat(report.models().getFirst().errorCount()).isZero();
        // each call carried its own nonce
        assertThat(backend.requests.subList(0, 3)).extracting(InferenceRequest::nonce).doesNotHaveDuplicates();
    }

    @Test
    void aCallThatFailsEveryRetryIsRecordedAsErrorFinalAndTheSweepGoesOn() {
        // the first measured streaming call of job a@1024 fails for good; everything else succeeds
        AtomicInteger streamCalls = new AtomicInteger();
        backend.failWith = r -> r.model().equals("a") && r.stream() && streamCalls.incrementAndGet() > 3
                && streamCalls.get() <= 8 ? "500 broken" : null;
        SweepPlan plan = SweepPlan.of(List.of(A, B), List.of(1024), List.of(1)).withRetryBackoff(FAST_BACKOFF);
        BenchmarkReport report = engine(null).run(run(settings()), plan);

        RequestResult failed = report.requests().stream().filter(r -> !r.success()).findFirst().orElseThrow();
        assertThat(failed.errorFinal()).isTrue();
        assertThat(failed.attempts()).isEqualTo(5);
        assertThat(failed.warmup()).isFalse();
        assertThat(report.requests()).filteredOn(r -> !r.success()).hasSize(1);
        ModelSummary a = report.models().getFirst();
        assertThat(a.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(a.errorCount()).isEqualTo(1);
        assertThat(a.successCount()).isEqualTo(1);
        assertThat(report.models().get(1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(report.models().get(1).errorCount()).isZero();
    }

    @Test
    void aWrongModelOrAModelThatIsNotLoadedIsNotAskedAgain() {
        AtomicInteger calls = new AtomicInteger();
        backend.throwWith = r -> switch (calls.incrementAndGet()) {
            case 4 -> new dev.lmsbench.core.spi.BackendException(
                    dev.lmsbench.core.spi.BackendException.Kind.WRONG_MODEL, "asked for a, b answered", "", -1, null);
            case 5 -> new dev.lmsbench.core.spi.BackendException(
                    dev.lmsbench.core.spi.BackendException.Kind.MODEL_NOT_LOADED, "No models loaded", "", 404, null);
            default -> null;
        };
        SweepPlan plan = SweepPlan.of(List.of(A), List.of(1024), List.of(1)).withRetryBackoff(FAST_BACKOFF);
        BenchmarkReport report = engine(null).run(run(settings()), plan);

        assertThat(events).noneMatch(e -> e instanceof BenchmarkEvent.RequestRetrying);
        assertThat(report.requests()).filteredOn(r -> !r.success()).hasSize(2)
                .allSatisfy(r -> assertThat(r.attempts()).isEqualTo(1));
    }

    @Test
    void aRunHasNoBackoffAFailedCallIsRecordedAtOnce() {
        AtomicInteger calls = new AtomicInteger();
        backend.failWith = r -> calls.incrementAndGet() == 4 ? "500 broken" : null;
        BenchmarkReport report = engine(null).run(run(settings()), List.of(A));

        assertThat(events).noneMatch(e -> e instanceof BenchmarkEvent.RequestRetrying);
        RequestResult failed = report.requests().stream().filter(r -> !r.success()).findFirst().orElseThrow();
        assertThat(failed.attempts()).isEqualTo(1);
        assertThat(failed.errorFinal()).isFalse();
    }

    /** Usage as a server with 3 characters per token would count it. */
    private static TokenUsage threeCharsPerToken(InferenceRequest r) {
        return TokenUsage.reported(r.messageText().length() / 3, 3, 0);
    }

    @Test
    void promptsAreSizedToTheTargetFromTheWarmupsUsage() {
        backend.usage = BenchmarkEngineSweepTest::threeCharsPerToken;
        SweepPlan plan = SweepPlan.of(List.of(A), List.of(4096), List.of(1)).withPromptTarget(600, 0);
        BenchmarkReport report = engine(null).run(run(settings()), plan);

        // every warmup sent the same prompt, built with the default 4 chars per token: about 800 tokens at 3
        List<RequestResult> warmups = report.requests().stream().filter(RequestResult::warmup).toList();
        assertThat(warmups).hasSize(4);
        assertThat(warmups.subList(0, 3)).allSatisfy(r -> assertThat(r.usage().promptTokens()).isBetween(780, 820));
        // one calibration call with the corrected prompt, then every measured call is within the tolerance of 600
        assertThat(warmups.get(3).usage().promptTokens()).isBetween(570, 630);
        assertThat(report.requests()).filteredOn(r -> !r.warmup())
                .allSatisfy(r -> assertThat(r.usage().promptTokens()).isBetween(570, 630));
        PromptCalibration c = report.models().getFirst().calibration();
        assertThat(c.targetTokens()).isEqualTo(600);
        assertThat(c.charsPerToken()).isCloseTo(3.0, within(0.1));
        assertThat(c.withinTolerance()).isTrue();
        assertThat(c.calls()).isEqualTo(1);
        assertThat(c.source()).isEqualTo(PromptCalibration.DEFAULT_SOURCE);
        // the load estimate comes from the 3 warmups only, not from the calibration call's other prompt
        assertThat(report.models().getFirst().warmup().count()).isEqualTo(3);
    }

    @Test
    void withoutWarmupsCalibrationCallsFollowUntilThePromptIsWithinTolerance() {
        backend.usage = BenchmarkEngineSweepTest::threeCharsPerToken;
        SweepPlan plan = SweepPlan.of(List.of(A), List.of(4096), List.of(1)).withPromptTarget(0, 0.25);
        BenchmarkReport report = engine(null).run(run(settings().withWarmupRuns(0)), plan);

        PromptCalibration c = report.models().getFirst().calibration();
        assertThat(c.targetTokens()).isEqualTo(1024);
        assertThat(c.calls()).isEqualTo(2);
        assertThat(c.withinTolerance()).isTrue();
        // calibration calls are warmup rows, not measurements
        assertThat(report.requests()).filteredOn(RequestResult::warmup).hasSize(2);
        assertThat(report.requests()).filteredOn(r -> !r.warmup())
                .allSatisfy(r -> assertThat(r.usage().promptTokens()).isBetween(972, 1076));
    }

    @Test
    void aCachedCalibrationIsWhereTheNextSweepStarts() {
        backend.usage = BenchmarkEngineSweepTest::threeCharsPerToken;
        Map<String, Double> kept = new HashMap<>();
        CalibrationCache cache = new CalibrationCache() {
            @Override
            public OptionalDouble charsPerToken(String server, String model, int targetTokens) {
                Double v = kept.get(server + "|" + model + "|" + targetTokens);
                return v == null ? OptionalDouble.empty() : OptionalDouble.of(v);
            }

            @Override
            public void put(String server, String model, int targetTokens, double charsPerToken) {
                kept.put(server + "|" + model + "|" + targetTokens, charsPerToken);
            }
        };
        SweepPlan plan = SweepPlan.of(List.of(A), List.of(4096), List.of(1)).withPromptTarget(600, 0);
        engine(cache).run(run(settings()), plan);
        assertThat(kept).containsOnlyKeys("fake://|a|600");

        backend.requests.clear();
        BenchmarkReport again = engine(cache).run(run(settings()), plan);
        assertThat(again.requests().getFirst().usage().promptTokens()).isBetween(570, 630);
        assertThat(again.models().getFirst().calibration().source()).isEqualTo(PromptCalibration.CACHE_SOURCE);
        // started calibrated: no calibration call
        assertThat(again.models().getFirst().calibration().calls()).isZero();
        assertThat(again.requests()).filteredOn(RequestResult::warmup).hasSize(3);
    }
}

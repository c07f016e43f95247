package dev.lmsbench.core.engine;

import dev.lmsbench.core.event.BenchmarkEvent;
import dev.lmsbench.core.model.BenchmarkReport;
import dev.lmsbench.core.model.BenchmarkSettings;
import dev.lmsbench.core.model.ErrorType;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.ModelSummary;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.model.RunInfo;
import dev.lmsbench.core.model.RunStatus;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.ResultStore;
import dev.lmsbench.core.spi.StoredResult;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

class BenchmarkEngineTest {

    private static final List<ModelInfo> MODELS = List.of(ModelInfo.named("a"), ModelInfo.named("b"));

    private final FakeBackend backend = new FakeBackend();
    private final List<BenchmarkEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> log = Collections.synchronizedList(new ArrayList<>());

    /** A store that records what it saved, interleaved with the event log. */
    private final class RecordingStore implements ResultStore {
        final List<ModelSummary> saved = new ArrayList<>();

        @Override
        public void save(RunInfo run, ModelSummary summary, List<RequestResult> requests) {
            saved.add(summary);
            log.add("saved " + summary.model().id());
        }

        @Override
        public List<StoredResult> list() {
            return List.of();
        }

        @Override
        public void close() {
        }
    }

    private final RecordingStore store = new RecordingStore();

    private BenchmarkEngine engine() {
        return BenchmarkEngine.builder().backend(backend).store(store)
                .listener(e -> {
                    events.add(e);
                    log.add(e.getClass().getSimpleName());
                })
                .build();
    }

    private static RunInfo run(BenchmarkSettings s) {
        return RunInfo.start("fake://", s, "test");
    }

    @Test
    void everyRequestOfARunStartsWithANonceNoOtherRequestCarriesByDefault() {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(3).withWarmupRuns(2).withParallel(2);
        engine().run(run(s), MODELS);
        List<String> nonces = backend.requests.stream().map(r -> r.nonce()).toList();
        assertThat(nonces).hasSize(2 * s.requestsPerModel()).doesNotContain("").doesNotHaveDuplicates();
        assertThat(nonces).allMatch(n -> n.matches("[0-9a-f]{16} lmsbench"));
        assertThat(backend.requests).allMatch(r -> r.messageText().startsWith(r.nonce() + "\n" )
                && r.messageText().endsWith(s.prompt()) && r.defeatsPromptCache());
    }

    @Test
    void anotherRunGetsOtherNoncesAndTheSameSeedTheSameOnes() {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0).withNonStreaming(false);
        BenchmarkEngine.builder().backend(backend).nonceSeed(7).build().run(run(s), MODELS);
        BenchmarkEngine.builder().backend(backend).nonceSeed(7).build().run(run(s), MODELS);
        BenchmarkEngine.builder().backend(backend).build().run(run(s), MODELS);
        List<String> n = backend.requests.stream().map(r -> r.nonce()).toList();
        assertThat(n.subList(0, 2)).isEqualTo(n.subList(2, 4));
        assertThat(n.subList(4, 6)).doesNotContainAnyElementsOf(n.subList(0, 2));
    }

    @Test
    void reuseSendsTheIdenticalPromptWithoutANonce() {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(2)
                .withPromptCache(dev.lmsbench.core.model.PromptCache.REUSE);
        engine().run(run(s), MODELS);
        assertThat(backend.requests).isNotEmpty().allMatch(r -> r.nonce().isEmpty() && !r.defeatsPromptCache()
                && r.messageText().equals(s.prompt()));
    }

    @Test
    void loadsWarmsUpMeasuresAndUnloadsEachModelInOrder() {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(1);
        BenchmarkReport report = engine().run(run(s), MODELS);
        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(backend.calls).containsExactly(
                "load a", "stream a", "stream a", "nonstream a", "stream a", "nonstream a", "duplicates a", "unload a",
                "load b", "stream b", "stream b", "nonstream b", "stream b", "nonstream b", "duplicates b",
                "unload b");
        assertThat(report.models()).hasSize(2);
        assertThat(report.requests()).hasSize(10);
        assertThat(report.models().get(0).decodeTokensPerSecond().p50()).isEqualTo(2 / 0.09, within());
        assertThat(report.models().get(0).loadSeconds()).isEqualTo(0.25);
        assertThat(report.models().get(0).loadMemory())
                .isEqualTo(new dev.lmsbench.core.model.LoadMemory(5_000, 4_000));
    }

    @Test
    void recordsHowTheModelWasLoadedAndTheInstancesTheServerAddedWhileItWasMeasured() {
        backend.details = new dev.lmsbench.core.model.LoadDetails("lms", "a:2", 8192, 4, 1.0, 600,
                List.of("eval_batch_size not applied"), List.of());
        backend.duplicates = List.of("a:3", "a:4");
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(MODELS.get(0)));

        dev.lmsbench.core.model.LoadDetails recorded = report.models().get(0).loadDetails();
        assertThat(recorded.method()).isEqualTo("lms");
        assertThat(recorded.instanceId()).isEqualTo("a:2");
        assertThat(recorded.parallel()).isEqualTo(4);
        assertThat(recorded.notes()).containsExactly("eval_batch_size not applied");
        assertThat(recorded.duplicateInstances()).containsExactly("a:3", "a:4");
        // asked after the measured runs, before the unload that removes them
        assertThat(backend.calls).containsSubsequence("nonstream a", "duplicates a", "unload a");
    }

    @Test
    void sendsTheDraftModelWithEveryRequest() {
        engine().run(run(BenchmarkSettings.defaults().withRuns(1).withDraftModel("tiny-draft")),
                List.of(MODELS.get(0)));
        assertThat(backend.requests).isNotEmpty().allSatisfy(r -> assertThat(r.draftModel()).isEqualTo("tiny-draft"));
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(1e-9);
    }

    @Test
    void savesEachModelToTheStoreBeforeTheNextModelStarts() {
        engine().run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        assertThat(store.saved).hasSize(2);
        int savedA = log.indexOf("saved a");
        int secondModelStarted = log.lastIndexOf("ModelStarted");
        assertThat(savedA).isGreaterThanOrEqualTo(0).isLessThan(secondModelStarted);
        assertThat(log.indexOf("saved a")).isLessThan(log.indexOf("ModelCompleted"));
    }

    @Test
    void pairsEveryStartedEventWithExactlyOneEnd() {
        backend.failWith = r -> r.model().equals("a") ? "boom" : null;
        engine().run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        long runStarts = count(BenchmarkEvent.RunStarted.class);
        long runEnds = count(BenchmarkEvent.RunCompleted.class) + count(BenchmarkEvent.RunFailed.class);
        long modelStarts = count(BenchmarkEvent.ModelStarted.class);
        long modelEnds = count(BenchmarkEvent.ModelCompleted.class) + count(BenchmarkEvent.ModelFailed.class);
        long loads = count(BenchmarkEvent.ModelLoading.class);
        long loadEnds = count(BenchmarkEvent.ModelLoaded.class) + count(BenchmarkEvent.ModelLoadFailed.class);
        assertThat(runStarts).isEqualTo(1).isEqualTo(runEnds);
        assertThat(modelStarts).isEqualTo(2).isEqualTo(modelEnds);
        assertThat(loads).isEqualTo(2).isEqualTo(loadEnds).isEqualTo(count(BenchmarkEvent.ModelUnloaded.class));
    }

    private long count(Class<?> type) {
        synchronized (events) {
            return events.stream().filter(type::isInstance).count();
        }
    }

    @Test
    void aModelWhoseWarmupsAllFailIsReportedFailedAndStoredWithItsErrorTypeAndTheRunGoesOn() {
        backend.failWith = r -> r.model().equals("a") ? "HTTP 500: model crashed" : null;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        ModelSummary a = report.models().get(0);
        assertThat(a.status()).isEqualTo(RunStatus.FAILED);
        assertThat(a.error()).isEqualTo("every warmup request failed: HTTP 500: model crashed");
        assertThat(a.errorType()).isEqualTo(ErrorType.HTTP_STATUS);
        assertThat(report.models().get(1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(report.models().get(1).errorType()).isEqualTo(ErrorType.NONE);
        assertThat(store.saved).extracting(m -> m.model().id()).containsExactly("a", "b");
        assertThat(backend.calls).contains("unload a");
        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aModelWhoseEveryMeasuredRequestFailsIsFailedWithTheDominantErrorTypeAndItsFirstMessage() {
        // the warmup succeeds, every measured call is refused
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        backend.throwWith = r -> n.incrementAndGet() > 1
                ? new BackendException(BackendException.Kind.HTTP_STATUS, "HTTP 401 from http://h/v1", "", 401, null)
                : null;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(2)), List.of(MODELS.get(0)));
        ModelSummary s = report.models().getFirst();
        assertThat(s.status()).isEqualTo(RunStatus.FAILED);
        assertThat(s.error())
                .isEqualTo("every measured request failed (4 x http_status 401: HTTP 401 from http://h/v1)");
        assertThat(s.errorType()).isEqualTo(ErrorType.HTTP_STATUS);
        assertThat(s.errorsByType()).containsExactly(Map.entry(ErrorType.HTTP_STATUS, 4));
        assertThat(s.successCount()).isZero();
        assertThat(s.requestCount()).isEqualTo(2);
        assertThat(store.saved).singleElement().satisfies(m -> assertThat(m.status()).isEqualTo(RunStatus.FAILED));
        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(count(BenchmarkEvent.RunFailed.class)).isEqualTo(1);
        assertThat(count(BenchmarkEvent.RunCompleted.class)).isZero();
    }

    @Test
    void aModelWithSomeSuccessfulMeasuredRequestsStaysCompletedWithItsErrorsCountedByType() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        // warmup ok; of the measured calls, the first stream call times out
        backend.throwWith = r -> r.stream() && n.incrementAndGet() == 2
                ? new BackendException(BackendException.Kind.TIMEOUT, "timed out after 300 s", "", -1, null)
                : null;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(2)), List.of(MODELS.get(0)));
        ModelSummary s = report.models().getFirst();
        assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(s.error()).isEmpty();
        assertThat(s.errorType()).isEqualTo(ErrorType.NONE);
        assertThat(s.successCount()).isEqualTo(1);
        assertThat(s.requestCount()).isEqualTo(2);
        assertThat(s.errorsByType()).containsExactly(Map.entry(ErrorType.TIMEOUT, 1));
        assertThat(report.requests()).filteredOn(r -> !r.success()).singleElement().satisfies(r -> {
            assertThat(r.errorType()).isEqualTo(ErrorType.TIMEOUT);
            assertThat(r.httpStatus()).isEqualTo(-1);
        });
    }

    @Test
    void failedRequestsRecordTheBackendsErrorTypeAndHttpStatus() {
        backend.failWith = r -> "HTTP 500: model crashed";
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(MODELS.get(0)));
        assertThat(report.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.errorType()).isEqualTo(ErrorType.HTTP_STATUS);
            assertThat(r.httpStatus()).isEqualTo(500);
        });
    }

    @Test
    void aRuntimeExceptionFromTheBackendIsRecordedAsAClientError() {
        backend.throwWith = r -> new IllegalStateException("bug");
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(MODELS.get(0)));
        assertThat(report.requests()).isNotEmpty().allSatisfy(r -> {
            assertThat(r.errorType()).isEqualTo(ErrorType.CLIENT);
            assertThat(r.error()).isEqualTo("client error: java.lang.IllegalStateException: bug");
            assertThat(r.httpStatus()).isEqualTo(-1);
        });
        assertThat(report.models().getFirst().errorType()).isEqualTo(ErrorType.CLIENT);
    }

    @Test
    void errorMessagesFromTheServerLoseControlCharactersAndEscapeSequences() {
        backend.failWith = r -> "bad\u0000 \u001b[2J\u001b]0;title\u0007answer\r\nsecond line";
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(MODELS.get(0)));
        assertThat(report.requests()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.error()).isEqualTo("bad answer second line"));
        assertThat(report.models().getFirst().error()).doesNotContain("\u0000", "\u001b");
    }

    @Test
    void everyModelFailingMakesTheRunFailedWithARunFailedEvent() {
        backend.failLoad = true;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        assertThat(report.status()).isEqualTo(RunStatus.FAILED);
        assertThat(report.models()).hasSize(2);
        assertThat(report.models()).allSatisfy(m -> assertThat(m.errorType()).isEqualTo(ErrorType.HTTP_STATUS));
        assertThat(count(BenchmarkEvent.RunCompleted.class)).isZero();
        synchronized (events) {
            assertThat(events).filteredOn(BenchmarkEvent.RunFailed.class::isInstance).singleElement()
                    .satisfies(e -> assertThat(((BenchmarkEvent.RunFailed) e).error())
                            .isEqualTo("every model failed (2 models)"));
        }
    }

    private static BackendException refused(int status, Duration retryAfter) {
        return new BackendException(BackendException.Kind.HTTP_STATUS, "HTTP " + status + " from http://h/v1", "",
                status, null).withRetryAfter(retryAfter);
    }

    @Test
    void aRequestRefusedWith429AndRetryAfterIsRetriedOnceAfterTheWait() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        backend.throwWith = r -> n.incrementAndGet() == 1 ? refused(429, Duration.ofMillis(60)) : null;
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0).withNonStreaming(false);
        BenchmarkReport report = engine().run(run(s), List.of(MODELS.get(0)));
        assertThat(backend.calls).containsExactly("load a", "stream a", "stream a", "duplicates a", "unload a");
        assertThat(report.requests()).singleElement().satisfies(r -> assertThat(r.success()).isTrue());
        assertThat(report.models().getFirst().status()).isEqualTo(RunStatus.COMPLETED);
        long gap = backend.callNanos.get(1) - backend.callNanos.get(0);
        assertThat(gap).isGreaterThanOrEqualTo(Duration.ofMillis(60).toNanos());
    }

    @Test
    void a503WithRetryAfterIsRetriedButOtherStatusesAreNot() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        backend.throwWith = r -> switch (n.incrementAndGet()) {
            case 1 -> refused(503, Duration.ofMillis(1));
            case 3 -> refused(500, Duration.ofMillis(1));
            default -> null;
        };
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(0).withNonStreaming(false);
        BenchmarkReport report = engine().run(run(s), List.of(MODELS.get(0)));
        assertThat(n.get()).isEqualTo(3);
        assertThat(report.requests()).extracting(RequestResult::httpStatus).containsExactly(-1, 500);
    }

    @Test
    void aRetryThatFailsAgainIsRecordedAsTheFailure() {
        backend.throwWith = r -> refused(429, Duration.ofMillis(1));
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0).withNonStreaming(false);
        BenchmarkReport report = engine().run(run(s), List.of(MODELS.get(0)));
        assertThat(backend.calls).filteredOn(c -> c.startsWith("stream")).hasSize(2);
        assertThat(report.requests()).singleElement().satisfies(r -> {
            assertThat(r.errorType()).isEqualTo(ErrorType.HTTP_STATUS);
            assertThat(r.httpStatus()).isEqualTo(429);
        });
        assertThat(report.models().getFirst().error())
                .isEqualTo("every measured request failed (1 x http_status 429: HTTP 429 from http://h/v1)");
    }

    @Test
    void aRetryAfterLongerThanTheBoundOrTheRequestTimeoutIsCutToIt() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        backend.throwWith = r -> n.incrementAndGet() % 2 == 1 ? refused(429, Duration.ofHours(1)) : null;
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0).withNonStreaming(false);
        BenchmarkReport bounded = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> BenchmarkEngine.builder().backend(backend).maxRetryWait(Duration.ofMillis(20)).build()
                        .run(run(s), List.of(MODELS.get(0))));
        assertThat(bounded.requests()).singleElement().satisfies(r -> assertThat(r.success()).isTrue());
        BenchmarkReport timedOut = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> engine().run(run(s.withRequestTimeout(Duration.ofMillis(20))), List.of(MODELS.get(0))));
        assertThat(timedOut.requests()).singleElement().satisfies(r -> assertThat(r.success()).isTrue());
        assertThat(BenchmarkEngine.MAX_RETRY_AFTER_WAIT).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void cancellingDuringARetryAfterWaitEndsTheRunPromptly() throws Exception {
        BenchmarkEngine engine = engine();
        backend.throwWith = r -> refused(429, Duration.ofSeconds(25));
        backend.started = new CountDownLatch(1);
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(0).withNonStreaming(false);
        AtomicReference<BenchmarkReport> report = new AtomicReference<>();
        long start = System.nanoTime();
        Thread t = Thread.ofPlatform().start(() -> report.set(engine.run(run(s), List.of(MODELS.get(0)))));
        assertThat(backend.started.await(5, TimeUnit.SECONDS)).isTrue();
        engine.cancel();
        t.join(Duration.ofSeconds(5));
        assertThat(t.isAlive()).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        assertThat(report.get().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(report.get().requests()).isEmpty();
        assertThat(backend.calls).filteredOn(c -> c.startsWith("stream")).hasSize(1);
    }

    @Test
    void aPausedRunStartsNoNewRequestUntilResumedAndThenFinishesEveryRequest() throws Exception {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(3).withWarmupRuns(0).withNonStreaming(false);
        AtomicReference<BenchmarkEngine> ref = new AtomicReference<>();
        CountDownLatch pausedAfterFirst = new CountDownLatch(1);
        BenchmarkEngine engine = BenchmarkEngine.builder().backend(backend).store(store)
                .listener(e -> {
                    events.add(e);
                    if (e instanceof BenchmarkEvent.RequestCompleted && pausedAfterFirst.getCount() > 0) {
                        ref.get().pause(); // from the engine thread, between the first and the second request
                        pausedAfterFirst.countDown();
                    }
                }).build();
        ref.set(engine);
        AtomicReference<BenchmarkReport> report = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> report.set(engine.run(run(s), List.of(MODELS.get(0)))));
        assertThat(pausedAfterFirst.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(300); // a running engine would have made its other two requests by now
        assertThat(engine.isPaused()).isTrue();
        assertThat(t.isAlive()).isTrue();
        assertThat(backend.requests).hasSize(1);
        assertThat(events).filteredOn(e -> e instanceof BenchmarkEvent.RunPaused).hasSize(1);
        engine.resume();
        t.join(Duration.ofSeconds(5));
        assertThat(t.isAlive()).isFalse();
        assertThat(report.get().status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(backend.requests).hasSize(3);
        assertThat(events).filteredOn(e -> e instanceof BenchmarkEvent.RunResumed).singleElement()
                .satisfies(e -> assertThat(((BenchmarkEvent.RunResumed) e).pausedSeconds()).isGreaterThan(0.25));
    }

    @Test
    void cancellingAPausedRunEndsItPromptlyAsCancelled() throws Exception {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(3).withWarmupRuns(0).withNonStreaming(false);
        BenchmarkEngine engine = engine();
        engine.pause();
        AtomicReference<BenchmarkReport> report = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> report.set(engine.run(run(s), List.of(MODELS.get(0)))));
        Thread.sleep(200);
        assertThat(backend.requests).isEmpty();
        engine.cancel();
        t.join(Duration.ofSeconds(5));
        assertThat(t.isAlive()).isFalse();
        assertThat(report.get().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(backend.requests).isEmpty();
        assertThat(backend.calls).contains("unload a");
    }

    @Test
    void unloadsEvenWhenLoadingFails() {
        backend.failLoad = true;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        assertThat(report.models()).allMatch(m -> m.status() == RunStatus.FAILED);
        assertThat(report.models().get(0).error()).isEqualTo("load failed: not enough memory");
        assertThat(report.models().get(0).errorType()).isEqualTo(ErrorType.HTTP_STATUS);
        assertThat(backend.calls).containsExactly("load a", "unload a", "load b", "unload b");
    }

    @Test
    void failedMeasuredRequestsAreCountedAsErrors() {
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        // warmup ok, then the first measured non-streaming call fails
        backend.failWith = r -> !r.stream() && n.incrementAndGet() == 1 ? "HTTP 503" : null;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(2)), List.of(MODELS.get(0)));
        ModelSummary s = report.models().get(0);
        assertThat(s.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(s.requestCount()).isEqualTo(2);
        assertThat(s.errorCount()).isEqualTo(1);
        assertThat(report.requests()).filteredOn(r -> !r.success()).singleElement()
                .satisfies(r -> assertThat(r.error()).isEqualTo("HTTP 503"));
    }

    @Test
    void cancellingMidModelAbortsInFlightRequestsUnloadsAndReturnsAPartialReport() throws Exception {
        BenchmarkEngine engine = engine();
        backend.block = new CountDownLatch(1);
        backend.started = new CountDownLatch(1);
        AtomicReference<BenchmarkReport> report = new AtomicReference<>();
        Thread t = Thread.ofPlatform().start(() -> report.set(
                engine.run(run(BenchmarkSettings.defaults().withRuns(3)), MODELS)));
        assertThat(backend.started.await(5, TimeUnit.SECONDS)).isTrue();
        engine.cancel();
        t.join(Duration.ofSeconds(5));
        assertThat(t.isAlive()).isFalse();
        assertThat(report.get().status()).isEqualTo(RunStatus.CANCELLED);
        assertThat(report.get().models()).singleElement()
                .satisfies(m -> assertThat(m.status()).isEqualTo(RunStatus.CANCELLED));
        assertThat(backend.calls).contains("cancelInFlight", "unload a").doesNotContain("load b");
        assertThat(store.saved).isEmpty();
        assertThat(count(BenchmarkEvent.RunFailed.class)).isEqualTo(1);
    }

    @Test
    void aLoadCancelledByCtrlCIsACancelledModelNeitherFailedNorStored() {
        backend.block = null;
        backend.cancelLoad = true;
        BenchmarkReport report = engine().run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS.subList(0, 1));
        assertThat(report.models()).singleElement().satisfies(m -> {
            assertThat(m.status()).isEqualTo(RunStatus.CANCELLED);
            assertThat(m.errorType()).isEqualTo(dev.lmsbench.core.model.ErrorType.CANCELLED);
        });
        assertThat(store.saved).isEmpty();
    }

    @Test
    void aListenerThatThrowsDoesNotStopTheRun() {
        BenchmarkEngine engine = BenchmarkEngine.builder().backend(backend)
                .listener(e -> {
                    throw new IllegalStateException("broken display");
                })
                .listener(events::add)
                .build();
        BenchmarkReport report = engine.run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        assertThat(report.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(count(BenchmarkEvent.RunCompleted.class)).isEqualTo(1);
    }

    @Test
    void parallelRunsKeepThatManyRequestsInFlight() throws Exception {
        backend.block = null;
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(2).withParallel(4).withWarmupRuns(0);
        // make each request wait until 4 are in flight, proving they overlap
        CountDownLatch four = new CountDownLatch(4);
        backend.failWith = r -> {
            four.countDown();
            try {
                four.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        };
        BenchmarkReport report = engine().run(run(s), List.of(MODELS.get(0)));
        assertThat(backend.maxInFlight.get()).isEqualTo(4);
        assertThat(report.models().get(0).requestCount()).isEqualTo(8);
        assertThat(report.models().get(0).successCount()).isEqualTo(8);
        assertThat(report.requests()).extracting(RequestResult::index).contains(0, 1, 2, 3, 4, 5, 6, 7);
    }

    @Test
    void everyCompletedRequestEventCarriesTheAnswerTextAndAFailedOneNone() {
        backend.reasoning = "thinking";
        backend.failWith = r -> r.stream() ? null : "HTTP 500: boom";
        engine().run(run(BenchmarkSettings.defaults().withRuns(1).withWarmupRuns(1)), MODELS.subList(0, 1));
        List<BenchmarkEvent.RequestCompleted> done;
        synchronized (events) {
            done = events.stream().filter(BenchmarkEvent.RequestCompleted.class::isInstance)
                    .map(BenchmarkEvent.RequestCompleted.class::cast).toList();
        }
        assertThat(done).isNotEmpty().allSatisfy(e -> {
            if (e.result().success()) {
                assertThat(e.content()).isEqualTo("a b c");
                assertThat(e.reasoning()).isEqualTo("thinking");
            } else {
                assertThat(e.content()).isEmpty();
                assertThat(e.reasoning()).isEmpty();
            }
        });
        assertThat(done).anyMatch(e -> !e.result().success()).anyMatch(e -> e.result().success());
    }

    @Test
    void progressCountsEveryPlannedRequestAndEndsWithNoTimeLeft() {
        BenchmarkSettings s = BenchmarkSettings.defaults().withRuns(2).withWarmupRuns(1);
        engine().run(run(s), MODELS);
        List<BenchmarkEvent.RequestCompleted> done;
        synchronized (events) {
            done = events.stream().filter(BenchmarkEvent.RequestCompleted.class::isInstance)
                    .map(BenchmarkEvent.RequestCompleted.class::cast).toList();
        }
        assertThat(done).hasSize(10);
        var last = done.get(done.size() - 1).progress();
        assertThat(last.completedRequests()).isEqualTo(10).isEqualTo(last.totalRequests());
        assertThat(last.eta()).isEqualTo(Duration.ZERO);
    }

    @Test
    void aModelTheServerHasNoMemoryForIsSkippedWithTheReasonAndTheRunGoesOn() {
        FakeBackend refusing = new FakeBackend() {
            @Override
            public dev.lmsbench.core.model.LoadOutcome load(ModelInfo model, dev.lmsbench.core.model.LoadConfig c)
                    throws dev.lmsbench.core.spi.BackendException {
                if (model.id().equals("a")) {
                    throw new dev.lmsbench.core.spi.BackendException(
                            dev.lmsbench.core.spi.BackendException.Kind.HTTP_STATUS, "insufficient system resources",
                            "", 400, null) {
                        @Override
                        public boolean insufficientResources() {
                            return true;
                        }
                    };
                }
                return super.load(model, c);
            }
        };
        BenchmarkReport report = BenchmarkEngine.builder().backend(refusing).store(store).build()
                .run(run(BenchmarkSettings.defaults().withRuns(1)), MODELS);
        assertThat(report.models().get(0).status()).isEqualTo(RunStatus.SKIPPED);
        assertThat(report.models().get(0).error()).startsWith("skipped: not enough memory to load it");
        assertThat(report.models().get(1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(store.saved).extracting(m -> m.model().id()).containsExactly("b");
    }

    @Test
    void aModelThatWouldNotFitTheKnownMemoryBudgetIsSkippedWithoutBeingLoaded() {
        ModelInfo big = new ModelInfo("big-70b", "llm", "", "", "Q4_K_M", 40_000_000_000L, -1, "70B",
                java.util.Set.of());
        ModelInfo small = new ModelInfo("small-1b", "llm", "", "", "Q4_K_M", 1_000_000_000L, -1, "1B",
                java.util.Set.of());
        BenchmarkReport report = BenchmarkEngine.builder().backend(backend).store(store)
                .listener(events::add)
                .memoryBudget(() -> 16_000_000_000L)
                .build()
                .run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(big, small));
        assertThat(report.models().get(0).status()).isEqualTo(RunStatus.SKIPPED);
        assertThat(report.models().get(0).error()).startsWith("skipped: needs about 48.7 GB at context 4096, only "
                + "16.0 GB available");
        assertThat(report.models().get(1).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(backend.calls).doesNotContain("load big-70b").contains("load small-1b");
        assertThat(count(BenchmarkEvent.ModelStarted.class)).isEqualTo(2);
        assertThat(count(BenchmarkEvent.ModelFailed.class) + count(BenchmarkEvent.ModelCompleted.class))
                .isEqualTo(2);
    }

    @Test
    void anUnknownBudgetOrSizeNeverSkips() {
        ModelInfo unknownSize = ModelInfo.named("mystery");
        BenchmarkReport report = BenchmarkEngine.builder().backend(backend).memoryBudget(() -> -1).build()
                .run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(unknownSize));
        assertThat(report.models().get(0).status()).isEqualTo(RunStatus.COMPLETED);
        BenchmarkReport tiny = BenchmarkEngine.builder().backend(backend).memoryBudget(() -> 1).build()
                .run(run(BenchmarkSettings.defaults().withRuns(1)), List.of(unknownSize));
        assertThat(tiny.models().get(0).status()).isEqualTo(RunStatus.COMPLETED);
    }
}

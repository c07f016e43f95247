package dev.lmsbench.core.engine;

import dev.lmsbench.core.model.LoadOutcome;
import dev.lmsbench.core.model.ModelInfo;
import dev.lmsbench.core.model.RequestTimings;
import dev.lmsbench.core.model.TokenUsage;
import dev.lmsbench.core.spi.BackendException;
import dev.lmsbench.core.spi.InferenceBackend;
import dev.lmsbench.core.spi.InferenceRequest;
import dev.lmsbench.core.spi.InferenceResult;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/** A scripted backend: records calls, answers with fixed timings, fails or blocks where told. */
class FakeBackend implements InferenceBackend {

    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** Every request the engine made, in call order. */
    final List<InferenceRequest> requests = Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    /** Returns an error message to fail the request with, or null to succeed. */
    volatile Function<InferenceRequest, String> failWith = r -> null;
    /**
     * Returns what to throw instead of answering (a {@link BackendException} or a {@link RuntimeException}), or null
     * to go on to {@link #failWith}. Called after {@link #callNanos} records the call.
     */
    volatile Function<InferenceRequest, Exception> throwWith = r -> null;
    /** {@link System#nanoTime()} at the start of every infer call, in call order. */
    final List<Long> callNanos = Collections.synchronizedList(new ArrayList<>());
    volatile boolean failLoad;
    /** When set, {@link #load} fails as a cancelled call does (Ctrl-C during the load). */
    volatile boolean cancelLoad;
    /** When set, requests block until cancelInFlight. */
    volatile CountDownLatch block;
    /** What {@link #duplicateInstances} answers, once per model. */
    volatile List<String> duplicates = List.of();
    /** What {@link #load} reports of the loaded instance. */
    volatile dev.lmsbench.core.model.LoadDetails details = dev.lmsbench.core.model.LoadDetails.UNKNOWN;
    /** The reasoning text of every answer. */
    volatile String reasoning = "";
    /** The usage of every answer. */
    volatile Function<InferenceRequest, TokenUsage> usage = r -> TokenUsage.reported(12, 3, 0);
    /** What {@link #loadsParallelSlots} answers. */
    volatile boolean slots;
    /** The load configurations, in load order. */
    final List<dev.lmsbench.core.model.LoadConfig> loadConfigs = Collections.synchronizedList(new ArrayList<>());
    /** What {@link #serverMetrics} answers, read once per call. */
    volatile java.util.function.Supplier<Map<String, Double>> metrics = Map::of;
    /** How long every answer takes, for load tests (the timings then span it). */
    volatile java.time.Duration hold = java.time.Duration.ZERO;
    /** Counts down once per request started. */
    volatile CountDownLatch started = new CountDownLatch(0);

    @Override
    public String endpoint() {
        return "fake://";
    }

    @Override
    public LoadOutcome load(ModelInfo model, dev.lmsbench.core.model.LoadConfig config) throws BackendException {
        calls.add("load " + model.id());
        loadConfigs.add(config);
        if (cancelLoad) {
            throw new BackendException(BackendException.Kind.CANCELLED, "request to fake:// was cancelled", "", -1,
                    null);
        }
        if (failLoad) {
            throw new BackendException(BackendException.Kind.HTTP_STATUS, "not enough memory", "", 500, null);
        }
        return LoadOutcome.loaded(0.25, new dev.lmsbench.core.model.LoadMemory(5_000, 4_000)).withDetails(details);
    }

    @Override
    public List<String> duplicateInstances(ModelInfo model) {
        calls.add("duplicates " + model.id());
        return duplicates;
    }

    @Override
    public boolean loadsParallelSlots() {
        return slots;
    }

    @Override
    public void unload(ModelInfo model) {
        calls.add("unload " + model.id());
    }

    @Override
    public InferenceResult infer(InferenceRequest request) throws BackendException {
        long sentAt = System.nanoTime();
        calls.add((request.stream() ? "stream " : "nonstream ") + request.model());
        requests.add(request);
        callNanos.add(System.nanoTime());
        int now = inFlight.incrementAndGet();
        maxInFlight.accumulateAndGet(now, Math::max);
        started.countDown();
        try {
            CountDownLatch b = block;
            if (b != null) {
                try {
                    b.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new BackendException(BackendException.Kind.CANCELLED, "cancelled", "", -1, null);
            }
            Exception thrown = throwWith.apply(request);
            if (thrown instanceof BackendException e) {
                throw e;
            }
            if (thrown instanceof RuntimeException e) {
                throw e;
            }
            String error = failWith.apply(request);
            if (error != null) {
                throw new BackendException(BackendException.Kind.HTTP_STATUS, error, "", 500, null);
            }
            long ms = 1_000_000L;
            if (!hold.isZero()) {
                try {
                    Thread.sleep(hold);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                long took = System.nanoTime() - sentAt;
                return new InferenceResult(new RequestTimings(sentAt, ms, ms, took / 2, took / 2, took - ms, took,
                        new long[]{took / 2, took - ms}), usage.apply(request), "a b c", reasoning, "stop");
            }
            RequestTimings t = request.stream()
                    ? new RequestTimings(System.nanoTime(), ms, ms, 100 * ms, 100 * ms, 190 * ms, 200 * ms,
                    new long[]{100 * ms, 145 * ms, 190 * ms})
                    : new RequestTimings(System.nanoTime(), ms, 300 * ms, -1, -1, -1, 300 * ms, null);
            return new InferenceResult(t, usage.apply(request), "a b c", reasoning, "stop");
        } finally {
            inFlight.decrementAndGet();
        }
    }

    @Override
    public void cancelInFlight() {
        calls.add("cancelInFlight");
        CountDownLatch b = block;
        if (b != null) {
            b.countDown();
        }
    }

    @Override
    public Map<String, Double> serverMetrics() {
        return metrics.get();
    }

    @Override
    public void close() {
    }
}

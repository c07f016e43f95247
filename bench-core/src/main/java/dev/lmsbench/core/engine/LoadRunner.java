package dev.lmsbench.core.engine;

import dev.lmsbench.core.load.Arrivals;
import dev.lmsbench.core.load.LoadSample;
import dev.lmsbench.core.load.LoadSpec;
import dev.lmsbench.core.model.RequestResult;
import dev.lmsbench.core.spi.InferenceResult;
import dev.lmsbench.core.spi.Workload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Sends one load stage: an open-loop pattern's requests each at its planned time, whether or not earlier ones have
 * finished (a platform thread keeps the clock; each request runs on a virtual thread, so a stream in flight holds no
 * platform thread), or a closed-loop pattern's requests by a fixed number of workers. The requests go through the
 * engine's one request path ({@link Sender}); this class only keeps time and records how each was sent.
 */
final class LoadRunner {

    private static final Logger LOG = LoggerFactory.getLogger(LoadRunner.class);
    /** A send later than this is logged at debug. */
    private static final long LATE_NANOS = 2_000_000L;

    /** How the engine makes one call of a stage. */
    interface Sender {
        /**
         * @param request  what the workload asks
         * @param index    the request's index in the stage
         * @param inFlight requests in flight with it, itself included
         * @param warmup   whether it is the unmeasured first request (recorded as a warmup row)
         * @param answered gets the answer when there is one
         * @return the result, or null when the request was cancelled
         */
        RequestResult send(Workload.Request request, int index, int inFlight, boolean warmup,
                           java.util.function.Consumer<InferenceResult> answered);
    }

    /** What a stage sent: the samples, and the indices the warmup and cooldown leave out. */
    record Sent(List<LoadSample> samples, Set<Integer> excluded) {
    }

    private final LoadSpec spec;
    private final Sender sender;
    private final BooleanSupplier cancelled;
    private final Workload.Session session;
    private final List<LoadSample> samples = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();

    private final boolean prime;

    /**
     * @param spec      the stage
     * @param sender    the engine's request path
     * @param cancelled whether the run was cancelled
     * @param prime     whether to send one unmeasured request first (the first stage on a fresh load)
     */
    LoadRunner(LoadSpec spec, Sender sender, BooleanSupplier cancelled, boolean prime) {
        this.spec = spec;
        this.sender = sender;
        this.cancelled = cancelled;
        this.prime = prime;
        this.session = spec.workload().start(spec.seed());
    }

    /**
     * On a fresh load (the runner was made with {@code prime}), sends the workload's first request once, unmeasured,
     * and waits for it (vLLM's initial test run): it checks that the server answers and takes the cold start of the
     * server (its first-request delay) and of this process (class loading, the first virtual threads and
     * connection) out of the stage's clock. Called before the stage's server metrics and CPU are first read, so that
     * they leave it out too. Does nothing otherwise.
     */
    void prime() {
        if (!prime || cancelled.getAsBoolean()) {
            return;
        }
        Workload.Request first = spec.workload().start(spec.seed()).next();
        Thread t = Thread.ofVirtual().name("lmsbench-load-prime").start(() ->
                sender.send(first, 0, 1, true, r -> { }));
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends the stage and waits for its last request to end.
     *
     * @return what was sent
     */
    Sent run() {
        long start = System.nanoTime();
        long limitNanos = spec.duration().isZero() ? Long.MAX_VALUE : spec.duration().toNanos();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            if (spec.pattern().openLoop()) {
                openLoop(pool, start, limitNanos);
            } else {
                closedLoop(pool, start, limitNanos);
            }
        }
        List<LoadSample> all;
        synchronized (samples) {
            all = List.copyOf(samples);
        }
        return new Sent(all, excluded(all));
    }

    private void openLoop(ExecutorService pool, long start, long limitNanos) {
        Arrivals arrivals = Arrivals.of(spec.pattern(), spec.seed());
        Semaphore slots = spec.maxConcurrency() > 0 ? new Semaphore(spec.maxConcurrency(), true) : null;
        for (int i = 0; spec.numRequests() == 0 || i < spec.numRequests(); i++) {
            long offset = arrivals.next();
            if (offset >= limitNanos) {
                break;
            }
            // built before its send time, so that building it never makes the send late
            Workload.Request request = next();
            long planned = start + offset;
            if (!sleepUntil(planned)) {
                return;
            }
            int index = i;
            pool.execute(() -> {
                long queued = 0;
                if (slots != null) {
                    long before = System.nanoTime();
                    try {
                        slots.acquire();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                    queued = Math.max(0, System.nanoTime() - before);
                }
                try {
                    call(request, index, planned, queued);
                } finally {
                    if (slots != null) {
                        slots.release();
                    }
                }
            });
        }
    }

    private void closedLoop(ExecutorService pool, long start, long limitNanos) {
        AtomicInteger claimed = new AtomicInteger();
        int workers = spec.pattern().concurrency();
        for (int w = 0; w < workers; w++) {
            pool.execute(() -> {
                while (!cancelled.getAsBoolean()) {
                    long ready = System.nanoTime();
                    if (ready - start >= limitNanos) {
                        return;
                    }
                    int index = claimed.getAndIncrement();
                    if (spec.numRequests() > 0 && index >= spec.numRequests()) {
                        return;
                    }
                    call(next(), index, ready, 0);
                }
            });
        }
    }

    private Workload.Request next() {
        synchronized (session) {
            return session.next();
        }
    }

    private void call(Workload.Request request, int index, long planned, long queued) {
        if (cancelled.getAsBoolean()) {
            return;
        }
        int now = inFlight.incrementAndGet();
        String[] answer = {""};
        RequestResult result;
        try {
            result = sender.send(request, index, now, false, r -> answer[0] = r.content());
        } finally {
            inFlight.decrementAndGet();
        }
        if (result == null) {
            return; // cancelled: not a measurement
        }
        LoadSample sample = new LoadSample(index, planned, queued, result.timings().sentNanos(), now,
                request.conversation(), request.turn());
        if (sample.lagNanos() > LATE_NANOS) {
            LOG.debug("request {} left {} ms after its planned time", index,
                    String.format(java.util.Locale.ROOT, "%.2f", sample.lagNanos() / 1e6));
        }
        synchronized (samples) {
            samples.add(sample);
        }
        try {
            synchronized (session) {
                session.answered(request, answer[0], result.success());
            }
        } catch (RuntimeException e) {
            LOG.warn("the {} workload failed to take an answer: {}", spec.workload().name(), e.toString());
            LOG.debug("workload failure", e);
        }
    }

    /** Parks until {@code deadline} ({@link System#nanoTime()}); false when the run was cancelled first. */
    private boolean sleepUntil(long deadline) {
        while (true) {
            if (cancelled.getAsBoolean()) {
                return false;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(left, 50_000_000L));
        }
    }

    /** The indices sent within the warmup after the first send or the cooldown before the last. */
    private Set<Integer> excluded(List<LoadSample> all) {
        Set<Integer> out = new HashSet<>();
        if (all.isEmpty() || (spec.warmup().isZero() && spec.cooldown().isZero())) {
            return out;
        }
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        for (LoadSample s : all) {
            first = Math.min(first, s.sentNanos());
            last = Math.max(last, s.sentNanos());
        }
        long warmupEnd = first + spec.warmup().toNanos();
        long cooldownStart = last - spec.cooldown().toNanos();
        for (LoadSample s : all) {
            if ((!spec.warmup().isZero() && s.sentNanos() < warmupEnd)
                    || (!spec.cooldown().isZero() && s.sentNanos() > cooldownStart)) {
                out.add(s.index());
            }
        }
        return out;
    }
}

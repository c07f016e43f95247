package dev.lmsbench.core.hardware;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Samples a {@link HardwareMonitor} at a fixed interval on one daemon platform thread, one model at a time:
 * {@link #start()} clears the samples and begins, {@link #stop()} ends and returns what was collected. Nothing a
 * monitor or the callback throws escapes: a failed sample is logged and skipped.
 *
 * <pre>{@code
 * try (HardwareSampler sampler = new HardwareSampler(monitor, Duration.ofMillis(250), s -> { })) {
 *     HardwareSample before = sampler.sampleNow();
 *     sampler.start();
 *     // ... load and measure ...
 *     List<HardwareSample> samples = sampler.stop();
 * }
 * }</pre>
 *
 * <p>Thread safety: start, stop and close are called from one thread (the engine); {@link #sampleNow()} and
 * {@link #latest()} may be called from any thread. After {@link #stop()} returns, the callback is not called again
 * until the next {@link #start()}.
 */
public final class HardwareSampler implements AutoCloseable {

    /** The default sampling interval. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(250);

    private static final Logger LOG = LoggerFactory.getLogger(HardwareSampler.class);

    private final HardwareMonitor monitor;
    private final Duration interval;
    private final Consumer<HardwareSample> onSample;
    private final ScheduledExecutorService executor;
    private final List<HardwareSample> samples = new ArrayList<>();
    private volatile HardwareSample latest;
    private ScheduledFuture<?> task;

    /**
     * Creates a sampler; no thread runs until {@link #start()}.
     *
     * @param monitor  the monitor (not closed by this sampler)
     * @param interval time between samples, positive
     * @param onSample called from the sampling thread with each periodic sample (must be fast)
     */
    public HardwareSampler(HardwareMonitor monitor, Duration interval, Consumer<HardwareSample> onSample) {
        this.monitor = Objects.requireNonNull(monitor, "monitor");
        this.interval = Objects.requireNonNull(interval, "interval");
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("sampling interval must be positive: " + interval);
        }
        this.onSample = Objects.requireNonNull(onSample, "onSample");
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lmsbench-hardware-sampler");
            t.setDaemon(true);
            return t;
        });
    }

    /** The sampling interval. @return the interval */
    public Duration interval() {
        return interval;
    }

    /**
     * Takes one sample now on the caller's thread, without recording it among the periodic samples.
     *
     * @return the sample, or null when the monitor failed
     */
    public HardwareSample sampleNow() {
        try {
            HardwareSample s = monitor.sample();
            if (s != null) {
                latest = s;
            }
            return s;
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("hardware sample failed: {}", e.toString());
            LOG.debug("sample failure", e);
            return null;
        }
    }

    /** The most recent successful sample (periodic or not), or null. @return the sample */
    public HardwareSample latest() {
        return latest;
    }

    /** Clears the samples and begins sampling every interval (the first sample is taken at once). */
    public synchronized void start() {
        stopTask();
        synchronized (samples) {
            samples.clear();
        }
        task = executor.scheduleAtFixedRate(this::tick, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /**
     * Stops sampling and waits for a sample in progress to finish.
     *
     * @return the samples taken since {@link #start()}, in order
     */
    public synchronized List<HardwareSample> stop() {
        stopTask();
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void stopTask() {
        if (task == null) {
            return;
        }
        task.cancel(false);
        task = null;
        // the executor has one thread: once this no-op ran, no tick is in progress any more
        try {
            executor.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("waiting for the sampler thread failed", e);
        }
    }

    private void tick() {
        try {
            HardwareSample s = sampleNow();
            if (s == null) {
                return;
            }
            synchronized (samples) {
                samples.add(s);
            }
            onSample.accept(s);
        } catch (RuntimeException e) {
            // never let an exception escape: it would silently end the periodic task
            LOG.warn("hardware sample callback failed: {}", e.toString());
            LOG.debug("callback failure", e);
        }
    }

    /** Stops sampling and ends the thread. Does not close the monitor. */
    @Override
    public synchronized void close() {
        stopTask();
        executor.shutdownNow();
    }
}

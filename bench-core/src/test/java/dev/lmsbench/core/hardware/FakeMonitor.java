package dev.lmsbench.core.hardware;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/** A scripted monitor for tests: the n-th call to {@link #sample()} (0-based) returns {@code script.apply(n)}. */
public final class FakeMonitor implements HardwareMonitor {

    /** Calls to {@link #sample()} so far. */
    public final AtomicInteger calls = new AtomicInteger();
    private final IntFunction<HardwareSample> script;
    /** Whether {@link #close()} was called. */
    public volatile boolean closed;

    /** @param script what the n-th sample returns (it may throw) */
    public FakeMonitor(IntFunction<HardwareSample> script) {
        this.script = script;
    }

    /** A sample with one GPU. @return the sample */
    public static HardwareSample sample(long vramUsed, double util, double watts, double celsius) {
        return new HardwareSample(System.nanoTime(), 20.0, 8_000_000_000L, 32_000_000_000L, 0, 500_000_000L,
                List.of(gpu(0, vramUsed, util, watts, celsius)));
    }

    /** One GPU. @return the GPU sample */
    public static GpuSample gpu(int index, long vramUsed, double util, double watts, double celsius) {
        return new GpuSample(index, "Fake GPU", vramUsed, 24_000_000_000L, -1, util, Double.NaN, watts, 300.0,
                celsius, -1, -1);
    }

    @Override
    public HardwareInfo describe() {
        return new HardwareInfo("FakeOS", "Fake CPU", 8, 16, 32_000_000_000L, "fake", "1.0", List.of(),
                List.of("fake: scripted"));
    }

    @Override
    public HardwareSample sample() {
        return script.apply(calls.getAndIncrement());
    }

    @Override
    public void close() {
        closed = true;
    }
}

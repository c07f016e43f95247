package dev.lmsbench.hardware;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;
import oshi.util.GlobalConfig;

/**
 * CPU, RAM, swap and this process's resident memory through OSHI. Each figure is read in its own try and becomes a
 * sentinel (-1, NaN) if OSHI cannot read it on this platform; if OSHI cannot start at all, every figure is a sentinel.
 * Thread-safe: {@link #sample()} is synchronized because CPU load is a difference against the previous sample.
 */
final class OshiCpuMemory {

    private static final Logger LOG = LoggerFactory.getLogger(OshiCpuMemory.class);
    private static final String OSHI_DEFAULT_EXPIRATION_MS = "300";
    /** The shortest time a CPU load is measured over: the kernel counts CPU time in 10 ms ticks. */
    static final long MIN_LOAD_WINDOW_NANOS = 50_000_000L;

    /** The figures of one sample. */
    record Figures(double cpuLoad, long ramUsedBytes, long ramTotalBytes, long swapUsedBytes, long processRssBytes) {
    }

    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final OperatingSystem os;
    private final OSProcess self;
    private final String osName;
    private final String cpuModel;
    private final int physicalCores;
    private final int logicalCores;
    private final String note;
    private long[] previousTicks;
    private long previousNanos;

    OshiCpuMemory() {
        CentralProcessor c = null;
        GlobalMemory m = null;
        OperatingSystem o = null;
        String n;
        try {
            uncacheReadings();
            SystemInfo info = new SystemInfo();
            c = info.getHardware().getProcessor();
            m = info.getHardware().getMemory();
            o = info.getOperatingSystem();
            n = "oshi: CPU and RAM from OSHI";
        } catch (Throwable e) { // an unsupported platform must not stop a benchmark; figures become sentinels
            LOG.warn("OSHI unavailable, CPU and RAM figures will be missing: {}", e.toString());
            n = "oshi: unavailable (" + e + "), CPU and RAM figures missing";
        }
        this.cpu = c;
        this.memory = m;
        this.os = o;
        this.note = n;
        OperatingSystem system = o;
        CentralProcessor processor = c;
        this.self = get(() -> system.getCurrentProcess(), null);
        this.osName = get(() -> system.toString(), "");
        this.cpuModel = get(() -> processor.getProcessorIdentifier().getName().strip(), "");
        this.physicalCores = get(() -> processor.getPhysicalProcessorCount(), -1);
        this.logicalCores = get(() -> processor.getLogicalProcessorCount(), -1);
    }

    /**
     * OSHI caches each reading for 300 ms by default ({@code oshi.util.memoizer.expiration}), so a sampler every 250 ms
     * would get the same CPU ticks in every other sample (load unknown) and stale RAM figures. Unless the user
     * configured another value, readings are cached for 1 ms instead: each sample reads {@code /proc} afresh. Takes
     * effect for OSHI objects created afterwards.
     */
    static void uncacheReadings() {
        if (OSHI_DEFAULT_EXPIRATION_MS.equals(GlobalConfig.get(GlobalConfig.OSHI_UTIL_MEMOIZER_EXPIRATION,
                OSHI_DEFAULT_EXPIRATION_MS))) {
            GlobalConfig.set(GlobalConfig.OSHI_UTIL_MEMOIZER_EXPIRATION, 1);
        }
    }

    String note() {
        return note;
    }

    String os() {
        return osName;
    }

    String cpuModel() {
        return cpuModel;
    }

    int physicalCores() {
        return physicalCores;
    }

    int logicalCores() {
        return logicalCores;
    }

    long ramTotalBytes() {
        return bytes(() -> memory.getTotal());
    }

    /**
     * Reads every figure now. CPU load is NaN on the first call, having no previous sample to compare with, and when
     * less than 50 ms passed since the sample it would be measured against (that sample then stays the baseline).
     */
    synchronized Figures sample() {
        long total = ramTotalBytes();
        long available = bytes(() -> memory.getAvailable());
        long used = total < 0 || available < 0 ? -1 : total - available;
        long swap = bytes(() -> memory.getVirtualMemory().getSwapUsed());
        long rss = bytes(() -> self.updateAttributes() ? self.getResidentSetSize() : -1);
        return new Figures(cpuLoad(), used, total, swap, rss);
    }

    private double cpuLoad() {
        long now = System.nanoTime();
        if (previousTicks != null && now - previousNanos < MIN_LOAD_WINDOW_NANOS) {
            // a few milliseconds hold one or two kernel ticks: 0% or 100% by chance. Keep the baseline, so the next
            // sample measures over a long enough window
            return Double.NaN;
        }
        long[] ticks = get(() -> cpu.getSystemCpuLoadTicks(), null);
        long[] previous = previousTicks;
        previousTicks = ticks;
        previousNanos = now;
        if (ticks == null || previous == null || previous.length != ticks.length) {
            return Double.NaN;
        }
        long total = 0;
        for (int i = 0; i < ticks.length; i++) {
            total += ticks[i] - previous[i];
        }
        long idle = ticks[CentralProcessor.TickType.IDLE.getIndex()] - previous[CentralProcessor.TickType.IDLE.getIndex()]
                + ticks[CentralProcessor.TickType.IOWAIT.getIndex()]
                - previous[CentralProcessor.TickType.IOWAIT.getIndex()];
        if (total <= 0) {
            return Double.NaN; // no tick elapsed between the samples: no measurement, not an idle machine
        }
        return Math.clamp(100.0 * (total - idle) / total, 0.0, 100.0);
    }

    private static long bytes(LongSupplier read) {
        try {
            long value = read.getAsLong();
            return value < 0 ? -1 : value;
        } catch (RuntimeException | LinkageError e) { // includes a null component when OSHI did not start
            return -1;
        }
    }

    private static <T> T get(Supplier<T> read, T sentinel) {
        try {
            T value = read.get();
            return value == null ? sentinel : value;
        } catch (RuntimeException | LinkageError e) {
            return sentinel;
        }
    }
}

package dev.lmsbench.core.hardware;

import java.util.Objects;

/**
 * One GPU's state at one instant. Unavailable figures are sentinels, never zeros that look real: {@code -1} for
 * counts and bytes, {@link Double#NaN} for ratios, watts and degrees.
 *
 * @param index              the device index as the backend numbers it
 * @param name               the device name, or {@code ""}
 * @param vramUsedBytes      dedicated memory in use, or -1
 * @param vramTotalBytes     dedicated memory in all, or -1
 * @param gttUsedBytes       AMD GTT (system memory mapped for the GPU) in use, or -1 (NVIDIA: always -1)
 * @param gpuUtilization     GPU busy fraction 0-100 (percent), or NaN
 * @param memoryUtilization  memory controller busy 0-100 (percent), or NaN
 * @param powerWatts         power draw in watts, or NaN
 * @param powerLimitWatts    enforced power limit in watts, or NaN
 * @param temperatureCelsius core temperature, or NaN
 * @param coreClockMhz       graphics clock, or -1
 * @param memoryClockMhz     memory clock, or -1
 * @param pcieGeneration     current PCIe link generation (1-6), or -1
 * @param pcieWidth          current PCIe link width in lanes, or -1
 */
public record GpuSample(int index, String name, long vramUsedBytes, long vramTotalBytes, long gttUsedBytes,
                        double gpuUtilization, double memoryUtilization, double powerWatts, double powerLimitWatts,
                        double temperatureCelsius, int coreClockMhz, int memoryClockMhz, int pcieGeneration,
                        int pcieWidth) {

    /** Normalizes the name. */
    public GpuSample {
        name = Objects.requireNonNullElse(name, "");
    }

    /** A sample without PCIe link figures (both -1). */
    public GpuSample(int index, String name, long vramUsedBytes, long vramTotalBytes, long gttUsedBytes,
                     double gpuUtilization, double memoryUtilization, double powerWatts, double powerLimitWatts,
                     double temperatureCelsius, int coreClockMhz, int memoryClockMhz) {
        this(index, name, vramUsedBytes, vramTotalBytes, gttUsedBytes, gpuUtilization, memoryUtilization, powerWatts,
                powerLimitWatts, temperatureCelsius, coreClockMhz, memoryClockMhz, -1, -1);
    }

    /**
     * A sample where every figure is unavailable, e.g. when the backend's tool failed for this sample.
     *
     * @param index the device index
     * @param name  the device name
     * @return the sample
     */
    public static GpuSample unavailable(int index, String name) {
        return new GpuSample(index, name, -1, -1, -1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN,
                -1, -1, -1, -1);
    }
}

package dev.lmsbench.core.hardware;

import java.util.List;

/**
 * The machine's state at one instant. Sentinels as in {@link GpuSample}: -1 for bytes, NaN for ratios.
 *
 * @param nanoTime         {@link System#nanoTime()} when the sample was taken
 * @param cpuLoad          whole-machine CPU load 0-100 (percent) since the previous sample, or NaN
 * @param ramUsedBytes     RAM in use, or -1
 * @param ramTotalBytes    RAM in all, or -1
 * @param swapUsedBytes    swap in use, or -1
 * @param processRssBytes  resident memory of this process, or -1
 * @param gpus             one entry per GPU the backend sees (empty without GPUs)
 */
public record HardwareSample(long nanoTime, double cpuLoad, long ramUsedBytes, long ramTotalBytes,
                             long swapUsedBytes, long processRssBytes, List<GpuSample> gpus) {

    /** Copies the list. */
    public HardwareSample {
        gpus = List.copyOf(gpus);
    }
}

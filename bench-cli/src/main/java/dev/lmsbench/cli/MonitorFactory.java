package dev.lmsbench.cli;

import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.hardware.HardwareMonitors;

/**
 * Where {@code run --enable-profiling} gets its hardware monitor: the seam between the CLI and bench-hardware, so
 * tests can hand in a fake monitor.
 */
@FunctionalInterface
interface MonitorFactory {

    /** The real one: detects NVML, nvidia-smi, ROCm SMI, sysfs, ... or CPU-only monitoring (bench-hardware). */
    MonitorFactory DETECT = HardwareMonitors::detect;

    /**
     * Creates a monitor; the caller closes it.
     *
     * @param includeGtt whether AMD GTT memory is sampled ({@code false} with {@code --disable-gtt})
     * @param backend    the GPU backend ({@code --gpu-backend}): {@code auto}, {@code none} or a backend name
     * @return the monitor, never null
     */
    HardwareMonitor create(boolean includeGtt, String backend);
}

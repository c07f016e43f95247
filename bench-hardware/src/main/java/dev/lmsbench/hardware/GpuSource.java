package dev.lmsbench.hardware;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import java.util.List;

/**
 * An opened GPU backend: the GPUs it sees and their state on demand. Returned by
 * {@link GpuBackendProvider#open(boolean)}; {@link HardwareMonitors} combines it with CPU and RAM figures.
 *
 * <p>Implementations must be thread-safe, must never throw from {@link #sample()} (an unreadable figure is a sentinel,
 * see {@link GpuSample}) and must release native resources in {@link #close()}, which is called exactly once.
 */
public interface GpuSource extends AutoCloseable {

    /** The backend name, as {@link GpuBackendProvider#name()}. @return the name */
    String backend();

    /** The GPU driver version, or {@code ""}. @return the version */
    String driverVersion();

    /** The GPUs found when the backend was opened. @return the GPUs, never empty */
    List<HardwareInfo.Gpu> gpus();

    /** One sample per GPU, in {@link #gpus()} order; empty after {@link #close()}. Never throws. @return samples */
    List<GpuSample> sample();

    /** Releases the backend. Never throws. */
    @Override
    void close();
}

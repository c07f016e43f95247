package dev.lmsbench.core.hardware;

/**
 * Reads the machine's CPU, memory and GPU state. Implementations live in bench-hardware (OSHI for CPU and RAM; NVML,
 * ROCm SMI, command-line tools or sysfs for GPUs) and are chosen by availability and priority; with no GPU at all a
 * monitor reports CPU and RAM only.
 *
 * <p>Never throws from {@link #sample()} and never returns null: a figure that cannot be read is a sentinel (-1, NaN).
 * A broken or missing native library must never stop a benchmark. Thread-safe: the sampler calls {@link #sample()}
 * from its own thread.
 */
public interface HardwareMonitor extends AutoCloseable {

    /** What was detected, and why each backend is or is not used. @return the description */
    HardwareInfo describe();

    /** Takes one sample now. @return the sample */
    HardwareSample sample();

    /** Releases native resources. Never throws. */
    @Override
    void close();
}

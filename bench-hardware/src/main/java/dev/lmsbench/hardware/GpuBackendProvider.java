package dev.lmsbench.hardware;

import java.util.Objects;

/**
 * A way to read GPUs, found with {@link java.util.ServiceLoader}: {@link HardwareMonitors} tries every provider in
 * descending {@link #priority()} and uses the first that opens with at least one GPU. The built-in ones are in
 * {@link BuiltInGpuBackends}; another module adds a backend by declaring
 * {@code provides dev.lmsbench.hardware.GpuBackendProvider with ...} (or a {@code META-INF/services} entry on the class
 * path).
 *
 * <p>{@link #open(boolean)} must never throw and never crash the process for a missing or broken vendor library:
 * it answers {@link Unavailable} with a reason a user can act on.
 */
public interface GpuBackendProvider {

    /** A short, unique, lower-case name for reports and {@code --gpu-backend}, e.g. {@code nvml}. @return the name */
    String name();

    /**
     * Higher is tried first. The built-in ones: nvml 300, nvidia-smi 250, rocm-smi 200, rocm-smi-cli 180, sysfs 150,
     * intel_gpu_top 100.
     *
     * @return the priority
     */
    int priority();

    /**
     * Opens the backend.
     *
     * @param includeGtt whether AMD GTT memory is read ({@code false}: every {@code gttUsedBytes} is -1)
     * @return the opened source, or why this backend is not available
     */
    Attempt open(boolean includeGtt);

    /** What {@link #open(boolean)} gave. */
    sealed interface Attempt permits Opened, Unavailable {
    }

    /**
     * The backend is open and sees at least one GPU.
     *
     * @param source the source; the caller closes it
     * @param detail what was opened, for the notes, e.g. {@code libnvidia-ml.so.1, 2 GPU(s), driver 550.54}
     */
    record Opened(GpuSource source, String detail) implements Attempt {

        /** Checks the arguments. */
        public Opened {
            Objects.requireNonNull(source, "source");
            detail = Objects.requireNonNullElse(detail, "");
        }
    }

    /**
     * The backend cannot be used here.
     *
     * @param reason why, e.g. {@code libnvidia-ml.so.1 not found}
     */
    record Unavailable(String reason) implements Attempt {

        /** Checks the argument. */
        public Unavailable {
            Objects.requireNonNull(reason, "reason");
        }
    }
}

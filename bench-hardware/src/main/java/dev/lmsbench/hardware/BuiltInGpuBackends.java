package dev.lmsbench.hardware;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The GPU backends that ship with bench-hardware, registered for {@link java.util.ServiceLoader} in
 * {@code module-info.java} and {@code META-INF/services}. Not meant to be used directly: call
 * {@link HardwareMonitors#detect(boolean, String)}.
 *
 * <p>The vendor libraries (NVML, ROCm SMI) are first initialized in a short-lived probe process
 * ({@link NativeProbe}), so a library that crashes or hangs in its init costs the GPU figures, never the benchmark.
 */
public final class BuiltInGpuBackends {

    private BuiltInGpuBackends() {
    }

    /** NVIDIA GPUs through NVML ({@code libnvidia-ml.so.1}), the most complete backend. */
    public static final class Nvml implements GpuBackendProvider {

        @Override
        public String name() {
            return NvmlDriver.BACKEND;
        }

        @Override
        public int priority() {
            return 300;
        }

        @Override
        public Attempt open(boolean includeGtt) {
            return openNative(NvmlDriver::load, NvmlDriver.BACKEND, includeGtt);
        }
    }

    /** AMD GPUs through ROCm SMI ({@code librocm_smi64.so}). */
    public static final class RocmSmi implements GpuBackendProvider {

        @Override
        public String name() {
            return RocmSmiDriver.BACKEND;
        }

        @Override
        public int priority() {
            return 200;
        }

        @Override
        public Attempt open(boolean includeGtt) {
            return openNative(RocmSmiDriver::load, RocmSmiDriver.BACKEND, includeGtt);
        }
    }

    /** NVIDIA GPUs through {@code nvidia-smi --query-gpu ... --format=csv}, when NVML cannot be loaded. */
    public static final class NvidiaSmi implements GpuBackendProvider {

        @Override
        public String name() {
            return NvidiaSmiDriver.BACKEND;
        }

        @Override
        public int priority() {
            return 250;
        }

        @Override
        public Attempt open(boolean includeGtt) {
            return openDriver(NvidiaSmiDriver.load(), includeGtt);
        }
    }

    /** AMD GPUs through {@code rocm-smi --json}, when the ROCm SMI library cannot be loaded. */
    public static final class RocmSmiCli implements GpuBackendProvider {

        @Override
        public String name() {
            return RocmSmiCliDriver.BACKEND;
        }

        @Override
        public int priority() {
            return 180;
        }

        @Override
        public Attempt open(boolean includeGtt) {
            return openDriver(RocmSmiCliDriver.load(), includeGtt);
        }
    }

    /** Intel GPUs through {@code intel_gpu_top -J} (utilization, power, clock; no VRAM figures). */
    public static final class IntelGpuTop implements GpuBackendProvider {

        @Override
        public String name() {
            return IntelGpuTopDriver.BACKEND;
        }

        @Override
        public int priority() {
            return 100;
        }

        @Override
        public Attempt open(boolean includeGtt) {
            return openDriver(IntelGpuTopDriver.load(), includeGtt);
        }
    }

    /** AMD GPUs through the amdgpu driver's sysfs files, for machines without ROCm. */
    public static final class SysfsAmd implements GpuBackendProvider {

        @Override
        public String name() {
            return SysfsAmdDriver.BACKEND;
        }

        @Override
        public int priority() {
            return 150;
        }

        @Override
        public Attempt open(boolean includeGtt) {
            Path drm = Path.of(System.getProperty(HardwareMonitors.SYSFS_DRM_PROPERTY, SysfsAmdDriver.DRM.toString()));
            return openDriver(SysfsAmdDriver.load(drm), includeGtt);
        }
    }

    /** Loads a vendor library, initializes it once in a probe process, then opens it here. */
    private static GpuBackendProvider.Attempt openNative(Supplier<DriverLoad> load, String backend,
                                                        boolean includeGtt) {
        DriverLoad loaded = load.get();
        if (loaded instanceof DriverLoad.Ready ready) {
            NativeProbe.Outcome probe = NativeProbe.run(backend, ready.driver().library());
            if (probe instanceof NativeProbe.Outcome.Refused refused) {
                return new GpuBackendProvider.Unavailable(refused.reason());
            }
        }
        return openDriver(loaded, includeGtt);
    }

    /** Initializes a loaded driver and counts its GPUs; never throws. */
    static GpuBackendProvider.Attempt openDriver(DriverLoad loaded, boolean includeGtt) {
        return switch (loaded) {
            case DriverLoad.Unavailable u -> new GpuBackendProvider.Unavailable(u.reason());
            case DriverLoad.Ready r -> openReady(r.driver(), includeGtt);
        };
    }

    private static GpuBackendProvider.Attempt openReady(GpuDriver driver, boolean includeGtt) {
        GpuQuery query;
        try {
            query = GpuQuery.open(driver, includeGtt);
        } catch (NativeStatusException e) {
            return new GpuBackendProvider.Unavailable(e.getMessage() + " (" + driver.library() + ")");
        }
        if (query.deviceCount() <= 0) {
            query.close();
            return new GpuBackendProvider.Unavailable(driver.library() + " reports no GPU");
        }
        return new GpuBackendProvider.Opened(query, driver.library() + ", " + query.deviceCount() + " GPU(s)"
                + (query.driverVersion().isEmpty() ? "" : ", driver " + query.driverVersion()));
    }
}

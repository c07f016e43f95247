package dev.lmsbench.hardware;

import dev.lmsbench.core.hardware.HardwareMonitor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link HardwareMonitor} for this machine: CPU and RAM through OSHI, plus the best GPU backend that is
 * available, tried in priority order: NVML ({@code libnvidia-ml.so.1}), then ROCm SMI ({@code librocm_smi64.so}),
 * then the amdgpu driver's sysfs files, then none (CPU and RAM only). A missing or failing library is never an
 * error: {@code describe().notes()} says, one line per backend, why it is or is not used.
 *
 * <pre>{@code
 * try (HardwareMonitor monitor = HardwareMonitors.detect()) {
 *     monitor.describe().notes().forEach(System.out::println);
 *     HardwareSample sample = monitor.sample();
 * }
 * }</pre>
 *
 * <p>The monitor keeps the GPU library initialized until {@link HardwareMonitor#close()}; close it when done.
 */
public final class HardwareMonitors {

    /** System property: full path of the NVML library to load instead of the system's. */
    public static final String NVML_LIBRARY_PROPERTY = "lmsbench.nvml.library";

    /** System property: full path of the ROCm SMI library to load instead of the system's. */
    public static final String ROCM_SMI_LIBRARY_PROPERTY = "lmsbench.rocmsmi.library";

    /** System property: the directory to read instead of {@code /sys/class/drm} (tests, containers). */
    public static final String SYSFS_DRM_PROPERTY = "lmsbench.sysfs.drm";

    private static final Logger LOG = LoggerFactory.getLogger(HardwareMonitors.class);

    /** A GPU backend that may be available; higher priority is tried first. */
    private record Candidate(String backend, int priority, Supplier<DriverLoad> load) {
    }

    private static List<Candidate> candidates(Path drm) {
        return List.of(
                new Candidate(NvmlDriver.BACKEND, 300, NvmlDriver::load),
                new Candidate(RocmSmiDriver.BACKEND, 200, RocmSmiDriver::load),
                new Candidate(SysfsAmdDriver.BACKEND, 100, () -> SysfsAmdDriver.load(drm)));
    }

    private HardwareMonitors() {
    }

    /**
     * Detects the hardware, GTT included for AMD GPUs.
     *
     * @return a monitor; never null, never throws
     */
    public static HardwareMonitor detect() {
        return detect(true);
    }

    /**
     * Detects the hardware.
     *
     * @param includeGtt whether AMD GTT (system memory mapped for the GPU) is sampled; {@code false} makes
     *                   {@code gttUsedBytes} -1 ({@code --disable-gtt})
     * @return a monitor; never null, never throws
     */
    public static HardwareMonitor detect(boolean includeGtt) {
        Path drm = Path.of(System.getProperty(SYSFS_DRM_PROPERTY, SysfsAmdDriver.DRM.toString()));
        OshiCpuMemory cpu = new OshiCpuMemory();
        List<String> notes = new ArrayList<>();
        notes.add(cpu.note());
        GpuQuery chosen = null;
        for (Candidate candidate : candidates(drm).stream()
                .sorted(Comparator.comparingInt(Candidate::priority).reversed()).toList()) {
            if (chosen != null) {
                notes.add(candidate.backend() + ": not tried, " + chosen.backend() + " has priority");
                continue;
            }
            chosen = tryBackend(candidate, includeGtt, notes);
        }
        if (chosen == null) {
            notes.add("none: no GPU backend available, GPU data unavailable; CPU and RAM only");
        }
        notes.forEach(note -> LOG.debug("hardware: {}", note));
        return new CompositeHardwareMonitor(cpu, chosen, notes);
    }

    private static GpuQuery tryBackend(Candidate candidate, boolean includeGtt, List<String> notes) {
        String name = candidate.backend();
        try {
            return switch (candidate.load().get()) {
                case DriverLoad.Unavailable u -> {
                    notes.add(name + ": " + u.reason());
                    yield null;
                }
                case DriverLoad.Ready r -> open(r.driver(), includeGtt, notes);
            };
        } catch (RuntimeException | LinkageError e) { // belt and braces: detection must never stop a benchmark
            notes.add(name + ": failed (" + e + ")");
            return null;
        }
    }

    private static GpuQuery open(GpuDriver driver, boolean includeGtt, List<String> notes) {
        String name = driver.backend();
        GpuQuery query;
        try {
            query = GpuQuery.open(driver, includeGtt);
        } catch (NativeStatusException e) {
            notes.add(name + ": " + e.getMessage() + " (" + driver.library() + ")");
            return null;
        }
        if (query.deviceCount() <= 0) {
            query.close();
            notes.add(name + ": " + driver.library() + " reports no GPU");
            return null;
        }
        notes.add(name + ": used (" + driver.library() + ", " + query.deviceCount() + " GPU(s)"
                + (query.driverVersion().isEmpty() ? "" : ", driver " + query.driverVersion()) + ")");
        return query;
    }
}

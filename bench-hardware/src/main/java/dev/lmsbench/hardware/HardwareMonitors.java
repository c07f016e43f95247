package dev.lmsbench.hardware;

import dev.lmsbench.core.hardware.HardwareMonitor;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the {@link HardwareMonitor} for this machine: CPU and RAM through OSHI, plus the best GPU backend that is
 * available. Backends are {@link GpuBackendProvider}s found with {@link ServiceLoader} and tried by descending
 * priority: NVML ({@code libnvidia-ml.so.1}), {@code nvidia-smi}, ROCm SMI ({@code librocm_smi64.so}),
 * {@code rocm-smi --json}, the amdgpu driver's sysfs files, {@code intel_gpu_top -J}; then none (CPU and RAM only). A missing or failing library is never an
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

    /** System property: the directory to read instead of {@code /sys/bus/pci/devices} (ROCm clocks and PCIe link). */
    public static final String SYSFS_PCI_PROPERTY = "lmsbench.sysfs.pci";

    private static final Logger LOG = LoggerFactory.getLogger(HardwareMonitors.class);

    /** {@code --gpu-backend} value: try every backend by priority. */
    public static final String AUTO = "auto";

    /** {@code --gpu-backend} value: no GPU backend, CPU and RAM only. */
    public static final String NONE = "none";

    private HardwareMonitors() {
    }

    /**
     * Detects the hardware, GTT included for AMD GPUs, trying every GPU backend.
     *
     * @return a monitor; never null, never throws
     */
    public static HardwareMonitor detect() {
        return detect(true, AUTO);
    }

    /**
     * Detects the hardware, trying every GPU backend.
     *
     * @param includeGtt whether AMD GTT (system memory mapped for the GPU) is sampled; {@code false} makes
     *                   {@code gttUsedBytes} -1 ({@code --disable-gtt})
     * @return a monitor; never null, never throws
     */
    public static HardwareMonitor detect(boolean includeGtt) {
        return detect(includeGtt, AUTO);
    }

    /**
     * Detects the hardware with a chosen GPU backend.
     *
     * @param includeGtt whether AMD GTT is sampled
     * @param backend    {@link #AUTO} (every backend by priority, the first that sees a GPU wins), {@link #NONE}
     *                   (CPU and RAM only) or one of {@link #backendNames()}
     * @return a monitor; never null
     * @throws IllegalArgumentException if {@code backend} is none of those
     */
    public static HardwareMonitor detect(boolean includeGtt, String backend) {
        List<GpuBackendProvider> providers = providers();
        if (!AUTO.equals(backend) && !NONE.equals(backend)
                && providers.stream().noneMatch(p -> p.name().equals(backend))) {
            throw new IllegalArgumentException("unknown GPU backend '" + backend + "'; expected one of "
                    + String.join(", ", choices(providers)));
        }
        OshiCpuMemory cpu = new OshiCpuMemory();
        List<String> notes = new ArrayList<>();
        notes.add(cpu.note());
        GpuSource chosen = null;
        for (GpuBackendProvider provider : providers) {
            String name = provider.name();
            if (chosen != null) {
                notes.add(name + ": not tried, " + chosen.backend() + " has priority");
            } else if (!AUTO.equals(backend) && !name.equals(backend)) {
                notes.add(name + ": not tried, --gpu-backend " + backend);
            } else {
                chosen = tryBackend(provider, includeGtt, notes);
            }
        }
        if (chosen == null) {
            notes.add(NONE + ": " + (NONE.equals(backend) ? "--gpu-backend none" : "no GPU backend available")
                    + ", GPU data unavailable; CPU and RAM only");
        }
        notes.forEach(note -> LOG.debug("hardware: {}", note));
        return new CompositeHardwareMonitor(cpu, chosen, notes);
    }

    /**
     * The GPU backends this build can use, highest priority first (found with {@link ServiceLoader}).
     *
     * @return backend names, e.g. {@code [nvml, nvidia-smi, rocm-smi, ...]}
     */
    public static List<String> backendNames() {
        return providers().stream().map(GpuBackendProvider::name).toList();
    }

    /** Every value {@code detect} accepts as its backend. */
    private static List<String> choices(List<GpuBackendProvider> providers) {
        List<String> choices = new ArrayList<>(List.of(AUTO, NONE));
        providers.forEach(p -> choices.add(p.name()));
        return choices;
    }

    /** The providers by descending priority; a provider that fails to instantiate is logged and left out. */
    private static List<GpuBackendProvider> providers() {
        List<GpuBackendProvider> found = new ArrayList<>();
        Set<String> names = new HashSet<>();
        ServiceLoader<GpuBackendProvider> loader = ServiceLoader.load(GpuBackendProvider.class,
                HardwareMonitors.class.getClassLoader());
        for (Iterator<GpuBackendProvider> it = loader.iterator(); ; ) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                GpuBackendProvider provider = it.next();
                if (names.add(provider.name())) {
                    found.add(provider);
                } else {
                    LOG.debug("hardware: second GPU backend named {} ({}) ignored", provider.name(),
                            provider.getClass().getName());
                }
            } catch (ServiceConfigurationError e) {
                LOG.debug("hardware: a GPU backend provider could not be loaded: {}", e.toString());
            }
        }
        found.sort(Comparator.comparingInt(GpuBackendProvider::priority).reversed()
                .thenComparing(GpuBackendProvider::name));
        return List.copyOf(found);
    }

    private static GpuSource tryBackend(GpuBackendProvider provider, boolean includeGtt, List<String> notes) {
        String name = provider.name();
        try {
            return switch (provider.open(includeGtt)) {
                case GpuBackendProvider.Unavailable u -> {
                    notes.add(name + ": " + u.reason());
                    yield null;
                }
                case GpuBackendProvider.Opened o -> {
                    notes.add(name + ": used (" + o.detail() + ")");
                    yield o.source();
                }
            };
        } catch (RuntimeException | LinkageError e) { // belt and braces: detection must never stop a benchmark
            notes.add(name + ": failed (" + e + ")");
            return null;
        }
    }
}

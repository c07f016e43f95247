package dev.lmsbench.hardware;

import com.sun.jna.Library;
import com.sun.jna.Native;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Points production code at the fake NVML and ROCm SMI libraries that the build compiles from src/test/native, and
 * writes the key=value files they read at every init. The config paths come from the environment (surefire sets
 * FAKE_NVML_CONFIG and FAKE_ROCM_SMI_CONFIG) because that is where the C code looks.
 */
final class FakeGpuLibraries {

    static final Path NATIVE_DIR = Path.of(System.getProperty("lmsbench.test.native.dir", "target/native"));
    static final Path NVML = NATIVE_DIR.resolve("libnvidia-ml.so.1").toAbsolutePath();
    static final Path ROCM_SMI = NATIVE_DIR.resolve("librocm_smi64.so").toAbsolutePath();
    static final Path ABSENT_NVML = NATIVE_DIR.resolve("absent/libnvidia-ml.so.1").toAbsolutePath();
    static final Path ABSENT_ROCM_SMI = NATIVE_DIR.resolve("absent/librocm_smi64.so").toAbsolutePath();
    static final Path ABSENT_DRM = NATIVE_DIR.resolve("absent/drm").toAbsolutePath();
    /** The command-line fallbacks' properties, each pointed at an absent executable to hide this machine's tools. */
    static final java.util.List<String> TOOL_PROPERTIES = java.util.List.of(NvidiaSmiDriver.TOOL_PROPERTY,
            RocmSmiCliDriver.TOOL_PROPERTY, IntelGpuTopDriver.TOOL_PROPERTY);

    /** Test-only exports of the fakes: inits minus shutdowns, to check that every init is shut down. */
    interface Hooks extends Library {
        int fake_nvml_active_inits();

        int fake_rsmi_active_inits();
    }

    private FakeGpuLibraries() {
    }

    /** NVML from the fake, ROCm SMI absent. */
    static void useNvml(Map<String, String> config) {
        hideSysfs();
        write("FAKE_NVML_CONFIG", config);
        System.setProperty(HardwareMonitors.NVML_LIBRARY_PROPERTY, NVML.toString());
        System.setProperty(HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY, ABSENT_ROCM_SMI.toString());
    }

    /** ROCm SMI from the fake, NVML absent. */
    static void useRocmSmi(Map<String, String> config) {
        hideSysfs();
        write("FAKE_ROCM_SMI_CONFIG", config);
        System.setProperty(HardwareMonitors.NVML_LIBRARY_PROPERTY, ABSENT_NVML.toString());
        System.setProperty(HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY, ROCM_SMI.toString());
    }

    /** Both fakes present, with these configurations. */
    static void useBoth(Map<String, String> nvml, Map<String, String> rocmSmi) {
        hideSysfs();
        write("FAKE_NVML_CONFIG", nvml);
        write("FAKE_ROCM_SMI_CONFIG", rocmSmi);
        System.setProperty(HardwareMonitors.NVML_LIBRARY_PROPERTY, NVML.toString());
        System.setProperty(HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY, ROCM_SMI.toString());
    }

    /** Neither library present. */
    static void useNone() {
        hideSysfs();
        System.setProperty(HardwareMonitors.NVML_LIBRARY_PROPERTY, ABSENT_NVML.toString());
        System.setProperty(HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY, ABSENT_ROCM_SMI.toString());
    }

    static void reset() {
        System.clearProperty(HardwareMonitors.NVML_LIBRARY_PROPERTY);
        System.clearProperty(HardwareMonitors.ROCM_SMI_LIBRARY_PROPERTY);
        System.clearProperty(HardwareMonitors.SYSFS_DRM_PROPERTY);
        System.clearProperty(HardwareMonitors.SYSFS_PCI_PROPERTY);
        TOOL_PROPERTIES.forEach(System::clearProperty);
    }

    static int activeNvmlInits() {
        return Native.load(NVML.toString(), Hooks.class).fake_nvml_active_inits();
    }

    static int activeRocmSmiInits() {
        return Native.load(ROCM_SMI.toString(), Hooks.class).fake_rsmi_active_inits();
    }

    /** Hides this machine's own sysfs so a test never depends on the GPUs it runs on. */
    private static void hideSysfs() {
        System.setProperty(HardwareMonitors.SYSFS_DRM_PROPERTY, ABSENT_DRM.toString());
        System.setProperty(HardwareMonitors.SYSFS_PCI_PROPERTY, ABSENT_DRM.resolveSibling("pci").toString());
        // and its nvidia-smi, rocm-smi and intel_gpu_top
        TOOL_PROPERTIES.forEach(p -> System.setProperty(p, NATIVE_DIR.resolve("absent/" + p).toAbsolutePath()
                .toString()));
    }

    private static void write(String variable, Map<String, String> config) {
        String path = System.getenv(variable);
        if (path == null) {
            throw new IllegalStateException(variable + " is not set; run the tests through Maven (surefire sets it)");
        }
        try {
            Path file = Path.of(path);
            Files.createDirectories(file.getParent());
            Files.writeString(file, new TreeMap<>(config).entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

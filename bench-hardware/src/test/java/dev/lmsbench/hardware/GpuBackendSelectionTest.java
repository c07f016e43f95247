package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareMonitor;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a backend is chosen: providers found with ServiceLoader, tried by priority, or one named by the user; and the
 * probe process that keeps a crashing or hanging vendor library out of the benchmark's process.
 */
class GpuBackendSelectionTest {

    private HardwareMonitor monitor;

    @AfterEach
    void closeAndReset() {
        if (monitor != null) {
            monitor.close();
        }
        System.clearProperty(NativeProbe.TIMEOUT_PROPERTY);
        System.clearProperty(NativeProbe.JAVA_PROPERTY);
        FakeGpuLibraries.reset();
    }

    @Test
    void theServiceFileRegistersEveryBuiltInBackendForClassPathUse() throws IOException {
        List<String> registered;
        try (InputStream in = HardwareMonitors.class.getResourceAsStream(
                "/META-INF/services/" + GpuBackendProvider.class.getName())) {
            assertThat(in).as("META-INF/services file").isNotNull();
            registered = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#")).sorted().toList();
        }
        List<String> builtIn = Arrays.stream(BuiltInGpuBackends.class.getClasses())
                .filter(GpuBackendProvider.class::isAssignableFrom).map(Class::getName).sorted().toList();

        assertThat(registered).isEqualTo(builtIn);
    }

    @Test
    void backendsAreListedByDescendingPriority() {
        assertThat(HardwareMonitors.backendNames()).containsExactly("nvml", "nvidia-smi", "rocm-smi", "rocm-smi-cli",
                "sysfs", "intel_gpu_top");
        assertThat(HardwareMonitors.backendNames().indexOf("nvml"))
                .isLessThan(HardwareMonitors.backendNames().indexOf("rocm-smi"));
        assertThat(HardwareMonitors.backendNames().indexOf("rocm-smi"))
                .isLessThan(HardwareMonitors.backendNames().indexOf("sysfs"));
    }

    @Test
    void aNamedBackendIsUsedEvenWhenAHigherPriorityOneIsAvailable() {
        FakeGpuLibraries.useBoth(Map.of("gpu0.name", "NVIDIA Fake"), Map.of("gpu0.name", "AMD Fake"));
        monitor = HardwareMonitors.detect(true, "rocm-smi");

        assertThat(monitor.describe().gpuBackend()).isEqualTo("rocm-smi");
        assertThat(monitor.describe().notes()).contains("nvml: not tried, --gpu-backend rocm-smi");
        assertThat(monitor.sample().gpus()).extracting(GpuSample::name).containsExactly("AMD Fake");
    }

    @Test
    void backendNoneGivesCpuAndRamOnlyAndSaysSo() {
        FakeGpuLibraries.useNvml(Map.of("gpu0.name", "NVIDIA Fake"));
        monitor = HardwareMonitors.detect(true, HardwareMonitors.NONE);

        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).contains("nvml: not tried, --gpu-backend none")
                .anySatisfy(n -> assertThat(n).startsWith("none: --gpu-backend none"));
        assertThat(monitor.sample().gpus()).isEmpty();
    }

    @Test
    void anUnknownBackendNameIsRejectedWithTheChoices() {
        assertThatThrownBy(() -> HardwareMonitors.detect(true, "cuda"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown GPU backend 'cuda'").hasMessageContaining("auto, none, nvml");
    }

    @Test
    void withoutTheNvmlLibraryDetectionFallsBackToNvidiaSmi(@TempDir Path tools) {
        FakeGpuLibraries.useNone();
        System.setProperty(NvidiaSmiDriver.TOOL_PROPERTY,
                FakeTool.printing(tools, "nvidia-smi", "nvidia-smi/two-gpus.csv").toString());
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("nvidia-smi");
        assertThat(monitor.describe().driver()).isEqualTo("550.54.14");
        assertThat(monitor.describe().notes())
                .anySatisfy(n -> assertThat(n).startsWith("nvml: ").contains("not found"))
                .anySatisfy(n -> assertThat(n).startsWith("nvidia-smi: used (").contains("2 GPU(s)"))
                .contains("rocm-smi: not tried, nvidia-smi has priority");
        assertThat(monitor.sample().gpus()).extracting(GpuSample::name)
                .containsExactly("NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3090");
    }

    @Test
    void withoutTheRocmSmiLibraryDetectionFallsBackToTheRocmSmiTool(@TempDir Path tools) {
        FakeGpuLibraries.useNone();
        System.setProperty(RocmSmiCliDriver.TOOL_PROPERTY,
                FakeTool.printing(tools, "rocm-smi", "rocm-smi/rx6700xt_rocm612.json").toString());
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("rocm-smi-cli");
        assertThat(monitor.describe().notes())
                .anySatisfy(n -> assertThat(n).startsWith("nvidia-smi: ").contains("not found"))
                .anySatisfy(n -> assertThat(n).startsWith("rocm-smi: ").contains("not found"));
        assertThat(monitor.sample().gpus()).singleElement()
                .satisfies(g -> assertThat(g.vramTotalBytes()).isPositive());
    }

    @Test
    void aToolThatFailsIsNotedAndTheNextBackendIsTried(@TempDir Path tools) {
        FakeGpuLibraries.useNone();
        System.setProperty(NvidiaSmiDriver.TOOL_PROPERTY, FakeTool.failing(tools, "nvidia-smi", 9,
                "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.").toString());
        System.setProperty(RocmSmiCliDriver.TOOL_PROPERTY,
                FakeTool.printing(tools, "rocm-smi", "rocm-smi/rx6700xt_rocm612.json").toString());
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("rocm-smi-cli");
        assertThat(monitor.describe().notes()).anySatisfy(n -> assertThat(n).startsWith("nvidia-smi: "));
    }

    @Test
    void aLibraryThatCrashesInInitIsKeptOutOfTheProcessAndTheRunGoesOn() {
        // the fake dereferences a null pointer inside nvmlInit_v2: in this JVM that would be a fatal SIGSEGV
        FakeGpuLibraries.useBoth(Map.of("crash_on_init", "1"), Map.of("gpu0.name", "AMD Fake"));
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: " + FakeGpuLibraries.NVML + " crashed a probe process during init (exit 134")
                .contains("not loaded, GPU data unavailable"));
        assertThat(monitor.describe().gpuBackend()).isEqualTo("rocm-smi");
        assertThat(monitor.sample().gpus()).extracting(GpuSample::name).containsExactly("AMD Fake");
        assertThat(FakeGpuLibraries.activeNvmlInits()).as("nvmlInit never ran in this process").isZero();
    }

    @Test
    void aProbeProcessThatCannotStartDoesNotCostTheGpu(@TempDir Path bin) {
        // a java that refuses to start (as one rejecting an option would): the library was never touched there
        System.setProperty(NativeProbe.JAVA_PROPERTY, FakeTool.failing(bin, "java", 1,
                "Error: Could not create the Java Virtual Machine.").toString());
        FakeGpuLibraries.useNvml(Map.of("gpu0.name", "NVIDIA Fake"));
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("nvml");
        assertThat(monitor.sample().gpus()).extracting(GpuSample::name).containsExactly("NVIDIA Fake");
    }

    @Test
    void aLibraryThatHangsInInitIsGivenUpAfterTheProbeTimeout() {
        System.setProperty(NativeProbe.TIMEOUT_PROPERTY, "1500");
        FakeGpuLibraries.useNvml(Map.of("hang_on_init", "60"));
        long started = System.nanoTime();
        monitor = HardwareMonitors.detect();

        assertThat((System.nanoTime() - started) / 1_000_000).isLessThan(15_000);
        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: " + FakeGpuLibraries.NVML + " did not finish initializing within 1500 ms"));
        assertThat(monitor.sample().ramTotalBytes()).isPositive();
    }
}

package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import dev.lmsbench.core.hardware.HardwareSample;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The NVML backend against the fake libnvidia-ml.so.1, loaded through JNA exactly as the real one. */
class NvmlMonitorTest {

    private static final long GIB = 1L << 30;

    private HardwareMonitor monitor;

    @AfterEach
    void closeAndReset() {
        if (monitor != null) {
            monitor.close();
        }
        FakeGpuLibraries.reset();
    }

    private static Map<String, String> rtx4090() {
        Map<String, String> config = new HashMap<>();
        config.put("count", "1");
        config.put("driver", "550.54.15");
        config.put("gpu0.name", "NVIDIA GeForce RTX 4090");
        config.put("gpu0.uuid", "GPU-12345678-abcd");
        config.put("gpu0.mem_total", String.valueOf(24 * GIB));
        config.put("gpu0.mem_used", String.valueOf(9 * GIB));
        config.put("gpu0.util_gpu", "87");
        config.put("gpu0.util_mem", "41");
        config.put("gpu0.power_mw", "312500");
        config.put("gpu0.power_limit_mw", "450000");
        config.put("gpu0.temp", "71");
        config.put("gpu0.clock_graphics", "2520");
        config.put("gpu0.clock_mem", "10501");
        config.put("gpu0.pcie_gen", "4");
        config.put("gpu0.pcie_width", "16");
        return config;
    }

    @Test
    void reportsTheVramPowerTemperatureUtilizationAndClocksTheLibraryReturns() {
        FakeGpuLibraries.useNvml(rtx4090());
        monitor = HardwareMonitors.detect();

        GpuSample gpu = monitor.sample().gpus().getFirst();

        assertThat(gpu.index()).isZero();
        assertThat(gpu.name()).isEqualTo("NVIDIA GeForce RTX 4090");
        assertThat(gpu.vramTotalBytes()).isEqualTo(24 * GIB);
        assertThat(gpu.vramUsedBytes()).isEqualTo(9 * GIB);
        assertThat(gpu.gttUsedBytes()).isEqualTo(-1);
        assertThat(gpu.gpuUtilization()).isEqualTo(87.0);
        assertThat(gpu.memoryUtilization()).isEqualTo(41.0);
        assertThat(gpu.powerWatts()).isCloseTo(312.5, within(1e-9));
        assertThat(gpu.powerLimitWatts()).isCloseTo(450.0, within(1e-9));
        assertThat(gpu.temperatureCelsius()).isEqualTo(71.0);
        assertThat(gpu.coreClockMhz()).isEqualTo(2520);
        assertThat(gpu.memoryClockMhz()).isEqualTo(10501);
        assertThat(gpu.pcieGeneration()).isEqualTo(4);
        assertThat(gpu.pcieWidth()).isEqualTo(16);
    }

    @Test
    void describesTheGpuTheDriverAndWhyNvmlIsUsed() {
        FakeGpuLibraries.useNvml(rtx4090());
        monitor = HardwareMonitors.detect();

        HardwareInfo info = monitor.describe();

        assertThat(info.gpuBackend()).isEqualTo("nvml");
        assertThat(info.driver()).isEqualTo("550.54.15");
        assertThat(info.gpus()).containsExactly(
                new HardwareInfo.Gpu(0, "NVIDIA GeForce RTX 4090", "GPU-12345678-abcd", 24 * GIB));
        assertThat(info.notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: used (").contains("1 GPU(s)", "driver 550.54.15"));
        assertThat(info.notes()).contains("rocm-smi: not tried, nvml has priority",
                "sysfs: not tried, nvml has priority");
    }

    @Test
    void samplesEveryDeviceTheLibraryCounts() {
        Map<String, String> config = rtx4090();
        config.put("count", "2");
        config.put("gpu1.name", "NVIDIA RTX A6000");
        config.put("gpu1.mem_used", String.valueOf(3 * GIB));
        FakeGpuLibraries.useNvml(config);
        monitor = HardwareMonitors.detect();

        assertThat(monitor.sample().gpus()).extracting(GpuSample::index, GpuSample::name, GpuSample::vramUsedBytes)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(0, "NVIDIA GeForce RTX 4090", 9 * GIB),
                        org.assertj.core.groups.Tuple.tuple(1, "NVIDIA RTX A6000", 3 * GIB));
    }

    @Test
    void anInitErrorMakesGpuDataUnavailableWithTheReasonWhileCpuAndRamAreStillSampled() {
        Map<String, String> config = rtx4090();
        config.put("init", "9");
        FakeGpuLibraries.useNvml(config);
        monitor = HardwareMonitors.detect();

        HardwareSample sample = monitor.sample();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: nvmlInit_v2 returned 9 (NVML_ERROR_DRIVER_NOT_LOADED)"));
        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note).contains("GPU data unavailable"));
        assertThat(sample.gpus()).isEmpty();
        assertThat(sample.ramTotalBytes()).isPositive();
        assertThat(FakeGpuLibraries.activeNvmlInits()).isZero();
    }

    @Test
    void aFailingDeviceCountShutsTheLibraryDownAgain() {
        Map<String, String> config = rtx4090();
        config.put("error.nvmlDeviceGetCount_v2", "15");
        FakeGpuLibraries.useNvml(config);
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: nvmlDeviceGetCount_v2 returned 15 (NVML_ERROR_GPU_IS_LOST)"));
        assertThat(FakeGpuLibraries.activeNvmlInits()).isZero();
    }

    @Test
    void anErrorOnOneCallMakesOnlyThatFigureASentinel() {
        Map<String, String> config = rtx4090();
        config.put("error.nvmlDeviceGetPowerUsage", "3");
        config.put("error.nvmlDeviceGetClockInfo", "4");
        FakeGpuLibraries.useNvml(config);
        monitor = HardwareMonitors.detect();

        GpuSample gpu = monitor.sample().gpus().getFirst();

        assertThat(gpu.powerWatts()).isNaN();
        assertThat(gpu.coreClockMhz()).isEqualTo(-1);
        assertThat(gpu.memoryClockMhz()).isEqualTo(-1);
        assertThat(gpu.powerLimitWatts()).isCloseTo(450.0, within(1e-9));
        assertThat(gpu.vramUsedBytes()).isEqualTo(9 * GIB);
        assertThat(gpu.temperatureCelsius()).isEqualTo(71.0);
        assertThat(gpu.gpuUtilization()).isEqualTo(87.0);
    }

    @Test
    void anUnreadableMemoryInfoLeavesVramAsSentinelsInTheDescriptionAndTheSample() {
        Map<String, String> config = rtx4090();
        config.put("error.nvmlDeviceGetMemoryInfo", "3");
        FakeGpuLibraries.useNvml(config);
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpus().getFirst().vramTotalBytes()).isEqualTo(-1);
        GpuSample gpu = monitor.sample().gpus().getFirst();
        assertThat(gpu.vramTotalBytes()).isEqualTo(-1);
        assertThat(gpu.vramUsedBytes()).isEqualTo(-1);
        assertThat(gpu.powerWatts()).isCloseTo(312.5, within(1e-9));
    }

    @Test
    void aMissingLibraryIsReportedAsNotFound() {
        FakeGpuLibraries.useNone();
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).contains(
                "nvml: " + FakeGpuLibraries.ABSENT_NVML + " not found",
                "rocm-smi: " + FakeGpuLibraries.ABSENT_ROCM_SMI + " not found",
                "sysfs: " + FakeGpuLibraries.ABSENT_DRM + " not found");
        assertThat(monitor.sample().gpus()).isEmpty();
    }

    @Test
    void closingShutsNvmlDownOnceAndLaterSamplesHaveNoGpus() {
        FakeGpuLibraries.useNvml(rtx4090());
        monitor = HardwareMonitors.detect();
        assertThat(FakeGpuLibraries.activeNvmlInits()).isEqualTo(1);

        monitor.close();
        monitor.close();

        assertThat(FakeGpuLibraries.activeNvmlInits()).isZero();
        assertThat(monitor.sample().gpus()).isEmpty();
    }

    @Test
    void nvmlHasPriorityOverRocmSmiWhenBothAreAvailable() {
        FakeGpuLibraries.useBoth(rtx4090(), Map.of("gpu0.name", "AMD Radeon RX 7900 XTX"));
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("nvml");
        assertThat(FakeGpuLibraries.activeRocmSmiInits()).isZero();
    }

    @Test
    void rocmSmiIsUsedWhenNvmlFailsToInitialize() {
        Map<String, String> nvml = rtx4090();
        nvml.put("init", "12");
        FakeGpuLibraries.useBoth(nvml, Map.of("gpu0.name", "AMD Radeon RX 7900 XTX"));
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("rocm-smi");
        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: nvmlInit_v2 returned 12 (NVML_ERROR_LIBRARY_NOT_FOUND)"));
        assertThat(monitor.sample().gpus()).extracting(GpuSample::name).containsExactly("AMD Radeon RX 7900 XTX");
    }

    @Test
    void aLibraryThatLacksTheNvmlFunctionsIsReportedAndSkipped() {
        // the fake ROCm SMI library is a loadable .so without a single NVML symbol: a wrong or truncated install
        FakeGpuLibraries.useNone();
        System.setProperty(HardwareMonitors.NVML_LIBRARY_PROPERTY, FakeGpuLibraries.ROCM_SMI.toString());
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("nvml: failed (").contains("nvmlInit_v2"));
        assertThat(monitor.sample().ramTotalBytes()).isPositive();
    }
}

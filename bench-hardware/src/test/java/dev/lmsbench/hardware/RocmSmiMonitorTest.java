package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareInfo;
import dev.lmsbench.core.hardware.HardwareMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ROCm SMI backend against the fake librocm_smi64.so, loaded through JNA exactly as the real one. */
class RocmSmiMonitorTest {

    private static final long GIB = 1L << 30;

    private HardwareMonitor monitor;

    @AfterEach
    void closeAndReset() {
        if (monitor != null) {
            monitor.close();
        }
        FakeGpuLibraries.reset();
    }

    private static Map<String, String> rx7900() {
        Map<String, String> config = new HashMap<>();
        config.put("count", "1");
        config.put("driver", "6.10.5");
        config.put("gpu0.name", "AMD Radeon RX 7900 XTX");
        config.put("gpu0.unique_id", "3735928559");
        config.put("gpu0.vram_total", String.valueOf(24 * GIB));
        config.put("gpu0.vram_used", String.valueOf(14 * GIB));
        config.put("gpu0.gtt_used", String.valueOf(2 * GIB));
        config.put("gpu0.busy", "93");
        config.put("gpu0.mem_busy", "55");
        config.put("gpu0.power_uw", "287250000");
        config.put("gpu0.power_cap_uw", "355000000");
        config.put("gpu0.temp_mdeg", "68500");
        return config;
    }

    @Test
    void reportsVramGttPowerAndTemperatureInOurUnits() {
        FakeGpuLibraries.useRocmSmi(rx7900());
        monitor = HardwareMonitors.detect();

        GpuSample gpu = monitor.sample().gpus().getFirst();

        assertThat(gpu.name()).isEqualTo("AMD Radeon RX 7900 XTX");
        assertThat(gpu.vramTotalBytes()).isEqualTo(24 * GIB);
        assertThat(gpu.vramUsedBytes()).isEqualTo(14 * GIB);
        assertThat(gpu.gttUsedBytes()).isEqualTo(2 * GIB);
        assertThat(gpu.gpuUtilization()).isEqualTo(93.0);
        assertThat(gpu.memoryUtilization()).isEqualTo(55.0);
        assertThat(gpu.powerWatts()).isCloseTo(287.25, within(1e-9));
        assertThat(gpu.powerLimitWatts()).isCloseTo(355.0, within(1e-9));
        assertThat(gpu.temperatureCelsius()).isCloseTo(68.5, within(1e-9));
        assertThat(gpu.coreClockMhz()).isEqualTo(-1);
        assertThat(gpu.memoryClockMhz()).isEqualTo(-1);
    }

    @Test
    void readsClocksAndThePcieLinkFromTheSysfsDirectoryOfTheDevicesPciAddress(@TempDir Path pci) throws IOException {
        Map<String, String> config = rx7900();
        config.put("gpu0.bdfid", String.valueOf((0x03L << 8) | (0x00L << 3))); // 0000:03:00.0
        Path device = Files.createDirectories(pci.resolve("0000:03:00.0"));
        Files.writeString(device.resolve("pp_dpm_sclk"), "0: 500Mhz \n1: 2482Mhz *\n2: 2526Mhz \n");
        Files.writeString(device.resolve("pp_dpm_mclk"), "0: 96Mhz \n3: 1249Mhz *\n");
        Files.writeString(device.resolve("current_link_speed"), "16.0 GT/s PCIe\n");
        Files.writeString(device.resolve("current_link_width"), "16\n");
        FakeGpuLibraries.useRocmSmi(config);
        System.setProperty(HardwareMonitors.SYSFS_PCI_PROPERTY, pci.toString());
        monitor = HardwareMonitors.detect();

        GpuSample gpu = monitor.sample().gpus().getFirst();

        assertThat(gpu.coreClockMhz()).isEqualTo(2482);
        assertThat(gpu.memoryClockMhz()).isEqualTo(1249);
        assertThat(gpu.pcieGeneration()).isEqualTo(4);
        assertThat(gpu.pcieWidth()).isEqualTo(16);
        assertThat(gpu.vramUsedBytes()).as("the library figures are unchanged").isEqualTo(14 * GIB);
    }

    @Test
    void pciAddressesDecodeAsRocmSmiEncodesThem() {
        assertThat(RocmSmiDriver.pciAddress((0x03L << 8) | (0x00L << 3))).isEqualTo("0000:03:00.0");
        assertThat(RocmSmiDriver.pciAddress((0x1L << 32) | (0xc1L << 8) | (0x1fL << 3) | 0x7)).isEqualTo(
                "0001:c1:1f.7");
        // ROCm 6.1 puts a partition id in bits 28-31; it is not part of the sysfs name
        assertThat(RocmSmiDriver.pciAddress((0x2L << 28) | (0x43L << 8))).isEqualTo("0000:43:00.0");
    }

    @Test
    void excludesGttWhenAskedTo() {
        FakeGpuLibraries.useRocmSmi(rx7900());
        monitor = HardwareMonitors.detect(false);

        GpuSample gpu = monitor.sample().gpus().getFirst();

        assertThat(gpu.gttUsedBytes()).isEqualTo(-1);
        assertThat(gpu.vramUsedBytes()).isEqualTo(14 * GIB);
    }

    @Test
    void describesTheGpuTheDriverAndWhyRocmSmiIsUsed() {
        FakeGpuLibraries.useRocmSmi(rx7900());
        monitor = HardwareMonitors.detect();

        HardwareInfo info = monitor.describe();

        assertThat(info.gpuBackend()).isEqualTo("rocm-smi");
        assertThat(info.driver()).isEqualTo("6.10.5");
        assertThat(info.gpus()).containsExactly(
                new HardwareInfo.Gpu(0, "AMD Radeon RX 7900 XTX", "0x00000000deadbeef", 24 * GIB));
        assertThat(info.notes()).contains("nvml: " + FakeGpuLibraries.ABSENT_NVML + " not found");
        assertThat(info.notes()).anySatisfy(note -> assertThat(note).startsWith("rocm-smi: used ("));
    }

    @Test
    void anInitErrorMakesGpuDataUnavailableWithTheReason() {
        Map<String, String> config = rx7900();
        config.put("init", "8");
        FakeGpuLibraries.useRocmSmi(config);
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).anySatisfy(note -> assertThat(note)
                .startsWith("rocm-smi: rsmi_init returned 8 (RSMI_STATUS_INIT_ERROR)"));
        assertThat(monitor.sample().gpus()).isEmpty();
        assertThat(FakeGpuLibraries.activeRocmSmiInits()).isZero();
    }

    @Test
    void aFailingMemoryUsageCallMakesOnlyTheUsedFiguresSentinels() {
        Map<String, String> config = rx7900();
        config.put("error.rsmi_dev_memory_usage_get", "2");
        FakeGpuLibraries.useRocmSmi(config);
        monitor = HardwareMonitors.detect();

        GpuSample gpu = monitor.sample().gpus().getFirst();

        // one function serves VRAM and GTT used, so both go; total and the rest stay
        assertThat(gpu.gttUsedBytes()).isEqualTo(-1);
        assertThat(gpu.vramUsedBytes()).isEqualTo(-1);
        assertThat(gpu.vramTotalBytes()).isEqualTo(24 * GIB);
        assertThat(gpu.powerWatts()).isCloseTo(287.25, within(1e-9));
    }

    @Test
    void closingShutsRocmSmiDown() {
        FakeGpuLibraries.useRocmSmi(rx7900());
        monitor = HardwareMonitors.detect();
        assertThat(FakeGpuLibraries.activeRocmSmiInits()).isEqualTo(1);

        monitor.close();

        assertThat(FakeGpuLibraries.activeRocmSmiInits()).isZero();
    }
}

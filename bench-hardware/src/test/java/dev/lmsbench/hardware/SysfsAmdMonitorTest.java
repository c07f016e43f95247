package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.lmsbench.core.hardware.GpuSample;
import dev.lmsbench.core.hardware.HardwareMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The amdgpu sysfs fallback against a directory tree laid out like {@code /sys/class/drm}, with file contents in the
 * kernel's formats (one number and a newline; {@code pp_dpm_*} levels with a star on the current one).
 */
class SysfsAmdMonitorTest {

    private static final long GIB = 1L << 30;

    @TempDir
    Path drm;

    private Path amd;
    private HardwareMonitor monitor;

    @BeforeEach
    void layOutOneAmdCardOneIntelCardAndAConnector() throws IOException {
        amd = drm.resolve("card1/device");
        write(amd, Map.ofEntries(
                Map.entry("vendor", "0x1002\n"),
                Map.entry("device", "0x744c\n"),
                Map.entry("mem_info_vram_total", 24 * GIB + "\n"),
                Map.entry("mem_info_vram_used", 14 * GIB + "\n"),
                Map.entry("mem_info_gtt_used", 2 * GIB + "\n"),
                Map.entry("gpu_busy_percent", "93\n"),
                Map.entry("mem_busy_percent", "55\n"),
                Map.entry("pp_dpm_sclk", "0: 500Mhz \n1: 2482Mhz *\n2: 2526Mhz \n"),
                Map.entry("pp_dpm_mclk", "0: 96Mhz \n1: 456Mhz \n2: 772Mhz \n3: 1249Mhz *\n"),
                Map.entry("current_link_speed", "16.0 GT/s PCIe\n"),
                Map.entry("current_link_width", "16\n"),
                Map.entry("hwmon/hwmon3/power1_average", "287000000\n"),
                Map.entry("hwmon/hwmon3/power1_cap", "327000000\n"),
                Map.entry("hwmon/hwmon3/temp1_input", "52000\n")));
        write(drm.resolve("card0/device"), Map.of("vendor", "0x8086\n", "device", "0x56a0\n"));
        Files.createDirectories(drm.resolve("card1-DP-1"));
        FakeGpuLibraries.useNone();
        System.setProperty(HardwareMonitors.SYSFS_DRM_PROPERTY, drm.toString());
    }

    @AfterEach
    void closeAndReset() {
        if (monitor != null) {
            monitor.close();
        }
        FakeGpuLibraries.reset();
    }

    private static void write(Path dir, Map<String, String> files) throws IOException {
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path path = dir.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue());
        }
    }

    @Test
    void readsVramGttUtilizationPowerTemperatureAndClocksOfTheAmdCard() {
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("sysfs");
        assertThat(monitor.sample().gpus()).singleElement().satisfies(gpu -> {
            assertThat(gpu.name()).isEqualTo("AMD GPU 0x744c");
            assertThat(gpu.vramTotalBytes()).isEqualTo(24 * GIB);
            assertThat(gpu.vramUsedBytes()).isEqualTo(14 * GIB);
            assertThat(gpu.gttUsedBytes()).isEqualTo(2 * GIB);
            assertThat(gpu.gpuUtilization()).isEqualTo(93.0);
            assertThat(gpu.memoryUtilization()).isEqualTo(55.0);
            assertThat(gpu.powerWatts()).isCloseTo(287.0, within(1e-9));
            assertThat(gpu.powerLimitWatts()).isCloseTo(327.0, within(1e-9));
            assertThat(gpu.temperatureCelsius()).isCloseTo(52.0, within(1e-9));
            assertThat(gpu.coreClockMhz()).isEqualTo(2482);
            assertThat(gpu.memoryClockMhz()).isEqualTo(1249);
            assertThat(gpu.pcieGeneration()).isEqualTo(4);
            assertThat(gpu.pcieWidth()).isEqualTo(16);
        });
    }

    @Test
    void pcieLinkSpeedsAsTheKernelPrintsThemMapToGenerations() {
        assertThat(SysfsAmdDriver.pcieGenerationOf("2.5 GT/s PCIe")).isEqualTo(1);
        assertThat(SysfsAmdDriver.pcieGenerationOf("8 GT/s")).isEqualTo(3);
        assertThat(SysfsAmdDriver.pcieGenerationOf("16.0 GT/s PCIe")).isEqualTo(4);
        assertThat(SysfsAmdDriver.pcieGenerationOf("32.0 GT/s PCIe")).isEqualTo(5);
        assertThat(SysfsAmdDriver.pcieGenerationOf("Unknown")).isEqualTo(-1);
    }

    @Test
    void excludesGttWhenAskedTo() {
        monitor = HardwareMonitors.detect(false);

        assertThat(monitor.sample().gpus().getFirst().gttUsedBytes()).isEqualTo(-1);
    }

    @Test
    void usesTheInstantaneousPowerWhenTheKernelOffersNoAverage() throws IOException {
        Files.delete(amd.resolve("hwmon/hwmon3/power1_average"));
        Files.writeString(amd.resolve("hwmon/hwmon3/power1_input"), "301500000\n");
        monitor = HardwareMonitors.detect();

        assertThat(monitor.sample().gpus().getFirst().powerWatts()).isCloseTo(301.5, within(1e-9));
    }

    @Test
    void aMissingOrUnparsableFileMakesOnlyThatFigureASentinel() throws IOException {
        Files.delete(amd.resolve("hwmon/hwmon3/temp1_input"));
        Files.writeString(amd.resolve("gpu_busy_percent"), "busy\n");
        Files.writeString(amd.resolve("pp_dpm_sclk"), "0: 500Mhz \n1: 2482Mhz \n");
        monitor = HardwareMonitors.detect();

        GpuSample gpu = monitor.sample().gpus().getFirst();

        assertThat(gpu.temperatureCelsius()).isNaN();
        assertThat(gpu.gpuUtilization()).isNaN();
        assertThat(gpu.coreClockMhz()).isEqualTo(-1);
        assertThat(gpu.memoryClockMhz()).isEqualTo(1249);
        assertThat(gpu.powerWatts()).isCloseTo(287.0, within(1e-9));
    }

    @Test
    void aMachineWithoutAmdCardsHasNoGpuAndSaysWhy() throws IOException {
        Files.writeString(amd.resolve("vendor"), "0x10de\n");
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("none");
        assertThat(monitor.describe().notes()).contains("sysfs: " + drm + " reports no GPU");
    }

    @Test
    void rocmSmiHasPriorityOverSysfs() {
        FakeGpuLibraries.useRocmSmi(Map.of("gpu0.name", "AMD Radeon RX 7900 XTX"));
        System.setProperty(HardwareMonitors.SYSFS_DRM_PROPERTY, drm.toString());
        monitor = HardwareMonitors.detect();

        assertThat(monitor.describe().gpuBackend()).isEqualTo("rocm-smi");
        assertThat(monitor.describe().notes()).contains("sysfs: not tried, rocm-smi has priority");
    }
}

package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.lmsbench.core.hardware.GpuSample;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rocm-smi fallback: its JSON reading on outputs captured with ROCm 4.3, 6.0.2 and 6.1.2 (whose key names
 * differ), then end to end through GpuQuery with a fake rocm-smi.
 */
class RocmSmiCliDriverTest {

    @TempDir
    Path dir;

    @AfterEach
    void resetProperties() {
        FakeGpuLibraries.reset();
    }

    private static RocmSmiCliDriver parsed(String fixture) throws NativeStatusException {
        RocmSmiCliDriver driver = new RocmSmiCliDriver(FakeTool.command(Path.of("/nonexistent/rocm-smi")));
        driver.accept(RocmSmiCliDriver.parse(FakeTool.read(fixture)));
        return driver;
    }

    @Test
    void readsEveryFigureOfARocm43OutputWithItsOldKeyNames() throws Exception {
        RocmSmiCliDriver driver = parsed("rocm-smi/rx6700xt_rocm430.json");

        assertThat(driver.deviceCount()).isEqualTo(1);
        assertThat(driver.driverVersion()).isEqualTo("6.3.6");
        assertThat(driver.name(0)).as("Card series holds the vendor id 0x1002 here").isEqualTo("67XA6S");
        assertThat(driver.uuid(0)).as("Unique ID is N/A").isEmpty();
        assertThat(driver.vramTotalBytes(0)).isEqualTo(12_868_124_672L);
        assertThat(driver.vramUsedBytes(0)).isEqualTo(1_622_728_704L);
        assertThat(driver.gttUsedBytes(0)).isEqualTo(244_150_272L);
        assertThat(driver.gpuUtilizationPercent(0)).isZero();
        assertThat(driver.memoryUtilizationPercent(0)).isZero();
        assertThat(driver.powerWatts(0)).isCloseTo(6.0, within(1e-9));
        assertThat(driver.powerLimitWatts(0)).isCloseTo(211.0, within(1e-9));
        assertThat(driver.temperatureCelsius(0)).as("edge").isCloseTo(45.0, within(1e-9));
        assertThat(driver.coreClockMhz(0)).isEqualTo(500);
        assertThat(driver.memoryClockMhz(0)).isEqualTo(96);
        assertThat(driver.pcieGeneration(0)).isEqualTo(4);
        assertThat(driver.pcieWidth(0)).isEqualTo(16);
    }

    @Test
    void readsTheRenamedKeysOfARocm612Output() throws Exception {
        RocmSmiCliDriver driver = parsed("rocm-smi/rx6700xt_rocm612.json");

        assertThat(driver.name(0)).isEqualTo("Navi 22 [Radeon RX 6700/6700 XT / 6800M]");
        assertThat(driver.vramUsedBytes(0)).isEqualTo(1_572_745_216L);
        assertThat(driver.gttUsedBytes(0)).isEqualTo(242_036_736L);
        assertThat(driver.memoryUtilizationPercent(0)).as("Read/Write Activity, not Allocated (VRAM%)").isZero();
        assertThat(driver.coreClockMhz(0)).isZero();
        assertThat(driver.powerWatts(0)).isCloseTo(6.0, within(1e-9));
    }

    @Test
    void readsFourCardsInOrderFromAnMi100Output() throws Exception {
        RocmSmiCliDriver driver = parsed("rocm-smi/mi100_rocm602.json");

        assertThat(driver.deviceCount()).isEqualTo(4);
        assertThat(driver.name(3)).isEqualTo("Arcturus GL-XL [Instinct MI100]");
        assertThat(driver.uuid(0)).isEqualTo("0x79ccd55167a2124a");
        assertThat(driver.uuid(3)).isEqualTo("0x1b9dd972253c3736");
        assertThat(List.of(driver.powerWatts(0), driver.powerWatts(1), driver.powerWatts(2), driver.powerWatts(3)))
                .containsExactly(36.0, 44.0, 43.0, 39.0);
        assertThat(driver.temperatureCelsius(1)).isEqualTo(55.0);
        assertThat(driver.vramTotalBytes(2)).isEqualTo(34_342_961_152L);
        assertThat(driver.gttUsedBytes(2)).isEqualTo(11_354_112L);
        assertThat(driver.memoryClockMhz(3)).isEqualTo(1200);
        assertThat(driver.coreClockMhz(3)).isEqualTo(300);
    }

    @Test
    void readsSocketPowerAndFallsBackToTheJunctionTemperatureOnAnMi300x() throws Exception {
        RocmSmiCliDriver driver = parsed("rocm-smi/mi300x_partial.json");

        assertThat(driver.powerWatts(0)).isCloseTo(159.0, within(1e-9));
        assertThat(driver.powerLimitWatts(0)).isCloseTo(750.0, within(1e-9));
        assertThat(driver.temperatureCelsius(0)).isCloseTo(45.0, within(1e-9));
        assertThat(driver.name(0)).isEqualTo("AMD GPU card0");
        assertThatThrownBy(() -> driver.gttUsedBytes(0)).isInstanceOf(NativeStatusException.class)
                .hasMessageContaining("gtt used not reported for card0");
        assertThatThrownBy(() -> driver.coreClockMhz(0)).isInstanceOf(NativeStatusException.class);
        assertThatThrownBy(() -> driver.pcieGeneration(0)).isInstanceOf(NativeStatusException.class);
    }

    @Test
    void skipsTextAroundTheJsonAndRejectsOutputWithoutCards() throws Exception {
        {
            RocmSmiCliDriver driver = new RocmSmiCliDriver(FakeTool.command(Path.of("/nonexistent/rocm-smi")));
            driver.accept(RocmSmiCliDriver.parse("WARNING: AMD GPU device(s) is/are in a low-power state.\n"
                    + "{\"card1\": {\"GPU use (%)\": \"12\"}, \"card0\": {\"GPU use (%)\": \"N/A\"}}\n"));
            assertThat(driver.deviceCount()).isEqualTo(2);
            assertThat(driver.gpuUtilizationPercent(1)).isEqualTo(12.0);
            assertThatThrownBy(() -> driver.gpuUtilizationPercent(0)).isInstanceOf(NativeStatusException.class);
        }
        assertThatThrownBy(() -> RocmSmiCliDriver.parse("{\"system\": {\"Driver version\": \"6.3.6\"}}"))
                .hasMessageContaining("no card");
        assertThatThrownBy(() -> RocmSmiCliDriver.parse("ERROR: GPU[0]: RSMI_STATUS_NOT_SUPPORTED"))
                .isInstanceOf(NativeStatusException.class);
    }

    @Test
    void asksForEveryFigureItReadsInOneRun() {
        assertThat(RocmSmiCliDriver.ARGUMENTS).containsSubsequence("--showmeminfo", "vram", "gtt")
                .contains("--json", "--showuse", "--showmemuse", "--showpower", "--showmaxpower", "--showtemp",
                        "--showclocks", "--showproductname", "--showuniqueid", "--showdriverversion");
    }

    @Test
    void reportsVramGttAndPowerOfFourCardsThroughGpuQuery() throws Exception {
        Path tool = FakeTool.printing(dir, "rocm-smi", "rocm-smi/mi100_rocm602.json");
        try (GpuQuery query = GpuQuery.open(new RocmSmiCliDriver(FakeTool.command(tool)), true)) {
            assertThat(query.backend()).isEqualTo("rocm-smi-cli");
            assertThat(query.driverVersion()).isEqualTo("6.3.6");
            assertThat(query.gpus()).extracting(g -> g.uuid()).containsExactly("0x79ccd55167a2124a",
                    "0x4edfb117a17a07d", "0xd4a9ec48d03d261d", "0x1b9dd972253c3736");

            GpuSample first = query.sample().getFirst();

            assertThat(first).isEqualTo(new GpuSample(0, "Arcturus GL-XL [Instinct MI100]", 6_750_208L,
                    34_342_961_152L, 11_354_112L, 0, 0, 36.0, 290.0, 53.0, 300, 1200, 4, 16));
        }
    }

    @Test
    void aNonZeroExitWithValidJsonIsStillASample() throws Exception {
        Path tool = FakeTool.script(dir, "rocm-smi", "cat '" + FakeTool.fixture("rocm-smi/mi300x_partial.json")
                + "'\necho 'ERROR: GPU[0]: sclk: RSMI_STATUS_NOT_SUPPORTED' >&2\nexit 2");
        try (GpuQuery query = GpuQuery.open(new RocmSmiCliDriver(FakeTool.command(tool)), true)) {
            GpuSample gpu = query.sample().getFirst();

            assertThat(gpu.powerWatts()).isCloseTo(159.0, within(1e-9));
            assertThat(gpu.coreClockMhz()).isEqualTo(-1);
            assertThat(gpu.gttUsedBytes()).isEqualTo(-1);
            assertThat(gpu.memoryUtilization()).isNaN();
        }
    }

    @Test
    void aFailingToolCannotBeOpenedAndAHangingOneCostsTheSample() throws Exception {
        Path failing = FakeTool.failing(dir, "rocm-smi-failing", 1,
                "ERROR:root:Driver not initialized (amdgpu not found in modules)");
        assertThatThrownBy(() -> GpuQuery.open(new RocmSmiCliDriver(FakeTool.command(failing)), true))
                .isInstanceOf(NativeStatusException.class).hasMessageContaining("amdgpu not found in modules");

        Path tool = FakeTool.switchable(dir, "rocm-smi", "rocm-smi/rx6700xt_rocm612.json");
        try (GpuQuery query = GpuQuery.open(new RocmSmiCliDriver(FakeTool.command(tool)), true)) {
            FakeTool.switchTo(dir, "hang");
            assertThat(query.sample()).containsExactly(
                    GpuSample.unavailable(0, "Navi 22 [Radeon RX 6700/6700 XT / 6800M]"));
        }
    }

    @Test
    void isUnavailableWhenThePropertyNamesAnAbsentFile() {
        System.setProperty(RocmSmiCliDriver.TOOL_PROPERTY, dir.resolve("absent").toString());

        assertThat(RocmSmiCliDriver.load()).isInstanceOf(DriverLoad.Unavailable.class);
    }
}

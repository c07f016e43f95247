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

/** The nvidia-smi fallback: its CSV parser on fixtures, then end to end through GpuQuery with a fake nvidia-smi. */
class NvidiaSmiDriverTest {

    private static final long MIB = 1L << 20;

    @TempDir
    Path dir;

    @AfterEach
    void resetProperties() {
        FakeGpuLibraries.reset();
        System.clearProperty(ToolCommand.TIMEOUT_PROPERTY);
    }

    private static NvidiaSmiDriver parsed(String fixture) throws NativeStatusException {
        NvidiaSmiDriver driver = new NvidiaSmiDriver(FakeTool.command(Path.of("/nonexistent/nvidia-smi")));
        driver.accept(FakeTool.read(fixture));
        return driver;
    }

    @Test
    void readsEveryFigureOfBothGpusOfACapturedTwoGpuOutput() throws Exception {
        NvidiaSmiDriver driver = parsed("nvidia-smi/two-gpus.csv");

        assertThat(driver.deviceCount()).isEqualTo(2);
        assertThat(driver.name(0)).isEqualTo("NVIDIA GeForce RTX 4090");
        assertThat(driver.uuid(0)).isEqualTo("GPU-4b0e8c2f-6d3a-4f1b-9c0e-2a7d5e1f3b64");
        assertThat(driver.vramTotalBytes(0)).isEqualTo(24564 * MIB);
        assertThat(driver.vramUsedBytes(0)).isEqualTo(18342 * MIB);
        assertThat(driver.gttUsedBytes(0)).isEqualTo(-1);
        assertThat(driver.gpuUtilizationPercent(0)).isEqualTo(97.0);
        assertThat(driver.memoryUtilizationPercent(0)).isEqualTo(61.0);
        assertThat(driver.powerWatts(0)).isCloseTo(412.35, within(1e-9));
        assertThat(driver.powerLimitWatts(0)).isCloseTo(450.0, within(1e-9));
        assertThat(driver.temperatureCelsius(0)).isEqualTo(71.0);
        assertThat(driver.coreClockMhz(0)).isEqualTo(2715);
        assertThat(driver.memoryClockMhz(0)).isEqualTo(10501);
        assertThat(driver.pcieGeneration(0)).isEqualTo(4);
        assertThat(driver.pcieWidth(0)).isEqualTo(16);

        assertThat(driver.name(1)).isEqualTo("NVIDIA GeForce RTX 3090");
        assertThat(driver.vramUsedBytes(1)).isEqualTo(23102 * MIB);
        assertThat(driver.powerWatts(1)).isCloseTo(338.2, within(1e-9));
        assertThat(driver.pcieWidth(1)).isEqualTo(8);
    }

    @Test
    void everyUnavailableSpellingMakesItsFigureThrowAndLeavesTheOthers() throws Exception {
        NvidiaSmiDriver driver = parsed("nvidia-smi/unavailable-values.csv");

        assertThatThrownBy(() -> driver.powerLimitWatts(0)).isInstanceOf(NativeStatusException.class)
                .hasMessageContaining("power.limit is [N/A]");
        assertThat(driver.powerWatts(0)).isCloseTo(12.48, within(1e-9));
        assertThat(driver.vramTotalBytes(0)).isEqualTo(4096 * MIB);

        assertThat(driver.name(1)).isEqualTo("NVIDIA GB10");
        assertThatThrownBy(() -> driver.vramTotalBytes(1)).isInstanceOf(NativeStatusException.class);
        assertThatThrownBy(() -> driver.vramUsedBytes(1)).isInstanceOf(NativeStatusException.class);
        assertThatThrownBy(() -> driver.memoryUtilizationPercent(1)).hasMessageContaining("[Not Supported]");
        assertThatThrownBy(() -> driver.powerLimitWatts(1)).hasMessageContaining("N/A");
        assertThatThrownBy(() -> driver.memoryClockMhz(1)).hasMessageContaining("empty");
        assertThatThrownBy(() -> driver.pcieGeneration(1)).isInstanceOf(NativeStatusException.class);
        assertThat(driver.gpuUtilizationPercent(1)).isEqualTo(35.0);
        assertThat(driver.coreClockMhz(1)).isEqualTo(208);
    }

    @Test
    void aCommaInTheNameStaysInTheNameAndAForeignLineIsRejected() throws Exception {
        List<List<String>> rows = NvidiaSmiDriver.parse(
                "0, Tesla K80, rev, A, GPU-1, 470.1, 11441, 0, 0, 0, 30, 149, 25, 324, 324, 3, 16\n");

        assertThat(rows).singleElement().satisfies(row -> assertThat(row.get(1)).isEqualTo("Tesla K80, rev, A"));
        assertThatThrownBy(() -> NvidiaSmiDriver.parse("No devices were found\n"))
                .isInstanceOf(NativeStatusException.class).hasMessageContaining("No devices were found");
    }

    @Test
    void reportsVramAndPowerFromACapturedTwoGpuOutputThroughGpuQuery() throws Exception {
        Path tool = FakeTool.printing(dir, "nvidia-smi", "nvidia-smi/two-gpus.csv");
        try (GpuQuery query = GpuQuery.open(new NvidiaSmiDriver(FakeTool.command(tool)), true)) {
            assertThat(query.backend()).isEqualTo("nvidia-smi");
            assertThat(query.driverVersion()).isEqualTo("550.54.14");
            assertThat(query.gpus()).extracting(g -> g.name())
                    .containsExactly("NVIDIA GeForce RTX 4090", "NVIDIA GeForce RTX 3090");

            List<GpuSample> samples = query.sample();

            assertThat(samples).hasSize(2);
            assertThat(samples.getFirst()).isEqualTo(new GpuSample(0, "NVIDIA GeForce RTX 4090", 18342 * MIB,
                    24564 * MIB, -1, 97, 61, 412.35, 450, 71, 2715, 10501, 4, 16));
            assertThat(samples.get(1).vramUsedBytes()).isEqualTo(23102 * MIB);
        }
    }

    @Test
    void unavailableValuesBecomeSentinelsNotZerosThroughGpuQuery() throws Exception {
        Path tool = FakeTool.printing(dir, "nvidia-smi", "nvidia-smi/unavailable-values.csv");
        try (GpuQuery query = GpuQuery.open(new NvidiaSmiDriver(FakeTool.command(tool)), true)) {
            GpuSample laptop = query.sample().getFirst();
            GpuSample gb10 = query.sample().get(1);

            assertThat(laptop.powerLimitWatts()).isNaN();
            assertThat(laptop.powerWatts()).isCloseTo(12.48, within(1e-9));
            assertThat(gb10.vramTotalBytes()).isEqualTo(-1);
            assertThat(gb10.vramUsedBytes()).isEqualTo(-1);
            assertThat(gb10.memoryUtilization()).isNaN();
            assertThat(gb10.memoryClockMhz()).isEqualTo(-1);
            assertThat(gb10.pcieGeneration()).isEqualTo(-1);
            assertThat(gb10.pcieWidth()).isEqualTo(-1);
            assertThat(gb10.gpuUtilization()).isEqualTo(35.0);
        }
    }

    @Test
    void aToolThatFailsAtInitCannotBeOpenedAndSaysWhy() {
        Path tool = FakeTool.failing(dir, "nvidia-smi", 9,
                "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.");

        assertThatThrownBy(() -> GpuQuery.open(new NvidiaSmiDriver(FakeTool.command(tool)), true))
                .isInstanceOf(NativeStatusException.class)
                .hasMessage("nvidia-smi returned 9 (NVIDIA-SMI has failed because it couldn't communicate with the "
                        + "NVIDIA driver.)");
    }

    @Test
    void aSampleWhoseRunFailsOrHangsIsAllSentinelsAndTheNextGoodRunRecovers() throws Exception {
        Path tool = FakeTool.switchable(dir, "nvidia-smi", "nvidia-smi/two-gpus.csv");
        try (GpuQuery query = GpuQuery.open(new NvidiaSmiDriver(FakeTool.command(tool)), true)) {
            FakeTool.switchTo(dir, "fail");
            assertThat(query.sample()).containsExactly(GpuSample.unavailable(0, "NVIDIA GeForce RTX 4090"),
                    GpuSample.unavailable(1, "NVIDIA GeForce RTX 3090"));

            FakeTool.switchTo(dir, "hang");
            long start = System.nanoTime();
            assertThat(query.sample()).allSatisfy(gpu -> assertThat(gpu.vramUsedBytes()).isEqualTo(-1));
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(FakeTool.TIMEOUT.toMillis() + 3000);

            FakeTool.switchTo(dir, "print");
            assertThat(query.sample().getFirst().vramUsedBytes()).isEqualTo(18342 * MIB);
        }
    }

    @Test
    void isFoundThroughThePropertyAndAnAbsentPathIsUnavailable() {
        Path tool = FakeTool.printing(dir, "nvidia-smi", "nvidia-smi/two-gpus.csv");
        System.setProperty(NvidiaSmiDriver.TOOL_PROPERTY, tool.toString());
        assertThat(NvidiaSmiDriver.load()).isInstanceOfSatisfying(DriverLoad.Ready.class,
                ready -> assertThat(ready.driver().library()).isEqualTo(tool.toString()));

        System.setProperty(NvidiaSmiDriver.TOOL_PROPERTY, dir.resolve("absent").toString());
        assertThat(NvidiaSmiDriver.load()).isEqualTo(new DriverLoad.Unavailable(
                "nvidia-smi not found at " + dir.resolve("absent") + " (lmsbench.nvidia-smi)"));
    }

    @Test
    void isFoundOnPathOrSaysItIsNotThere() {
        Path tool = FakeTool.printing(dir, "nvidia-smi", "nvidia-smi/two-gpus.csv");

        assertThat(ToolCommand.onPath("nvidia-smi", "/nonexistent" + java.io.File.pathSeparator + dir))
                .isEqualTo(tool.toAbsolutePath());
        assertThat(ToolCommand.onPath("nvidia-smi", "/nonexistent")).isNull();
        assertThat(ToolCommand.onPath("nvidia-smi", null)).isNull();
    }

    @Test
    void theTimeoutComesFromItsPropertyAndFallsBackOnNonsense() {
        System.setProperty(ToolCommand.TIMEOUT_PROPERTY, "250");
        assertThat(ToolCommand.configuredTimeout()).isEqualTo(java.time.Duration.ofMillis(250));

        System.setProperty(ToolCommand.TIMEOUT_PROPERTY, "soon");
        assertThat(ToolCommand.configuredTimeout()).isEqualTo(ToolCommand.DEFAULT_TIMEOUT);
    }
}

package dev.lmsbench.hardware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lmsbench.core.hardware.GpuSample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The intel_gpu_top fallback: its JSON stream reading on captured outputs of older (no commas, array never closed) and
 * newer versions, then end to end through GpuQuery with a fake, long-running intel_gpu_top.
 */
class IntelGpuTopDriverTest {

    private static final Duration PERIOD = Duration.ofMillis(200);

    @TempDir
    Path dir;

    @AfterEach
    void resetProperties() {
        FakeGpuLibraries.reset();
    }

    private static IntelGpuTopDriver using(JsonNode sample) {
        IntelGpuTopDriver driver = new IntelGpuTopDriver(FakeTool.command(Path.of("/nonexistent/intel_gpu_top")));
        driver.use(sample);
        return driver;
    }

    @Test
    void readsUtilizationPowerAndClockFromAnOlderVersionsUnseparatedObjects() throws Exception {
        List<JsonNode> objects = JsonObjectScanner.objects(FakeTool.read("intel_gpu_top/coffeelake-old-format.json"));

        assertThat(objects).hasSize(2);
        IntelGpuTopDriver driver = using(objects.get(1));
        assertThat(driver.gpuUtilizationPercent(0)).as("the busiest engine, Video").isCloseTo(31.006142, within(1e-9));
        assertThat(driver.powerWatts(0)).isCloseTo(1.143512, within(1e-9));
        assertThat(driver.coreClockMhz(0)).isEqualTo(349);
        assertThat(driver.vramTotalBytes(0)).isEqualTo(-1);
        assertThat(driver.vramUsedBytes(0)).isEqualTo(-1);
        assertThat(driver.gttUsedBytes(0)).isEqualTo(-1);
        assertThat(driver.memoryUtilizationPercent(0)).isEqualTo(-1);
        assertThat(driver.powerLimitWatts(0)).isEqualTo(-1);
        assertThat(driver.temperatureCelsius(0)).isEqualTo(-1);
        assertThat(driver.memoryClockMhz(0)).isEqualTo(-1);
        assertThat(using(objects.getFirst()).gpuUtilizationPercent(0)).isCloseTo(18.32904, within(1e-9));
    }

    @Test
    void readsCommaSeparatedObjectsAndAProperArrayAlike() throws Exception {
        String captured = FakeTool.read("intel_gpu_top/frigate-comma-separated.json");

        List<JsonNode> separated = JsonObjectScanner.objects(captured);
        List<JsonNode> array = JsonObjectScanner.objects("[\n" + captured.strip() + "\n]\n");

        assertThat(separated).hasSize(2).isEqualTo(array);
        assertThat(using(separated.getFirst()).gpuUtilizationPercent(0)).as("Video/1")
                .isCloseTo(6.194385, within(1e-9));
        assertThat(using(separated.get(1)).gpuUtilizationPercent(0)).isZero();
        assertThat(using(separated.get(1)).coreClockMhz(0)).isZero();
    }

    @Test
    void aSampleWithoutPowerOrEnginesMakesThoseFiguresThrow() throws Exception {
        JsonNode noPower = JsonObjectScanner.objects(FakeTool.read("intel_gpu_top/frigate-comma-separated.json"))
                .getFirst();
        JsonNode noEngines = JsonObjectScanner.objects("{\"frequency\": {\"actual\": 300.0}, \"engines\": {}}")
                .getFirst();

        assertThatThrownBy(() -> using(noPower).powerWatts(0)).isInstanceOf(NativeStatusException.class)
                .hasMessageContaining("power.GPU not reported");
        assertThatThrownBy(() -> using(noEngines).gpuUtilizationPercent(0)).isInstanceOf(NativeStatusException.class);
    }

    @Test
    void bracesInsideStringsDoNotCutAnObject() throws Exception {
        List<JsonNode> objects = JsonObjectScanner.objects(
                "[{\"clients\": {\"4711\": {\"name\": \"odd}{name\\\"\"}}}\n{\"b\": 1}");

        assertThat(objects).hasSize(2);
        assertThat(objects.getFirst().path("clients").path("4711").path("name").asText()).isEqualTo("odd}{name\"");
    }

    @Test
    void takesTheDeviceNameFromTheListing() {
        assertThat(IntelGpuTopDriver.parseDeviceName(FakeTool.read("intel_gpu_top/coffeelake-list.txt")))
                .isEqualTo("Intel Coffeelake (Gen9)");
        assertThat(IntelGpuTopDriver.parseDeviceName("No GPU devices found.\n")).isEqualTo("Intel GPU");
    }

    /** A fake that lists the Coffeelake with -L and otherwise prints the fixture, then runs until killed. */
    private Path longRunningTool(String fixture) {
        return FakeTool.script(dir, "intel_gpu_top", "if [ \"$1\" = -L ]; then exec cat '"
                + FakeTool.fixture("intel_gpu_top/coffeelake-list.txt") + "'; fi\n"
                + "echo $$ > '" + dir.resolve("pid") + "'\n"
                + "cat '" + FakeTool.fixture(fixture) + "'\n"
                + "exec sleep 60");
    }

    /** The first sample with a real utilization: the reader thread may still be cutting the second object. */
    private static GpuSample awaitSample(GpuQuery query) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        GpuSample gpu = query.sample().getFirst();
        while (Double.isNaN(gpu.gpuUtilization()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            gpu = query.sample().getFirst();
        }
        return gpu;
    }

    @Test
    void reportsUtilizationPowerAndClockOfALongRunningToolThroughGpuQuery() throws Exception {
        Path tool = longRunningTool("intel_gpu_top/coffeelake-old-format.json");
        try (GpuQuery query = GpuQuery.open(new IntelGpuTopDriver(FakeTool.command(tool), PERIOD), true)) {
            assertThat(query.backend()).isEqualTo("intel_gpu_top");
            assertThat(query.gpus()).singleElement().satisfies(gpu -> {
                assertThat(gpu.name()).isEqualTo("Intel Coffeelake (Gen9)");
                assertThat(gpu.vramTotalBytes()).isEqualTo(-1);
            });

            assertThat(awaitSample(query)).isEqualTo(new GpuSample(0, "Intel Coffeelake (Gen9)", -1, -1, -1,
                    31.006142, Double.NaN, 1.143512, Double.NaN, Double.NaN, 349, -1, -1, -1));
        }
    }

    @Test
    void closingTheQueryKillsTheTool() throws Exception {
        Path tool = longRunningTool("intel_gpu_top/frigate-comma-separated.json");
        GpuQuery query = GpuQuery.open(new IntelGpuTopDriver(FakeTool.command(tool), PERIOD), true);
        awaitSample(query);
        long pid = Long.parseLong(Files.readString(dir.resolve("pid")).strip());
        assertThat(ProcessHandle.of(pid)).hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());

        query.close();

        ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(5, java.util.concurrent.TimeUnit.SECONDS).join());
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(java.util.Optional.of(true));
    }

    @Test
    void aToolThatCannotReadThePerfCountersCannotBeOpenedAndSaysWhy() {
        Path tool = FakeTool.failing(dir, "intel_gpu_top", 1, "Failed to initialize PMU! (Permission denied)");

        assertThatThrownBy(() -> GpuQuery.open(new IntelGpuTopDriver(FakeTool.command(tool), PERIOD), true))
                .isInstanceOf(NativeStatusException.class)
                .hasMessage("intel_gpu_top returned 1 (Failed to initialize PMU! (Permission denied))");
    }

    @Test
    void aToolThatPrintsNothingWithinTheTimeoutCannotBeOpened() {
        Path tool = FakeTool.hanging(dir, "intel_gpu_top");

        assertThatThrownBy(() -> GpuQuery.open(new IntelGpuTopDriver(FakeTool.command(tool), PERIOD), true))
                .isInstanceOf(NativeStatusException.class).hasMessageContaining("no sample within");
    }

    @Test
    void aToolThatExitsAfterItsFirstSamplesLeavesOnlySentinels() throws Exception {
        Path tool = FakeTool.script(dir, "intel_gpu_top",
                "exec cat '" + FakeTool.fixture("intel_gpu_top/coffeelake-old-format.json") + "'");
        try (GpuQuery query = GpuQuery.open(new IntelGpuTopDriver(FakeTool.command(tool), PERIOD), true)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            List<GpuSample> samples = query.sample();
            while (!samples.equals(List.of(GpuSample.unavailable(0, "Intel GPU"))) && System.nanoTime() < deadline) {
                Thread.sleep(20); // until the reader has seen the tool exit
                samples = query.sample();
            }

            assertThat(samples).containsExactly(GpuSample.unavailable(0, "Intel GPU"));
        }
    }

    @Test
    void isUnavailableWhenThePropertyNamesAnAbsentFile() {
        System.setProperty(IntelGpuTopDriver.TOOL_PROPERTY, dir.resolve("absent").toString());

        assertThat(IntelGpuTopDriver.load()).isEqualTo(new DriverLoad.Unavailable(
                "intel_gpu_top not found at " + dir.resolve("absent") + " (lmsbench.intel_gpu_top)"));
    }
}
